"""How CRM's events read on a party's timeline: "Opportunity won · Fleet renewal · THB 120,000.00"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from concord.core.money.formatting import format_money
from concord.core.money.money import Money
from concord.modules.crm.events import (
    LeadCreated,
    LeadQualified,
    OpportunityLost,
    OpportunityStageChanged,
    OpportunityWon,
)

__all__ = ["EVENT_DESCRIBERS"]


def _amount(payload: dict[str, Any]) -> str:
    try:
        return format_money(
            Money(Decimal(str(payload["expected_revenue"])), payload["currency"]).rounded(),
            translation.get_language() or "en",
        )
    except (KeyError, InvalidOperation, ValueError, TypeError):
        return ""


def _joined(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _lead_created(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Lead recorded"), payload.get("title", "")


def _lead_qualified(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Lead qualified into an opportunity"), payload.get("title", "")


def _stage_changed(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Opportunity moved"), _joined(
        payload.get("title", ""), f"{payload.get('from_stage', '')} → {payload.get('to_stage', '')}"
    )


def _won(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Opportunity won"), _joined(payload.get("title", ""), _amount(payload))


def _lost(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Opportunity lost"), _joined(payload.get("title", ""), payload.get("reason", ""))


EVENT_DESCRIBERS = {
    LeadCreated.event_type: _lead_created,
    LeadQualified.event_type: _lead_qualified,
    OpportunityStageChanged.event_type: _stage_changed,
    OpportunityWon.event_type: _won,
    OpportunityLost.event_type: _lost,
}
