"""Inventory's cards on other modules' pages: a party's deliveries and receipts, a product's stock."""

from __future__ import annotations

from typing import Any

from concord.modules.inventory.queries import party_transfers, product_stock

__all__ = ["party_panel_context", "party_panel_data", "product_panel_context"]


def party_panel_context(request: Any, party: Any) -> dict[str, Any]:
    """The party's latest receipts and deliveries with their state (1 query)."""
    return {"party": party, "transfers": party_transfers(party.pk)}


def party_panel_data(user: Any, party: Any) -> dict[str, Any]:
    return {
        "transfers": [
            {
                "id": row.id,
                "number": row.number,
                "kind": row.kind,
                "state": row.state,
                "scheduled_date": row.scheduled_date.isoformat(),
                "done_at": row.done_at.isoformat() if row.done_at else None,
            }
            for row in party_transfers(party.pk)
        ]
    }


def product_panel_context(request: Any, product_id: int) -> dict[str, Any]:
    """A product's stock per location and lot, with its incoming and outgoing quantities."""
    from concord.modules.catalog import facade as catalog

    info = catalog.products_get([product_id]).get(product_id)
    return {"stock": product_stock(info.company_id if info is not None else 0, product_id)}
