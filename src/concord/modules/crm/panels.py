"""CRM's part of the 360° party view: the party's opportunities (one query)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from concord.modules.crm.queries import party_opportunities

__all__ = ["panel_context", "panel_data"]


def _rows(party: Any) -> list[dict[str, Any]]:
    cached = getattr(party, "_crm_opportunities", None)
    if cached is None:
        cached = [
            {
                "id": opportunity.pk,
                "title": opportunity.title,
                "stage": opportunity.stage.name,
                "status": opportunity.status,
                "status_label": opportunity.get_status_display(),
                "expected_revenue": opportunity.expected_revenue,
                "currency": opportunity.currency,
                "expected_close_date": opportunity.expected_close_date,
                "url": reverse("crm:opportunity-detail", args=[opportunity.pk]),
            }
            for opportunity in party_opportunities(party_id=party.pk)
        ]
        party._crm_opportunities = cached
    return cached


def panel_context(request: Any, party: Any) -> dict[str, Any]:
    return {
        "party": party,
        "opportunities": _rows(party),
        "new_opportunity_url": f"{reverse('crm:opportunity-new')}?party={party.pk}"
        if request.user.has_perm("crm.add", party)
        else "",
    }


def panel_data(user: Any, party: Any) -> dict[str, Any]:
    return {
        "opportunities": [
            {
                **row,
                "expected_revenue": str(row["expected_revenue"]),
                "expected_close_date": row["expected_close_date"].isoformat()
                if row["expected_close_date"]
                else None,
            }
            for row in _rows(party)
        ]
    }
