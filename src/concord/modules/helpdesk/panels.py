"""The helpdesk's part of the 360° party view: the customer's tickets, SLA state, satisfaction (one query)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from concord.modules.helpdesk.models import OPEN_STATUSES, TicketStatus
from concord.modules.helpdesk.queries import party_tickets

__all__ = ["panel_context", "panel_data"]


def _sla_state(row: dict[str, Any], now: Any) -> str:
    if row["first_response_breached"] or row["resolution_breached"]:
        return "breached"
    if row["status"] not in OPEN_STATUSES:
        return "met" if row["first_response_due"] or row["resolution_due"] else ""
    due = row["first_response_due"] if row["first_responded_at"] is None else row["resolution_due"]
    if due is not None and due <= now:
        return "breached"
    return "warning" if row["sla_warning"] else "on_track"


def _rows(party: Any) -> list[dict[str, Any]]:
    cached = getattr(party, "_helpdesk_tickets", None)
    if cached is None:
        now = timezone.now()
        labels = dict(TicketStatus.choices)
        cached = [
            {
                **row,
                "status_label": labels.get(row["status"], row["status"]),
                "sla_state": _sla_state(row, now),
                "url": reverse("helpdesk:ticket", args=[row["id"]]),
            }
            for row in party_tickets(company_id=party.company_id, party_id=party.pk)
        ]
        party._helpdesk_tickets = cached
    return cached


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ratings = [row["rating"] for row in rows if row["rating"] is not None]
    return {
        "open_count": sum(1 for row in rows if row["status"] in OPEN_STATUSES),
        "breached_count": sum(1 for row in rows if row["sla_state"] == "breached"),
        "rating_average": round(sum(ratings) / len(ratings), 1) if ratings else None,
        "rating_count": len(ratings),
    }


def panel_context(request: Any, party: Any) -> dict[str, Any]:
    rows = _rows(party)
    can_add = request.user.has_perm("helpdesk.add", party)
    return {
        "party": party,
        "tickets": rows[:10],
        **_summary(rows),
        "new_ticket_url": f"{reverse('helpdesk:ticket-create')}?party={party.pk}" if can_add else "",
    }


def panel_data(user: Any, party: Any) -> dict[str, Any]:
    rows = _rows(party)
    return {
        **_summary(rows),
        "tickets": [
            {
                "id": row["id"],
                "number": row["number"],
                "subject": row["subject"],
                "status": row["status"],
                "priority": row["priority"],
                "channel": row["channel"],
                "created_at": row["created_at"].isoformat(),
                "sla_state": row["sla_state"],
                "rating": row["rating"],
            }
            for row in rows
        ],
    }
