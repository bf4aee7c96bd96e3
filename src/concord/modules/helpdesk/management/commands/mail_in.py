"""``concord mail-in``: the helpdesk's SMTP listener (aiosmtpd) until SIGTERM/SIGINT."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from concord.modules.helpdesk.mail.listener import mail_listener
from concord.modules.helpdesk.mail.parsing import max_message_bytes


class Command(BaseCommand):
    help = "Receive mail for the helpdesk teams' addresses over SMTP and turn it into tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=2525, help="port to listen on (default 2525)")
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help="largest message accepted (default CONCORD_HELPDESK_MAIL_MAX_BYTES, 25 MB)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["max_bytes"] or max_message_bytes()
        controller = mail_listener(host=options["host"], port=options["port"], max_bytes=limit)
        stopped = threading.Event()

        def request_stop(signum: int, _frame: FrameType | None) -> None:
            self.stderr.write(f"signal {signum}: stopping the mail listener")
            stopped.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        controller.start()
        self.stdout.write(
            f"helpdesk mail listener on {options['host']}:{options['port']} (messages up to {limit} bytes)"
        )
        try:
            stopped.wait()
        finally:
            controller.stop()
            for sig, original in previous.items():
                signal.signal(sig, original)
        self.stdout.write("helpdesk mail listener stopped")
