"""Purchasing's part of the 360° party view: a vendor's latest orders (one query)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from concord.modules.purchasing.queries import vendor_orders

__all__ = ["panel_context", "panel_data"]


def _rows(party: Any) -> list[dict[str, Any]]:
    cached = getattr(party, "_purchasing_orders", None)
    if cached is None:
        cached = [
            {
                "id": order.pk,
                "number": order.number,
                "date": order.order_date,
                "currency": order.currency,
                "amount_untaxed": order.amount_untaxed,
                "state": order.state,
                "state_label": order.get_state_display(),
                "url": reverse("purchasing:order-detail", args=[order.pk]),
            }
            for order in vendor_orders(vendor_id=party.pk)
        ]
        party._purchasing_orders = cached
    return cached


def panel_context(request: Any, party: Any) -> dict[str, Any]:
    return {
        "party": party,
        "orders": _rows(party),
        "is_supplier": party.is_supplier,
        "new_order_url": f"{reverse('purchasing:order-create')}?vendor={party.pk}"
        if party.is_supplier and request.user.has_perm("purchasing.add", party)
        else "",
    }


def panel_data(user: Any, party: Any) -> dict[str, Any]:
    return {
        "orders": [
            {**row, "date": row["date"].isoformat(), "amount_untaxed": str(row["amount_untaxed"])}
            for row in _rows(party)
        ]
    }
