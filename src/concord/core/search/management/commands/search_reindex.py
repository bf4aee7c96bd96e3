"""``concord search_reindex [--kind K]``: rebuild the search index from the modules' records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concord.core.identity.scope import system_scope
from concord.core.search.facade import search_kinds, search_reindex


class Command(BaseCommand):
    help = "Rebuild the global search index from every registered kind (or one, with --kind)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", help='Only this kind, e.g. "parties.party".')

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options.get("kind")
        if kind is not None and kind not in search_kinds:
            known = ", ".join(search_kinds.keys()) or "none"
            raise CommandError(f"Unknown kind {kind!r}; registered kinds: {known}.")
        with system_scope():
            counts = search_reindex(kind=kind)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} indexed")
