"""REST endpoints of the event outbox: list and inspect events (``outbox.view``), replay one (``outbox.replay``)."""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import company_ids_with_perm, permission_denied, require_perm
from concord.core.identity.models import User
from concord.core.outbox.models import EventStatus, OutboxEvent
from concord.core.outbox.queries import outbox_event_deliveries, outbox_event_get, outbox_events
from concord.core.outbox.services import outbox_event_replay

router = Router(tags=["outbox"])


class OutboxEventOut(Schema):
    id: int
    uuid: UUID
    event_type: str
    company_id: int | None
    actor_id: int | None
    aggregate_type: str
    aggregate_id: str
    created_at: datetime
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    delivered_at: datetime | None
    replays: int


class OutboxDeliveryOut(Schema):
    handler: str
    status: str
    attempts: int
    last_error: str
    last_attempt_at: datetime | None
    delivered_at: datetime | None


class OutboxEventDetailOut(OutboxEventOut):
    payload: dict[str, Any]
    deliveries: list[OutboxDeliveryOut]

    @staticmethod
    def resolve_deliveries(obj: OutboxEvent) -> list[Any]:
        return list(outbox_event_deliveries(event=obj))


class OutboxFilters(ListFilters):
    """Filters handed to the ``outbox_events`` selector."""

    status: EventStatus | None = None
    event_type: str | None = Field(None, description="Exact event type, e.g. identity.CompanyCreated.")

    ordering_fields = {"created_at": "created_at", "id": "pk", "next_attempt_at": "next_attempt_at"}
    default_ordering = ("-created_at",)


def _caller(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the API's auth guarantees a User; this narrows the type
        raise permission_denied("outbox.view")
    return user


def _events_with_perm(
    request: HttpRequest, perm: str, events: QuerySet[OutboxEvent]
) -> QuerySet[OutboxEvent]:
    """``events`` limited to the companies where the caller holds ``perm``; 403 when there are none."""
    company_ids = company_ids_with_perm(_caller(request), perm)
    if company_ids is None:
        return events
    if not company_ids:
        raise permission_denied(perm)
    return events.filter(company_id__in=company_ids)


def _visible_event(request: HttpRequest, event_id: int) -> OutboxEvent:
    try:
        event = outbox_event_get(event_id)
    except OutboxEvent.DoesNotExist:
        raise Http404 from None
    if not _events_with_perm(request, "outbox.view", OutboxEvent.objects.filter(pk=event.pk)).exists():
        raise Http404
    return event


@router.get("/events", response={200: list[OutboxEventOut], frozenset({401, 403, 422}): ErrorOut})
@paginated
def outbox_events_list(request: HttpRequest, filters: Query[OutboxFilters]) -> QuerySet[OutboxEvent]:
    """Outbox events of the companies where the caller holds ``outbox.view``, newest first."""
    events = outbox_events(status=filters.status, event_type=filters.event_type or None)
    return filters.order(_events_with_perm(request, "outbox.view", events))


@router.get("/events/{event_id}", response={200: OutboxEventDetailOut, frozenset({401, 403, 404}): ErrorOut})
def outbox_event_detail(request: HttpRequest, event_id: int) -> OutboxEvent:
    """One event with its payload and per-handler deliveries."""
    return _visible_event(request, event_id)


@router.post(
    "/events/{event_id}/replay", response={200: OutboxEventOut, frozenset({401, 403, 404, 409}): ErrorOut}
)
def outbox_event_replay_endpoint(request: HttpRequest, event_id: int) -> OutboxEvent:
    """Queue the event for delivery again (needs ``outbox.replay`` in the event's company)."""
    event = _visible_event(request, event_id)
    require_perm(request, "outbox.replay", event)
    return outbox_event_replay(event=event, by=_caller(request))
