"""How accounting's events read on a timeline: "Invoice posted · INV/2026/00015 · THB 3,777.10"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from concord.core.money.formatting import format_money
from concord.core.money.money import Money
from concord.modules.accounting.documents.events import InvoiceEmailQueued
from concord.modules.accounting.events import (
    EntryReversed,
    InvoiceCancelled,
    InvoicePaid,
    InvoicePosted,
    PaymentRegistered,
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


def _invoice_posted(payload: dict[str, Any]) -> tuple[str, str]:
    titles = {
        "out_invoice": _("Invoice posted"),
        "out_refund": _("Credit note posted"),
        "in_invoice": _("Vendor bill posted"),
        "in_refund": _("Vendor credit note posted"),
    }
    return titles.get(payload.get("kind", ""), _("Invoice posted")), _joined(
        payload.get("number", ""), _amount(payload, "amount_total")
    )


def _invoice_paid(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Invoice paid in full"), payload.get("number", "")


def _invoice_cancelled(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Invoice cancelled"), payload.get("number", "")


def _payment(payload: dict[str, Any]) -> tuple[str, str]:
    title = _("Payment received") if payload.get("direction") == "inbound" else _("Payment made")
    return title, _joined(payload.get("number", ""), _amount(payload, "amount"))


def _reversed(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Entry reversed"), _joined(payload.get("number", ""), payload.get("reversal_number", ""))


def _emailed(payload: dict[str, Any]) -> tuple[str, str]:
    return _("Invoice sent by email"), ", ".join(payload.get("to", []))


EVENT_DESCRIBERS = {
    InvoicePosted.event_type: _invoice_posted,
    InvoicePaid.event_type: _invoice_paid,
    InvoiceCancelled.event_type: _invoice_cancelled,
    PaymentRegistered.event_type: _payment,
    EntryReversed.event_type: _reversed,
    InvoiceEmailQueued.event_type: _emailed,
}
