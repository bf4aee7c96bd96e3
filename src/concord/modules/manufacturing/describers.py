"""How manufacturing's events read on a timeline: "Manufacturing order done · MO/2026/00003 · 10 Wok set"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from concord.core.money.formatting import format_money
from concord.core.money.money import Money
from concord.modules.manufacturing.events import (
    ManufacturingOrderCancelled,
    ManufacturingOrderConfirmed,
    ManufacturingOrderDone,
)

__all__ = ["EVENT_DESCRIBERS"]


def _joined(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _made(payload: dict[str, Any]) -> str:
    quantity, name = payload.get("quantity", ""), payload.get("product_name", "")
    return f"{quantity} x {name}" if quantity and name else name


def _value(payload: dict[str, Any]) -> str:
    try:
        return format_money(
            Money(Decimal(str(payload["value"])), payload["currency"]).rounded(),
            translation.get_language() or "en",
        )
    except (KeyError, InvalidOperation, ValueError, TypeError):
        return ""


def _confirmed(payload: dict[str, Any]) -> tuple[str, str]:
    title = (
        _("Manufacturing order confirmed")
        if payload.get("fully")
        else _("Manufacturing order waiting for components")
    )
    return title, _joined(payload.get("number", ""), _made(payload))


def _done(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Manufacturing order done"), _joined(payload.get("number", ""), _made(payload), _value(payload))


def _cancelled(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Manufacturing order cancelled"), payload.get("number", "")


EVENT_DESCRIBERS = {
    ManufacturingOrderConfirmed.event_type: _confirmed,
    ManufacturingOrderDone.event_type: _done,
    ManufacturingOrderCancelled.event_type: _cancelled,
}
