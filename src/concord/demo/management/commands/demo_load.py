"""``concord demo-load`` / ``manage.py demo_load``: load the demo companies and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from concord.demo.loader import load_demo
from concord.demo.steps import SIZES


class Command(BaseCommand):
    help = (
        "Load the demo companies (idempotent: only what is missing is created), set a fresh password on "
        "every demo login and print them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small", help="how much data to make")
        parser.add_argument("--seed", type=int, default=2026, help="seed of every random choice")
        parser.add_argument("--port", type=int, default=8000, help="port shown in the sign-in hint")

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo(size=options["size"], seed=options["seed"], stdout=self.stdout)
        admin = result.login("admin")
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in at http://127.0.0.1:{options['port']}/ as {admin.username} / {admin.password}"
            )
        )
