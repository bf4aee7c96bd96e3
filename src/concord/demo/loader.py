"""Load the demo data: run every registered demo step, then print and save the logins.

``load_demo`` is idempotent: it looks records up by their natural keys and creates only what is missing,
so ``make demo`` can run it on every start. It sets a fresh password on each demo login every time, prints
them, and writes them to ``VAR_DIR/demo-logins.txt`` (readable by the owner only).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from concord.demo.steps import (
    SIZES,
    DemoContext,
    DemoLogin,
    DemoSize,
    OutputStream,
    discover_steps,
    registered_steps,
)

if TYPE_CHECKING:
    from concord.core.identity.models import Company

__all__ = ["LOGINS_FILENAME", "DemoResult", "format_logins", "load_demo", "logins_path"]

LOGINS_FILENAME = "demo-logins.txt"


@dataclass(frozen=True)
class DemoResult:
    """What a demo load produced: the companies, the logins with their new passwords, and counts."""

    size: DemoSize
    companies: list[Company]
    logins: list[DemoLogin]
    created: dict[str, int] = field(default_factory=dict)  # only what this run created
    logins_file: Path | None = None

    def login(self, username: str) -> DemoLogin:
        for login in self.logins:
            if login.username == username:
                return login
        raise KeyError(username)


def logins_path() -> Path:
    return Path(settings.VAR_DIR) / LOGINS_FILENAME


def format_logins(logins: Sequence[DemoLogin]) -> str:
    """The logins as an aligned plain-text table (username, role, company, password, name)."""
    header = ("username", "role", "company", "password", "name")
    rows = [
        (login.username, login.role, ", ".join(login.company_codes), login.password, login.display_name)
        for login in logins
    ]
    # The name is last: Thai and Khmer combining marks make its width unreliable for alignment.
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]])

    rule = "  ".join(["-" * width for width in widths] + ["-" * 4])
    return "\n".join([line(header), rule, *(line(row) for row in rows)]) + "\n"


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600, replacing it atomically (never world-readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # the umask cannot widen it, but an old leftover file might
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(path)


def load_demo(
    *,
    size: str = "small",
    seed: int = 2026,
    stdout: OutputStream | None = None,
    today: date | None = None,
    up_to_order: int | None = None,
) -> DemoResult:
    """Create whatever of the demo data is missing, set fresh demo passwords, print and save the logins.

    Everything random is derived from ``seed`` (passwords excepted: they come from ``secrets``). All
    steps run in one transaction, so a failing step leaves the database as it was. ``up_to_order`` runs
    only the steps ordered below it (tests of the core data skip the modules' slower steps).
    """
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}; choose one of {', '.join(SIZES)}")
    discover_steps()
    ctx = DemoContext(size=SIZES[size], seed=seed, today=today or timezone.localdate(), stdout=stdout)
    with transaction.atomic():
        for step in registered_steps():
            if up_to_order is None or step.order < up_to_order:
                step.run(ctx)
    table = format_logins(ctx.logins)
    path = logins_path()
    _write_private(
        path,
        f"Concord demo logins (size {size}, seed {seed}); the passwords change on every load.\n\n{table}",
    )
    if stdout is not None:
        made = ", ".join(f"{count} {what}" for what, count in sorted(ctx.counts.items())) or "nothing new"
        stdout.write(f"Demo data ({size}, seed {seed}): created {made}.\n\n")
        stdout.write(table)
        stdout.write(f"\nThese logins are also in {path} (readable by you only).\n")
    return DemoResult(
        size=ctx.size,
        companies=list(ctx.companies.values()),
        logins=list(ctx.logins),
        created=dict(ctx.counts),
        logins_file=path,
    )
