"""The SMTP listener behind ``concord mail-in``: an aiosmtpd server that turns mail into tickets.

- ``RCPT TO``: the address must be a team's ``email_address`` (``helpdesk.queries.team_for_address``),
  else ``550 5.1.1``; so unknown recipients are refused before the body is even sent.
- ``DATA``: the message goes through ``delivery.mail_deliver`` (parse, then ``email_receive`` per team).
  A refusal (no sender, too large, ...) answers its 5xx and is logged and counted; an unexpected error
  answers ``451`` (the sending server retries later) and is logged with its traceback. Nothing a client
  sends stops the listener.
- Django's ORM is synchronous: every database call runs in a worker thread (``asyncio.to_thread``)
  that closes its connections when done, never in the event loop.
- ``data_size_limit`` is the hard cap on a message (``CONCORD_HELPDESK_MAIL_MAX_BYTES``, 25 MB by default);
  aiosmtpd stops reading beyond it and answers ``552``, which this server logs and counts as well.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import connections

from concord.modules.helpdesk.mail.delivery import count, mail_deliver, teams_for_recipients
from concord.modules.helpdesk.mail.parsing import MailRejected, max_message_bytes

__all__ = ["HelpdeskMailHandler", "MailInController", "mail_listener"]

logger = logging.getLogger("concord.helpdesk.mail")

T = TypeVar("T")


def _in_db_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` (ORM code) in this worker thread and close the thread's connections afterwards."""
    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()


def _knows_address(address: str) -> bool:
    return bool(teams_for_recipients([address]))


class HelpdeskMailHandler:
    """aiosmtpd handler: recipients must be team addresses; each message is received into the helpdesk."""

    def __init__(self, *, max_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes

    async def handle_RCPT(  # noqa: N802 - the hook name aiosmtpd calls
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        try:
            known = await asyncio.to_thread(_in_db_thread, _knows_address, address)
        except Exception:
            logger.exception("could not look up the helpdesk team of %r", address)
            return "451 4.3.0 Temporary failure looking up the recipient, try again later"
        if not known:
            count("rejected.unknown_recipient")
            logger.warning(
                "mail refused: no helpdesk team receives %r (from %r)", address, envelope.mail_from
            )
            return "550 5.1.1 No helpdesk mailbox at this address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        if isinstance(envelope.content, bytes) and not raw:
            raw = envelope.content
        try:
            delivered = await asyncio.to_thread(
                _in_db_thread,
                mail_deliver,
                raw=bytes(raw),
                recipients=list(envelope.rcpt_tos),
                envelope_from=envelope.mail_from or "",
                source=f"smtp {session.peer!r}",
                max_bytes=self.max_bytes,
            )
        except MailRejected as refusal:  # logged and counted by mail_deliver
            return refusal.smtp_status
        except Exception:  # noqa: BLE001 - any failure (logged and counted by mail_deliver) must answer 451, not crash
            return "451 4.3.0 Temporary failure receiving the message, try again later"
        numbers = ", ".join(item.ticket_number for item in delivered)
        return f"250 OK ticket {numbers}"


class _LoggingSMTP(SMTP):
    """aiosmtpd's SMTP session, logging the refusals aiosmtpd makes itself (a message over the size cap)."""

    async def push(self, status: Any) -> None:
        text = status.decode("ascii", "replace") if isinstance(status, bytes) else str(status)
        if text.startswith("552"):
            count("rejected.too_large")
            envelope = self.envelope
            logger.warning(
                "mail refused (too_large) via smtp %r from %r to %s: over %s bytes",
                self.session.peer if self.session else None,
                envelope.mail_from if envelope else None,
                ", ".join(envelope.rcpt_tos) if envelope else "",
                self.data_size_limit,
            )
        await super().push(status)


class MailInController(Controller):
    """aiosmtpd's threaded controller using the logging SMTP session."""

    def factory(self) -> SMTP:
        return _LoggingSMTP(self.handler, **self.SMTP_kwargs)


def mail_listener(
    *, host: str = "127.0.0.1", port: int = 2525, max_bytes: int | None = None
) -> MailInController:
    """A controller (not yet started) serving the helpdesk on ``host:port``; ``start()`` / ``stop()`` it."""
    limit = max_message_bytes() if max_bytes is None else max_bytes
    return MailInController(
        HelpdeskMailHandler(max_bytes=limit),
        hostname=host,
        port=port,
        data_size_limit=limit,
        enable_SMTPUTF8=True,
        ident="Concord helpdesk",
    )
