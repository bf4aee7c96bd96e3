"""``concord worker``: deliver outbox events until SIGTERM/SIGINT (or once, with ``--once``)."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from concord.core.outbox.dispatch import DEFAULT_BATCH_SIZE
from concord.core.outbox.worker import OutboxWorker


class Command(BaseCommand):
    help = "Deliver pending outbox events to their handlers (PostgreSQL: run as many as you like)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="deliver everything due, then exit")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument("--poll-seconds", type=float, default=None, help="sleep between passes")
        parser.add_argument("--worker-id", default=None, help="name stored on claimed rows")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = OutboxWorker(
            batch_size=options["batch_size"],
            poll_seconds=options["poll_seconds"],
            worker_id=options["worker_id"],
        )
        once: bool = options["once"]
        previous: dict[int, Any] = {}
        if not once:

            def request_stop(signum: int, _frame: FrameType | None) -> None:
                self.stderr.write(f"signal {signum}: finishing the current batch, then stopping")
                worker.stop()
                for signum_, original in previous.items():  # a second signal stops at once
                    signal.signal(signum_, original)

            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, request_stop)
            self.stdout.write(f"outbox worker {worker.worker_id}: polling every {worker.poll_seconds}s")
        try:
            report = worker.run(once=once)
        finally:
            for signum, original in previous.items():
                signal.signal(signum, original)
        self.stdout.write(
            f"outbox worker {worker.worker_id}: delivered {report.delivered}, "
            f"retrying {report.retrying}, failed {report.failed}"
        )
