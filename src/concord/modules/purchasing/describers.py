"""How purchasing's events read on a timeline: "Purchase order confirmed · PO/2026/00003 · THB 12,000.00"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from concord.core.money.formatting import format_money
from concord.core.money.money import Money
from concord.modules.purchasing.events import (
    PurchaseOrderApproved,
    PurchaseOrderCancelled,
    PurchaseOrderConfirmed,
    PurchaseOrderSent,
    VendorBillCreated,
)

__all__ = ["EVENT_DESCRIBERS"]


def _amount(payload: dict[str, Any], field: str) -> str:
    try:
        return format_money(
            Money(Decimal(str(payload[field])), payload["currency"]).rounded(),
            translation.get_language() or "en",
        )
    except (KeyError, InvalidOperation, ValueError, TypeError):
        return ""


def _joined(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _confirmed(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Purchase order confirmed"), _joined(
        payload.get("number", ""), _amount(payload, "amount_untaxed")
    )


def _approved(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Purchase order approved"), _joined(
        payload.get("number", ""), _amount(payload, "amount_untaxed")
    )


def _sent(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Purchase order sent by email"), _joined(
        payload.get("number", ""), ", ".join(payload.get("to", []))
    )


def _cancelled(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Purchase order cancelled"), payload.get("number", "")


def _billed(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Vendor bill drafted from a purchase order"), _joined(
        payload.get("number", ""), _amount(payload, "amount_total")
    )


EVENT_DESCRIBERS = {
    PurchaseOrderConfirmed.event_type: _confirmed,
    PurchaseOrderApproved.event_type: _approved,
    PurchaseOrderSent.event_type: _sent,
    PurchaseOrderCancelled.event_type: _cancelled,
    VendorBillCreated.event_type: _billed,
}
