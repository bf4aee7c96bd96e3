"""Outbox handlers that email the helpdesk's side of an email ticket's conversation.

- ``TicketOpened`` (channel email): the auto-reply "we received your request, your ticket number is
  HD/..." that the helpdesk service stored as a ``system`` message in the customer's language.
- ``TicketReplied`` (channel email): an agent's public reply, with the files attached to it.
- ``TicketResolved`` (channel email): the stored message asking the customer to rate the ticket.

Every message goes out with the Message-ID the helpdesk stored for it, ``In-Reply-To`` the customer's
latest message before it and ``References`` the chain, so the customer's mail client shows one thread
and the customer's answer threads back into the same ticket. The subject carries ``[HD/...]`` as the
fallback the inbound side also reads.

Idempotent: a message whose ``sent_at`` is set is skipped; after sending, ``sent_at`` is set with an
``UPDATE ... WHERE sent_at IS NULL``. Should the process die between the two, the redelivery sends
again with the same Message-ID, which mail clients show once.
"""

from __future__ import annotations

import logging
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from concord.core.outbox.facade import PublishedEvent
from concord.modules.helpdesk.mail.parsing import sanitize_html
from concord.modules.helpdesk.models import Channel, MessageKind, Ticket, TicketMessage

__all__ = [
    "AUTO_REPLY_HANDLER",
    "RATING_REQUEST_HANDLER",
    "REPLY_HANDLER",
    "send_auto_reply",
    "send_public_reply",
    "send_rating_request",
    "ticket_message_send",
]

logger = logging.getLogger("concord.helpdesk.mail")

AUTO_REPLY_HANDLER = "helpdesk.mail.send_auto_reply"
REPLY_HANDLER = "helpdesk.mail.send_public_reply"
RATING_REQUEST_HANDLER = "helpdesk.mail.send_rating_request"

_LANGUAGES = ("en", "th", "km")
# Never auto-answer these: answering a bounce or another robot is how mail loops start.
_ROBOT_LOCAL_PARTS = frozenset(
    {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply", "bounce", "bounces"}
)
_MAX_REFERENCES = 20


def _language(ticket: Ticket) -> str:
    """The customer's language: the ticket's (set from the party), else the company's, else English."""
    party_language = getattr(ticket.party, "language", "") if ticket.party_id else ""
    for language in (ticket.language, party_language, ticket.company.language):
        if language in _LANGUAGES:
            return str(language)
    return "en"


def _team_address(ticket: Ticket) -> tuple[str, str]:
    """(From, Reply-To): the team's address so answers come back to the listener; else the default sender."""
    team = ticket.team
    if team is not None and team.email_address:
        return formataddr((team.name, team.email_address)), team.email_address
    return settings.DEFAULT_FROM_EMAIL, ""


def _is_robot(address: str) -> bool:
    local = parseaddr(address)[1].partition("@")[0].lower()
    return local in _ROBOT_LOCAL_PARTS or local.startswith(("mailer-daemon", "bounce"))


def _tagged_subject(ticket: Ticket, subject: str) -> str:
    """``Re: [HD/2026/00012] subject``: one line, carrying the ticket number."""
    subject = " ".join((subject or ticket.subject).split())
    if f"[{ticket.number}]" not in subject:
        subject = f"[{ticket.number}] {subject}".strip()
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    return subject


def _thread_headers(message: TicketMessage) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for ``message``: the latest customer message before it, and the chain."""
    earlier = list(
        TicketMessage.all_companies.filter(ticket_id=message.ticket_id, pk__lt=message.pk)
        .exclude(message_id="")
        .exclude(kind=MessageKind.INTERNAL_NOTE)
        .order_by("pk")
        .values_list("kind", "message_id", "references")
    )
    chain: list[str] = []
    last_customer = ""
    for kind, mid, references in earlier:
        if kind == MessageKind.CUSTOMER:
            last_customer = mid
            chain.extend(references.split())
        chain.append(mid)
    ordered = list(dict.fromkeys(chain))[-_MAX_REFERENCES:]
    return last_customer, ordered


def _references_value(references: Any) -> list[str]:
    if isinstance(references, str):
        return references.split()
    if isinstance(references, list | tuple):
        return [str(value) for value in references if value]
    return []


def _headers(*, message_id: str, in_reply_to: str, chain: list[str], auto_submitted: bool) -> dict[str, str]:
    headers: dict[str, str] = {}
    if message_id:
        headers["Message-ID"] = message_id
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
    if chain:
        headers["References"] = " ".join(chain[-_MAX_REFERENCES:])
    if auto_submitted:
        headers["Auto-Submitted"] = "auto-replied"  # RFC 3834: robots must not answer it
        headers["X-Auto-Response-Suppress"] = "All"  # the same for Exchange / Outlook
    return headers


def ticket_message_send(
    *,
    message_pk: int,
    to_email: str = "",
    subject: str = "",
    mail_message_id: str = "",
    in_reply_to: str = "",
    references: Any = None,
    auto_submitted: bool = False,
    body_replacements: dict[str, str] | None = None,
) -> bool:
    """Email the stored ticket message ``message_pk`` to the customer once; True if it was sent now.

    ``In-Reply-To`` is the ticket's latest customer message before this one (``in_reply_to`` only when
    there is none); ``references`` (else the conversation's Message-IDs) gets it appended if missing.
    ``body_replacements`` rewrite the stored text (a relative link made absolute); ``auto_submitted`` marks an
    automatic message (RFC 3834) so well-behaved robots do not answer it.
    """
    message = (
        TicketMessage.all_companies.select_related(
            "ticket", "ticket__team", "ticket__company", "ticket__party"
        )
        .filter(pk=message_pk)
        .first()
    )
    if message is None:
        logger.warning("ticket message %s to email no longer exists", message_pk)
        return False
    if message.sent_at is not None:
        return False  # already sent: a redelivered event
    ticket = message.ticket
    recipient = (to_email or ticket.contact_email).strip()
    if not recipient:
        logger.warning("ticket %s message %s: no customer address to email", ticket.number, message.pk)
        return False
    if auto_submitted and _is_robot(recipient):
        logger.info("ticket %s: no automatic mail to robot address %s", ticket.number, recipient)
        return False
    last_customer, computed_references = _thread_headers(message)
    in_reply_to = last_customer or in_reply_to  # the customer's latest message is what this answers
    chain = _references_value(references) or computed_references
    if in_reply_to and in_reply_to not in chain:
        chain.append(in_reply_to)
    message_id = mail_message_id or message.message_id
    headers = _headers(
        message_id=message_id, in_reply_to=in_reply_to, chain=chain, auto_submitted=auto_submitted
    )
    from_email, reply_to = _team_address(ticket)
    with translation.override(_language(ticket)):
        body = message.body_text.strip() or _(
            "We received your request. Your ticket number is %(number)s."
        ) % {"number": ticket.number}
        for old, new in (body_replacements or {}).items():
            body = body.replace(old, new)
        mail = EmailMultiAlternatives(
            subject=_tagged_subject(ticket, subject),
            body=body,
            from_email=from_email,
            to=[recipient],
            reply_to=[reply_to] if reply_to else [],
            headers=headers,
        )
    html = sanitize_html(message.body_html)
    if html:
        mail.attach_alternative(html, "text/html")
    for attachment in message.attachments.all():
        try:
            with attachment.file.open("rb") as handle:
                mail.attach(attachment.filename, handle.read(), attachment.content_type or None)
        except OSError:
            logger.warning("ticket %s: attachment %s is missing from storage", ticket.number, attachment.pk)
    mail.send(fail_silently=False)
    TicketMessage.all_companies.filter(pk=message.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    logger.info("ticket %s: emailed message %s (%s) to %s", ticket.number, message.pk, message_id, recipient)
    return True


def send_auto_reply(event: PublishedEvent) -> None:
    """Outbox handler of ``TicketOpened``: email the stored auto-reply of a new email ticket."""
    payload = event.payload
    if payload.get("channel") != Channel.EMAIL or not payload.get("auto_reply_message_id"):
        return
    first_id = int(payload.get("first_message_id") or 0)
    customer = TicketMessage.all_companies.filter(pk=first_id).values_list("message_id", "references").first()
    in_reply_to, references = "", []
    if customer is not None and customer[0]:
        in_reply_to = customer[0]
        references = [*customer[1].split(), customer[0]]
    ticket_message_send(
        message_pk=int(payload["auto_reply_message_id"]),
        to_email=str(payload.get("contact_email") or ""),
        subject=str(payload.get("subject") or ""),
        mail_message_id=str(payload.get("auto_reply_mail_message_id") or ""),
        in_reply_to=in_reply_to,
        references=references,
        auto_submitted=True,
    )


def send_public_reply(event: PublishedEvent) -> None:
    """Outbox handler of ``TicketReplied``: email an agent's public reply on an email ticket."""
    payload = event.payload
    if payload.get("channel") != Channel.EMAIL:
        return
    ticket_message_send(
        message_pk=int(payload["message_id"]),
        to_email=str(payload.get("to_email") or ""),
        subject=str(payload.get("subject") or ""),
        mail_message_id=str(payload.get("mail_message_id") or ""),
        in_reply_to=str(payload.get("in_reply_to") or ""),
        references=payload.get("references"),
    )


def send_rating_request(event: PublishedEvent) -> None:
    """Outbox handler of ``TicketResolved``: email the stored "please rate us" message of an email ticket."""
    payload = event.payload
    if payload.get("channel") != Channel.EMAIL or not payload.get("message_id"):
        return
    path = str(payload.get("rating_path") or "")
    base = str(getattr(settings, "CONCORD_PUBLIC_URL", "") or "").rstrip("/")
    ticket_message_send(
        message_pk=int(payload["message_id"]),
        to_email=str(payload.get("contact_email") or ""),
        mail_message_id=str(payload.get("mail_message_id") or ""),
        auto_submitted=True,
        # the stored text links the site-relative rating page; mail needs the site's address in front
        body_replacements={path: f"{base}{path}"} if path and base else None,
    )
