"""How sales' events read on a timeline: "Sales order confirmed · SO/2026/00003 · THB 12,840.00"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from concord.core.money.formatting import format_money
from concord.core.money.money import Money
from concord.modules.sales.events import (
    QuotationAccepted,
    QuotationSent,
    SalesOrderApprovalRequested,
    SalesOrderApproved,
    SalesOrderCancelled,
    SalesOrderConfirmed,
    SalesOrderDelivered,
    SalesOrderInvoiced,
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


def _sent(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Quotation sent by email"), _joined(payload.get("number", ""), ", ".join(payload.get("to", [])))


def _accepted(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Quotation accepted online"), _joined(payload.get("number", ""), payload.get("signed_by", ""))


def _approval(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Order waits for approval (credit limit)"), _joined(
        payload.get("number", ""), _amount(payload, "amount_total")
    )


def _approved(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Sales order approved"), payload.get("number", "")


def _confirmed(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Sales order confirmed"), _joined(payload.get("number", ""), _amount(payload, "amount_total"))


def _cancelled(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Sales order cancelled"), _joined(payload.get("number", ""), payload.get("reason", ""))


def _invoiced(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Invoice raised from a sales order"), _joined(
        payload.get("number", ""), _amount(payload, "amount_total")
    )


def _delivered(payload: dict[str, Any]) -> tuple[str, str]:
    title = _("Sales order delivered") if payload.get("complete") else _("Sales order partly delivered")
    return title, payload.get("number", "")


EVENT_DESCRIBERS = {
    QuotationSent.event_type: _sent,
    QuotationAccepted.event_type: _accepted,
    SalesOrderApprovalRequested.event_type: _approval,
    SalesOrderApproved.event_type: _approved,
    SalesOrderConfirmed.event_type: _confirmed,
    SalesOrderCancelled.event_type: _cancelled,
    SalesOrderInvoiced.event_type: _invoiced,
    SalesOrderDelivered.event_type: _delivered,
}
