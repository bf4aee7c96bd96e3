"""`concord demo --no-serve` is what `make demo` runs before serving: it must work twice on a fresh var/."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def _run(args: list[str], var_dir: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONCORD_", "DJANGO_"))}
    env["CONCORD_VAR_DIR"] = str(var_dir)
    env.update(extra_env)
    return subprocess.run(  # noqa: S603 - our own console entry point with fixed arguments
        [sys.executable, "-m", "concord.config.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def _admin_password(output: str) -> str:
    match = re.search(r"as admin / (\S+)", output)
    assert match, output
    return match.group(1)


def test_demo_loads_twice_without_debug_and_prints_a_fresh_admin_login(tmp_path):
    first = _run(["demo", "--no-serve"], tmp_path)
    assert first.returncode == 0, first.stderr
    second = _run(["demo", "--no-serve"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert _admin_password(first.stdout) != _admin_password(second.stdout)
    assert "created 2 companies" in first.stdout
    assert "created nothing new" in second.stdout  # the second run duplicates nothing

    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 50
    assert (tmp_path / "concord.sqlite3").exists()
    assert (tmp_path / "static" / "staticfiles.json").exists()  # production static storage, collected

    # The demo runs without debug pages: an unknown URL gets the project's own 404 page.
    probe = _run(
        [
            "shell",
            "-c",
            (
                "from django.test import Client; from django.conf import settings; "
                "r = Client().get('/no-such-page/'); print(settings.DEBUG, r.status_code, b'Concord' in r.content)"
            ),
        ],
        tmp_path,
        CONCORD_SECRET_KEY=key_file.read_text().strip(),
        CONCORD_HTTPS="0",
        CONCORD_ALLOWED_HOSTS="testserver",
    )
    assert probe.returncode == 0, probe.stderr
    assert "False 404 True" in probe.stdout
