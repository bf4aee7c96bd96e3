"""An email arriving for a company (the mail channel parsed it): a new ticket or the next message of one.

Threading: the In-Reply-To and References ids are looked up among the stored Message-IDs of the
company's ticket messages (ours, generated for replies and auto-replies, and the customer's); failing
that, a ``[HD/2026/00012]`` tag in the subject; else a new email ticket. Idempotent by Message-ID: the
same message delivered twice adds nothing. An attachment over the size limit is refused on its own:
the message is kept, with a system note saying which file was not kept.
"""

from __future__ import annotations

import logging
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.modules.helpdesk.mail.parsing import InboundMessage
from concord.modules.helpdesk.models import Channel, MessageKind, Ticket, TicketMessage
from concord.modules.helpdesk.services._support import max_attachment_bytes
from concord.modules.helpdesk.services.tickets import (
    AttachmentInput,
    customer_message_add,
    message_add,
    ticket_open_with_message,
)

__all__ = ["email_receive", "subject_ticket_number"]

logger = logging.getLogger("concord.helpdesk.mail")

_NUMBER_TAG = re.compile(r"\[\s*(HD/[0-9A-Za-z/_-]{1,30})\s*\]")


def subject_ticket_number(subject: str) -> str:
    """The ticket number tagged in a subject ("Re: late delivery [HD/2026/00012]"), or ""."""
    found = _NUMBER_TAG.search(subject or "")
    return found.group(1) if found else ""


def _threaded_ticket(company_id: int, message: InboundMessage) -> Ticket | None:
    ids = [value for value in (message.in_reply_to, *reversed(message.references)) if value]
    if ids:
        known = (
            TicketMessage.all_companies.filter(company_id=company_id, message_id__in=ids[:50])
            .select_related("ticket")
            .order_by("-created_at", "-pk")
            .first()
        )
        if known is not None:
            return known.ticket
    number = subject_ticket_number(message.subject)
    if number:
        return Ticket.all_companies.filter(company_id=company_id, number=number).first()
    return None


def _split_attachments(message: InboundMessage) -> tuple[list[AttachmentInput], list[str]]:
    limit = max_attachment_bytes()
    kept: list[AttachmentInput] = []
    refused: list[str] = []
    for attachment in message.attachments:
        if len(attachment.content) > limit:
            refused.append(attachment.filename or _("(unnamed file)"))
            continue
        kept.append(
            AttachmentInput(
                filename=attachment.filename, content_type=attachment.content_type, content=attachment.content
            )
        )
    return kept, refused


def email_receive(
    *, company_id: int, message: InboundMessage, team_id: int | None = None
) -> tuple[Ticket, TicketMessage, bool]:
    """Receive ``message`` into company ``company_id``; return the ticket, its message and whether the
    ticket is new. The auto-reply of a new ticket is stored by ``ticket_open`` and sent by the mail channel."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise ValidationFailed(_("There is no such company."), field="company_id")
    if message.message_id:
        seen = (
            TicketMessage.all_companies.filter(company_id=company_id, message_id=message.message_id)
            .select_related("ticket")
            .first()
        )
        if seen is not None:
            return seen.ticket, seen, False
    attachments, refused = _split_attachments(message)
    text = message.text
    if not text.strip() and not message.html.strip() and not attachments:
        text = _("(empty message)")
    try:
        with transaction.atomic():
            ticket = _threaded_ticket(company_id, message)
            created = ticket is None
            if ticket is None:
                ticket, stored = ticket_open_with_message(
                    company=company,
                    subject=message.subject,
                    message=text,
                    html=message.html,
                    channel=Channel.EMAIL,
                    by=None,
                    email=message.from_email,
                    name=message.from_name,
                    team_id=team_id,
                    message_id=message.message_id,
                    in_reply_to=message.in_reply_to,
                    references=message.references,
                    attachments=attachments,
                )  # the SLA runs from arrival, not from the sender's Date header
            else:
                original_id = ticket.pk
                ticket, stored = customer_message_add(
                    ticket=ticket,
                    text=text,
                    html=message.html,
                    channel=Channel.EMAIL,
                    from_name=message.from_name,
                    from_address=message.from_email,
                    message_id=message.message_id,
                    in_reply_to=message.in_reply_to,
                    references=message.references,
                    attachments=attachments,
                )
                created = ticket.pk != original_id  # a closed ticket's follow-up
            if refused:
                limit_mb = round(max_attachment_bytes() / 1048576, 1)
                message_add(
                    ticket=ticket,
                    kind=MessageKind.SYSTEM,
                    by=None,
                    text=_("Not kept, larger than %(max)s MB: %(files)s")
                    % {"max": limit_mb, "files": ", ".join(refused)},
                )
                logger.warning("mail %s: refused attachments over the limit: %s", message.message_id, refused)
    except IntegrityError:
        # the same Message-ID stored concurrently by another delivery: that one wins
        seen = TicketMessage.all_companies.filter(
            company_id=company_id, message_id=message.message_id
        ).first()
        if seen is None or not message.message_id:
            raise
        return seen.ticket, seen, False
    return ticket, stored, created
