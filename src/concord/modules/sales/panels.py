"""Sales' part of the 360° party view: a customer's latest quotations and orders (one query)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from concord.modules.sales.models import OrderState
from concord.modules.sales.queries import customer_orders

__all__ = ["panel_context", "panel_data"]

_OPEN = (OrderState.DRAFT, OrderState.SENT, OrderState.TO_APPROVE, OrderState.SALE)


def _rows(party: Any) -> list[dict[str, Any]]:
    cached = getattr(party, "_sales_orders", None)
    if cached is None:
        cached = [
            {
                "id": order.pk,
                "number": str(order),
                "date": order.quote_date,
                "currency": order.currency,
                "amount_total": order.amount_total,
                "state": order.state,
                "state_label": order.get_state_display(),
                "is_open": order.state in _OPEN,
                "url": reverse("sales:order-detail", args=[order.pk]),
            }
            for order in customer_orders(partner_id=party.pk)
        ]
        party._sales_orders = cached
    return cached


def _open_amounts(rows: list[dict[str, Any]]) -> list[tuple[str, Decimal]]:
    """Open quotations and orders summed per currency (of the rows shown)."""
    sums: dict[str, Decimal] = {}
    for row in rows:
        if row["is_open"]:
            sums[row["currency"]] = sums.get(row["currency"], Decimal(0)) + row["amount_total"]
    return sorted(sums.items())


def panel_context(request: Any, party: Any) -> dict[str, Any]:
    rows = _rows(party)
    return {
        "party": party,
        "orders": rows,
        "open_amounts": _open_amounts(rows),
        "new_quote_url": f"{reverse('sales:quote-create')}?partner={party.pk}"
        if request.user.has_perm("sales.add", party)
        else "",
    }


def panel_data(user: Any, party: Any) -> dict[str, Any]:
    rows = _rows(party)
    return {
        "orders": [
            {**row, "date": row["date"].isoformat(), "amount_total": str(row["amount_total"])} for row in rows
        ],
        "open_amounts": [{"currency": c, "amount": str(a)} for c, a in _open_amounts(rows)],
    }
