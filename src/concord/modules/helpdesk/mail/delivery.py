"""One inbound message, from whichever door (SMTP listener or HTTP endpoint), into the helpdesk.

``mail_deliver`` parses the raw bytes, finds the team of each recipient address and hands the message
to the helpdesk service ``email_receive`` once per team. Refusals are ``MailRejected`` (documented in
``parsing``, plus ``unknown_recipient`` here); every refusal and failure is logged and counted in
``MAIL_COUNTERS`` (per process; the log is the durable record).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from concord.core.errors import DomainError
from concord.modules.helpdesk.mail.parsing import InboundMessage, MailRejected, parse_message

__all__ = [
    "MAIL_COUNTERS",
    "Delivered",
    "count",
    "mail_deliver",
    "teams_for_recipients",
]

logger = logging.getLogger("concord.helpdesk.mail")


class _Counters:
    """Thread-safe counters of what the mail channel accepted, refused and failed on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def __getitem__(self, key: str) -> int:
        with self._lock:
            return self._counts[key]


MAIL_COUNTERS = _Counters()


def count(key: str) -> None:
    """Count one outcome (``accepted``, ``rejected.<code>``, ``failed``)."""
    MAIL_COUNTERS.add(key)


@dataclass(frozen=True)
class Delivered:
    """What became of a message for one team: its ticket and whether the ticket is new."""

    team_id: int
    ticket_id: int
    ticket_number: str
    created: bool


@dataclass(frozen=True)
class _TeamRef:
    team_id: int
    company_id: int
    address: str


def teams_for_recipients(
    recipients: Iterable[str], *, allowed: Callable[[int], bool] | None = None
) -> list[_TeamRef]:
    """The distinct active teams the addresses belong to (optionally only companies ``allowed`` accepts)."""
    from concord.modules.helpdesk.queries import team_for_address

    found: dict[int, _TeamRef] = {}
    for address in recipients:
        team = team_for_address(address.strip())
        if team is None or team.pk in found:
            continue
        if allowed is not None and not allowed(team.company_id):
            continue
        found[team.pk] = _TeamRef(team_id=team.pk, company_id=team.company_id, address=address)
    return list(found.values())


def _teams_or_refuse(recipients: Iterable[str], *, allowed: Callable[[int], bool] | None) -> list[_TeamRef]:
    teams = teams_for_recipients(recipients, allowed=allowed)
    if not teams:
        raise MailRejected("unknown_recipient", "no helpdesk team receives mail at these addresses")
    return teams


def _receive(message: InboundMessage, teams: Sequence[_TeamRef]) -> list[Delivered]:
    from concord.modules.helpdesk.services.inbound import email_receive

    delivered: list[Delivered] = []
    for team in teams:
        ticket, _message, created = email_receive(
            company_id=team.company_id, message=message, team_id=team.team_id
        )
        delivered.append(
            Delivered(team_id=team.team_id, ticket_id=ticket.pk, ticket_number=ticket.number, created=created)
        )
        logger.info(
            "mail %s from %s for %s -> %s ticket %s",
            message.message_id,
            message.from_email,
            team.address,
            "new" if created else "existing",
            ticket.number,
        )
    return delivered


def mail_deliver(
    *,
    raw: bytes,
    recipients: Sequence[str],
    envelope_from: str = "",
    source: str,
    max_bytes: int | None = None,
    allowed: Callable[[int], bool] | None = None,
) -> list[Delivered]:
    """Parse ``raw`` and receive it into the team of each of ``recipients`` (or the message's To/Cc).

    Raises ``MailRejected`` (logged and counted): no sender, too large, empty, no known recipient.
    Other errors (a bug, the database down) propagate after being logged and counted as ``failed``:
    the SMTP listener answers 451 so the sending server retries.
    """
    try:
        message = parse_message(raw, envelope_from=envelope_from, max_bytes=max_bytes)
        teams = _teams_or_refuse(recipients or message.to, allowed=allowed)
        try:
            delivered = _receive(message, teams)
        except DomainError as error:
            raise MailRejected("invalid", str(error)) from error
    except MailRejected as refusal:
        count(f"rejected.{refusal.code}")
        logger.warning(
            "mail refused (%s) via %s from %r to %s: %s",
            refusal.code,
            source,
            envelope_from,
            ", ".join(recipients),
            refusal.message,
        )
        raise
    except Exception:
        count("failed")
        logger.exception(
            "mail via %s from %r to %s could not be received", source, envelope_from, ", ".join(recipients)
        )
        raise
    count("accepted")
    return delivered
