"""Accounting's part of the 360° customer view: invoices, what is owed and overdue, the balance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from concord.modules.accounting.queries import partner_invoices, partner_open_items

__all__ = ["panel_balance", "panel_context", "panel_data"]


def _rows(party: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": invoice.pk,
            "number": str(invoice),
            "kind": invoice.kind,
            "kind_label": invoice.get_kind_display(),
            "date": invoice.date,
            "due_date": invoice.due_date,
            "currency": invoice.currency,
            "amount_total": invoice.amount_total,
            "amount_residual": invoice.amount_residual,
            "state": invoice.state,
            "state_label": invoice.get_state_display(),
            "url": reverse("accounting:invoice-detail", args=[invoice.pk]),
        }
        for invoice in partner_invoices(partner_id=party.pk)
    ]


def _open_items(party: Any) -> dict[str, Any]:
    """The partner's open items, read once per party object (the page asks for the panel and the balance)."""
    cached = getattr(party, "_accounting_open_items", None)
    if cached is None:
        cached = partner_open_items(company_id=party.company_id, partner_id=party.pk)
        party._accounting_open_items = cached
    return cached


def panel_context(request: Any, party: Any) -> dict[str, Any]:
    return {
        "party": party,
        "invoices": _rows(party),
        "open": _open_items(party),
        "currency": party.company.currency,
        "new_invoice_url": reverse("accounting:invoice-create")
        if request.user.has_perm("accounting.add", party)
        else "",
    }


def panel_data(user: Any, party: Any) -> dict[str, Any]:
    open_items = _open_items(party)
    return {
        "currency": party.company.currency,
        "receivable": str(open_items["receivable"]),
        "receivable_overdue": str(open_items["overdue"]),
        "payable": str(-open_items["payable"]),
        "invoices": [
            {
                **{
                    key: value
                    for key, value in row.items()
                    if key
                    not in (
                        "date",
                        "due_date",
                        "amount_total",
                        "amount_residual",
                        "kind_label",
                        "state_label",
                    )
                },
                "date": row["date"].isoformat(),
                "due_date": row["due_date"].isoformat() if row["due_date"] else None,
                "amount_total": str(row["amount_total"]),
                "amount_residual": str(row["amount_residual"]),
            }
            for row in _rows(party)
        ],
    }


def panel_balance(user: Any, party: Any) -> Decimal | None:
    """What the partner owes (receivable) net of what the company owes it (payable), open items; None
    when the partner never had an invoice or payment (the header then shows no balance)."""
    open_items = _open_items(party)
    if not open_items["lines"]:
        return None
    return Decimal(open_items["receivable"]) + Decimal(open_items["payable"])
