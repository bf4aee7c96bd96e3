"""REST endpoints of the helpdesk, mounted at /api/v1/helpdesk/.

Any channel can post a ticket (a LINE or Telegram bridge: ``{"channel": "api", "email" or "phone",
"name", "subject", "message"}``); the customer is matched by email or phone. Handlers parse, check the
permission in the ticket's company (area ``helpdesk``), call one service and answer. Another company's
ticket is a 404, bad input a 422 naming the field, a wrong state a 409.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from typing import Any, Literal, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import api_caller, api_company, row_for_perm, rows_for_perm
from concord.modules.helpdesk.models import Channel, Priority, Team, Ticket, TicketStatus
from concord.modules.helpdesk.queries import ticket_thread
from concord.modules.helpdesk.services import tickets as ticket_services

router = Router(tags=["helpdesk"])

M = TypeVar("M", bound=Model)

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}

VIEW = "helpdesk.view"
ADD = "helpdesk.add"
CHANGE = "helpdesk.change"
MANAGE = "helpdesk.manage"


class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them)."""

    model_config = ConfigDict(extra="forbid")


class TicketIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    channel: Channel = Channel.API
    subject: str = Field("", max_length=300)
    message: str = Field(..., max_length=200_000)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    name: str = Field("", max_length=200)
    party_id: int | None = None
    team_id: int | None = None
    priority: Priority = Priority.NORMAL
    category_id: int | None = None
    thread_key: str = Field("", max_length=200, description="The conversation's id in the channel.")
    language: str = Field("", max_length=8)


class MessageIn(InputSchema):
    kind: Literal["customer", "reply", "note"] = "customer"
    text: str = Field("", max_length=200_000)
    html: str = Field("", max_length=200_000)


class AssignIn(InputSchema):
    assignee_id: int | None = None
    team_id: int | None = None


class StatusIn(InputSchema):
    status: TicketStatus


class MergeIn(InputSchema):
    survivor_id: int


class LinkIn(InputSchema):
    sales_order_id: int | None = None
    invoice_id: int | None = None


class RateIn(InputSchema):
    token: str = Field(..., max_length=64)
    rating: int
    comment: str = Field("", max_length=4000)


class TicketOut(Schema):
    id: int
    company_id: int
    number: str
    subject: str
    status: TicketStatus
    priority: Priority
    channel: Channel
    party_id: int | None
    team_id: int | None
    assignee_id: int | None
    category_id: int | None
    contact_name: str
    contact_email: str
    contact_phone: str
    first_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    first_responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    first_response_breached: bool
    resolution_breached: bool
    merged_into_id: int | None
    follow_up_of_id: int | None
    rating: int | None
    sales_order_id: int | None
    sales_order_label: str
    invoice_id: int | None
    invoice_label: str
    created_at: dt.datetime


class MessageOut(Schema):
    id: int
    ticket_id: int
    kind: str
    author_id: int | None
    from_name: str
    from_address: str
    body_text: str
    body_html: str
    channel: str
    message_id: str
    created_at: dt.datetime


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]
    tags: list[str]


class TeamOut(Schema):
    id: int
    company_id: int
    name: str
    kind: str
    email_address: str
    timezone: str
    manager_id: int | None
    is_active: bool


class TicketFilters(ListFilters):
    company_id: int | None = None
    status: TicketStatus | None = None
    priority: Priority | None = None
    channel: Channel | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    party_id: int | None = None

    ordering_fields = {"id": "pk", "created": "created_at", "due": "resolution_due", "number": "number"}
    default_ordering = ("-created_at",)


def _ticket(request: HttpRequest, ticket_id: int, perm: str) -> Ticket:
    return row_for_perm(
        request,
        Ticket.objects.select_related("company"),
        ticket_id,
        perm=perm,
        view_perm=VIEW,
        missing=_("There is no such ticket."),
    )


def _detail(ticket: Ticket) -> dict[str, Any]:
    ticket = Ticket.all_companies.get(pk=ticket.pk)
    return {
        **{name: getattr(ticket, name) for name in TicketOut.model_fields},
        "tags": list(ticket.tags.values_list("name", flat=True)),
        "messages": ticket_thread(ticket),
    }


@router.get("/teams", response={200: list[TeamOut], **_READ_ERRORS})
@paginated
def team_list(request: HttpRequest) -> QuerySet[Team]:
    """The helpdesk teams of your companies."""
    return rows_for_perm(request, Team.objects.all(), VIEW).order_by("name", "pk")


@router.get("/tickets", response={200: list[TicketOut], **_READ_ERRORS})
@paginated
def ticket_list(request: HttpRequest, filters: Query[TicketFilters]) -> QuerySet[Ticket]:
    """Tickets, newest first; filter by status, priority, channel, team, assignee or customer."""
    return filters.apply(rows_for_perm(request, Ticket.objects.all(), VIEW))


@router.post("/tickets", response={201: TicketDetailOut, **_ERRORS})
def ticket_create(request: HttpRequest, payload: TicketIn) -> Status[Any]:
    """Open a ticket from any channel (needs ``helpdesk.add``)."""
    company = api_company(request, payload.company_id, ADD)
    ticket = ticket_services.ticket_open(
        company=company,
        by=api_caller(request),
        **payload.model_dump(exclude={"company_id"}),
    )
    return Status(201, _detail(ticket))


@router.get("/tickets/{ticket_id}", response={200: TicketDetailOut, **_READ_ERRORS})
def ticket_get(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """One ticket with its conversation (internal notes included: this is the agents' API)."""
    return _detail(_ticket(request, ticket_id, VIEW))


@router.post("/tickets/{ticket_id}/messages", response={201: MessageOut, **_ERRORS})
def ticket_message_add(request: HttpRequest, ticket_id: int, payload: MessageIn) -> Status[Any]:
    """Add the customer's message (a bridge relaying it), an agent's public reply, or an internal note."""
    ticket = _ticket(request, ticket_id, CHANGE)
    caller = api_caller(request)
    if payload.kind == "reply":
        message = ticket_services.ticket_reply(ticket=ticket, text=payload.text, html=payload.html, by=caller)
    elif payload.kind == "note":
        message = ticket_services.ticket_note(ticket=ticket, text=payload.text, html=payload.html, by=caller)
    else:
        _target, message = ticket_services.customer_message_add(
            ticket=ticket, text=payload.text, html=payload.html, by=None
        )
    return Status(201, message)


@router.post("/tickets/{ticket_id}/assign", response={200: TicketOut, **_ERRORS})
def ticket_assign(request: HttpRequest, ticket_id: int, payload: AssignIn) -> Ticket:
    """Assign to an agent (``null``: nobody), optionally moving it to another team."""
    ticket = _ticket(request, ticket_id, CHANGE)
    return ticket_services.ticket_assign(
        ticket=ticket, assignee_id=payload.assignee_id, team_id=payload.team_id, by=api_caller(request)
    )


@router.post("/tickets/{ticket_id}/status", response={200: TicketOut, **_ERRORS})
def ticket_status(request: HttpRequest, ticket_id: int, payload: StatusIn) -> Ticket:
    """Change the status (``resolved`` asks for a rating; a closed ticket stays closed: 409)."""
    ticket = _ticket(request, ticket_id, CHANGE)
    return ticket_services.ticket_set_status(ticket=ticket, status=payload.status, by=api_caller(request))


@router.post("/tickets/{ticket_id}/link", response={200: TicketOut, **_ERRORS})
def ticket_link(request: HttpRequest, ticket_id: int, payload: LinkIn) -> Ticket:
    """Link the ticket to a sales order and/or an invoice of its company (``null`` unlinks)."""
    ticket = _ticket(request, ticket_id, CHANGE)
    return ticket_services.ticket_link_records(
        ticket=ticket,
        by=api_caller(request),
        sales_order_id=payload.sales_order_id,
        invoice_id=payload.invoice_id,
    )


@router.post("/tickets/{ticket_id}/merge", response={200: TicketOut, **_ERRORS})
def ticket_merge(request: HttpRequest, ticket_id: int, payload: MergeIn) -> Ticket:
    """Merge this ticket (the duplicate) into ``survivor_id``; answers the survivor."""
    duplicate = _ticket(request, ticket_id, CHANGE)
    survivor = Ticket.objects.filter(pk=payload.survivor_id, company_id=duplicate.company_id).first()
    if survivor is None:
        from concord.core.errors import ValidationFailed

        raise ValidationFailed(_("There is no such ticket."), field="survivor_id")
    return ticket_services.ticket_merge(duplicate=duplicate, survivor=survivor, by=api_caller(request))


@router.post("/tickets/{ticket_id}/rate", response={200: TicketOut, **_ERRORS})
def ticket_rate(request: HttpRequest, ticket_id: int, payload: RateIn) -> Ticket:
    """Record the customer's rating with the token of their rating link (a bridge relaying it)."""
    ticket = _ticket(request, ticket_id, CHANGE)
    if payload.token != ticket.rating_token:
        from concord.core.errors import ValidationFailed

        raise ValidationFailed(_("This rating link is not valid."), field="token")
    return ticket_services.ticket_rate(token=payload.token, rating=payload.rating, comment=payload.comment)
