"""Reads for the home dashboard: real counts, scoped to the companies the user works in.

The audit trail and the event outbox are looked up through the app registry when the dashboard is
drawn, so the web shell does not import them at start-up and still works if one is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import User


@dataclass(frozen=True)
class DashboardCount:
    """One number on the home dashboard, with what it counts and where to see the rows behind it."""

    key: str
    label: Any
    value: int
    url_name: str = ""
    tone: str = ""  # a Bootstrap contextual colour ("danger") when the number needs attention


def _optional_model(app_label: str, model_name: str) -> Any:
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def start_of_today() -> datetime:
    """Midnight at the start of today in the current time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def dashboard_counts(*, user: User, company_ids: list[int]) -> list[DashboardCount]:
    """The core numbers for ``user``: companies, colleagues, today's audit entries, outbox backlog.

    ``company_ids`` are the companies the user works in; a superuser's counts cover every company.
    Audit and outbox numbers appear only to users who may view those screens.
    """
    everything = user.is_superuser
    counts = [
        DashboardCount(key="companies", label=_("Companies"), value=len(company_ids)),
        DashboardCount(
            key="users",
            label=_("Active users"),
            value=User.objects.filter(
                is_active=True,
                memberships__is_active=True,
                memberships__company_id__in=company_ids,
            )
            .distinct()
            .count(),
        ),
    ]
    audit_entry = _optional_model("audit", "AuditEntry")
    if audit_entry is not None and user.has_perm("audit.view"):
        entries = audit_entry.objects.filter(created_at__gte=start_of_today())
        if not everything:
            entries = entries.filter(company_id__in=company_ids)
        counts.append(
            DashboardCount(
                key="audit_today",
                label=_("Audit entries today"),
                value=entries.count(),
                url_name="audit:list",
            )
        )
    outbox_event = _optional_model("outbox", "OutboxEvent")
    if outbox_event is not None and user.has_perm("outbox.view"):
        events = outbox_event.objects.all()
        if not everything:
            # System events carry no company; whoever watches the outbox must see them too.
            events = events.filter(Q(company_id__in=company_ids) | Q(company__isnull=True))
        backlog = events.aggregate(
            pending=Count("pk", filter=Q(status="pending")), failed=Count("pk", filter=Q(status="failed"))
        )
        counts += [
            DashboardCount(
                key="outbox_pending",
                label=_("Events waiting for delivery"),
                value=backlog["pending"],
                url_name="outbox:list",
            ),
            DashboardCount(
                key="outbox_failed",
                label=_("Events that failed"),
                value=backlog["failed"],
                url_name="outbox:list",
                tone="danger" if backlog["failed"] else "",
            ),
        ]
    return counts
