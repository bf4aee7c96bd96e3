"""The helpdesk's public face: what the portal, the chat and the assistant may call.

Functions take ids and plain values and return frozen dataclasses, never ORM objects. The ``*_for_party``
functions are the portal's: a ticket of another party is None, exactly as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from concord.core.errors import NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.modules.helpdesk.models import Channel, MessageKind, Ticket, TicketMessage
from concord.modules.helpdesk.services import tickets as ticket_services

__all__ = [
    "TicketInfo",
    "TicketMessageInfo",
    "customer_message_add_for_party",
    "ticket_get_for_party",
    "ticket_messages_public",
    "ticket_open_for_party",
    "tickets_for_party",
]


@dataclass(frozen=True)
class TicketInfo:
    """A ticket as other modules (and the customer) see it."""

    id: int
    company_id: int
    number: str
    subject: str
    status: str
    priority: str
    channel: str
    party_id: int | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    first_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    sla_breached: bool
    rating: int | None
    rating_token: str


@dataclass(frozen=True)
class TicketMessageInfo:
    """A message the customer may read (no internal notes)."""

    id: int
    kind: str
    author_name: str
    body_text: str
    body_html: str  # sanitised when stored
    created_at: dt.datetime
    from_customer: bool


def _info(ticket: Ticket) -> TicketInfo:
    return TicketInfo(
        id=ticket.pk,
        company_id=ticket.company_id,
        number=ticket.number,
        subject=ticket.subject,
        status=ticket.status,
        priority=ticket.priority,
        channel=ticket.channel,
        party_id=ticket.party_id,
        created_at=ticket.created_at,
        resolved_at=ticket.resolved_at,
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
        sla_breached=ticket.sla_breached,
        rating=ticket.rating,
        rating_token=ticket.rating_token,
    )


def _party_ticket(ticket_id: int, party_id: int) -> Ticket | None:
    return Ticket.all_companies.filter(pk=ticket_id, party_id=party_id).first()


def ticket_open_for_party(
    *, company_id: int, party_id: int, subject: str, message: str, channel: str = Channel.PORTAL, by: Any
) -> TicketInfo:
    """Open a ticket for a known customer (the portal, the assistant's "open a ticket")."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise ValidationFailed("unknown company", field="company_id")
    ticket = ticket_services.ticket_open(
        company=company, subject=subject, message=message, channel=channel, by=by, party_id=party_id
    )
    return _info(ticket)


def tickets_for_party(company_id: int, party_id: int) -> list[TicketInfo]:
    """The customer's tickets in ``company_id``, newest first (merged duplicates left out)."""
    rows = Ticket.all_companies.filter(company_id=company_id, party_id=party_id, merged_into__isnull=True)
    return [_info(ticket) for ticket in rows.order_by("-created_at", "-pk")]


def ticket_get_for_party(ticket_id: int, party_id: int) -> TicketInfo | None:
    """The ticket if it is this party's, else None (never another customer's)."""
    ticket = _party_ticket(ticket_id, party_id)
    return _info(ticket) if ticket is not None else None


def customer_message_add_for_party(
    *, ticket_id: int, party_id: int, text: str, channel: str = Channel.PORTAL, by: Any = None
) -> TicketInfo:
    """The customer writes on their ticket (a closed one gets a follow-up ticket, returned)."""
    ticket = _party_ticket(ticket_id, party_id)
    if ticket is None:
        raise NotFound("There is no such ticket.")
    ticket, _message = ticket_services.customer_message_add(ticket=ticket, text=text, channel=channel, by=by)
    return _info(ticket)


def ticket_messages_public(ticket_id: int) -> list[TicketMessageInfo]:
    """The conversation as the customer sees it: no internal notes. Callers check the party first."""
    rows = (
        TicketMessage.all_companies.filter(ticket_id=ticket_id)
        .exclude(kind=MessageKind.INTERNAL_NOTE)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    return [
        TicketMessageInfo(
            id=row.pk,
            kind=row.kind,
            author_name=(row.author.get_full_name() or row.author.get_username())
            if row.author
            else row.from_name,
            body_text=row.body_text,
            body_html=row.body_html,
            created_at=row.created_at,
            from_customer=row.kind == MessageKind.CUSTOMER,
        )
        for row in rows
    ]


def chat_channel_token(company_id: int) -> str:
    """The company's web chat token (the widget's ``data-channel``); the channel is created on first use."""
    from concord.modules.helpdesk.chat.services import chat_channel_for_company

    return chat_channel_for_company(company_id).token
