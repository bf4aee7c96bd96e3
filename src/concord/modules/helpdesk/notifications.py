"""The bell's SLA warnings: the user's open tickets near or past a target."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from concord.core.registry import Notification
from concord.modules.helpdesk.queries import sla_alert_tickets

__all__ = ["sla_alert_count", "sla_alert_items"]


def sla_alert_count(user: Any, company_ids: list[int]) -> int:
    return sla_alert_tickets(user=user, company_ids=company_ids).count()


def sla_alert_items(user: Any, company_ids: list[int]) -> list[Notification]:
    rows = sla_alert_tickets(user=user, company_ids=company_ids).order_by("resolution_due")[:20]
    items: list[Notification] = []
    for ticket in rows:
        breached = ticket.sla_breached
        items.append(
            Notification(
                title=(_("SLA breached: %(number)s") if breached else _("SLA due soon: %(number)s"))
                % {"number": ticket.number},
                url=reverse("helpdesk:ticket", args=[ticket.pk]),
                when=ticket.next_due or ticket.created_at,  # type: ignore[arg-type]  # a datetime or None
                level="danger" if breached else "warning",
                detail=ticket.subject,
            )
        )
    return items
