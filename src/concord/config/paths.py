"""Where Concord keeps local state; importable before Django's settings (the CLI needs it first)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/concord
PROJECT_DIR = PACKAGE_DIR.parent.parent  # the repository root when run from a checkout


def var_dir() -> Path:
    """``CONCORD_VAR_DIR``, else ``var/`` in the checkout: the SQLite file, media, demo files."""
    return Path(os.environ.get("CONCORD_VAR_DIR", PROJECT_DIR / "var"))
