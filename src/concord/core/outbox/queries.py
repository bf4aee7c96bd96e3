"""Reads of the outbox: the event list and detail (web page and ``/api/v1/outbox/``).

They honour the current company scope like company-owned managers do: inside a scope (a signed-in,
non-superuser request) the events of the scope's companies are visible, plus system events (no
company, e.g. ``identity.UserCreated``), which whoever watches the outbox must see too; other
companies' events are not. Outside a scope (worker, superuser, shell) everything is visible. The
dashboard's outbox counts (``core.web.queries``) use the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from concord.core.identity.permissions import permissions_for_roles
from concord.core.identity.scope import current_company_ids
from concord.core.outbox.models import EventStatus, OutboxDelivery, OutboxEvent

OUTBOX_VIEW = "outbox.view"


def outbox_company_ids_for(user: Any, perm: str = OUTBOX_VIEW) -> list[int] | None:
    """The companies whose events ``user`` may see (roles granting ``perm``); None for superusers.

    The company scope holds every company of the user, whatever their role there: a user who watches
    the outbox of one company must not read the events of another where they only sell.
    """
    if getattr(user, "is_superuser", False):
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    roles_by_company: dict[int, set[str]] = {}
    for company_id, role in user.memberships.filter(is_active=True, company__is_active=True).values_list(
        "company_id", "role"
    ):
        roles_by_company.setdefault(company_id, set()).add(role)
    return sorted(cid for cid, roles in roles_by_company.items() if perm in permissions_for_roles(roles))


def _visible(company_ids: Iterable[int] | None = None) -> QuerySet[OutboxEvent]:
    events = OutboxEvent.objects.all()
    scope = current_company_ids()
    if scope is not None:
        events = events.filter(Q(company_id__in=scope) | Q(company__isnull=True))
    if company_ids is not None:
        events = events.filter(Q(company_id__in=list(company_ids)) | Q(company__isnull=True))
    return events


def outbox_events(
    *,
    status: str | None = None,
    event_type: str | None = None,
    company_ids: Iterable[int] | None = None,
) -> QuerySet[OutboxEvent]:
    """Events, newest first, optionally of one status and one event type.

    ``company_ids`` (see ``outbox_company_ids_for``) narrows the scope further to those companies.
    """
    events = _visible(company_ids)
    if status:
        events = events.filter(status=status)
    if event_type:
        events = events.filter(event_type=event_type)
    return events.select_related("company").order_by("-created_at", "-id")


def outbox_event_get(event_id: int, *, company_ids: Iterable[int] | None = None) -> OutboxEvent:
    """One visible event; raises ``OutboxEvent.DoesNotExist`` when it is missing or out of scope."""
    return _visible(company_ids).select_related("company", "actor").get(pk=event_id)


def outbox_event_deliveries(*, event: OutboxEvent) -> QuerySet[OutboxDelivery]:
    """The per-handler delivery records of ``event``."""
    return OutboxDelivery.objects.filter(event=event).order_by("handler")


def outbox_event_types(*, company_ids: Iterable[int] | None = None) -> list[str]:
    """The distinct event types among visible events, for filters."""
    return list(_visible(company_ids).order_by("event_type").values_list("event_type", flat=True).distinct())


def outbox_status_counts(*, company_ids: Iterable[int] | None = None) -> dict[str, int]:
    """How many visible events are in each status (every status present, zero when none)."""
    counts = dict.fromkeys(EventStatus.values, 0)
    rows = _visible(company_ids).order_by().values("status").annotate(total=Count("id"))
    for row in rows:
        counts[row["status"]] = row["total"]
    return counts
