"""How the helpdesk's events read on a timeline: "Ticket opened · HD/2026/00012 · Late delivery"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from concord.modules.helpdesk.events import (
    ConversationHandedOff,
    SlaBreached,
    TicketOpened,
    TicketReplied,
    TicketResolved,
)

__all__ = ["EVENT_DESCRIBERS"]


def _joined(*parts: str) -> str:
    return " · ".join(str(part) for part in parts if part)


def _opened(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Ticket opened"), _joined(payload.get("number", ""), payload.get("subject", ""))


def _replied(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Support replied"), payload.get("number", "")


def _resolved(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Ticket resolved"), payload.get("number", "")


def _breached(payload: dict[str, Any]) -> tuple[str, str]:
    target = _("first response") if payload.get("target") == "first_response" else _("resolution")
    return _("SLA breached"), _joined(payload.get("number", ""), target)


def _handed_off(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Conversation handed to an agent"), payload.get("reason", "")


EVENT_DESCRIBERS = {
    TicketOpened.event_type: _opened,
    TicketReplied.event_type: _replied,
    TicketResolved.event_type: _resolved,
    SlaBreached.event_type: _breached,
    ConversationHandedOff.event_type: _handed_off,
}
