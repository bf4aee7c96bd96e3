"""The events inventory publishes through the outbox (past tense, ids not objects).

Deliveries and receipts are published with their partner as aggregate (``parties.party``, id) so the
360° timeline shows them. Line tuples are ``(origin_key, product_id, quantity)`` with the quantity as a
decimal string in the product's unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = ["DeliveryDone", "ReceiptDone", "StockBelowMinimum", "StockReserved"]


@dataclass(frozen=True)
class StockReserved(Event):
    """Stock was set aside for a delivery (``fully`` False: part of it waits for stock, a backorder)."""

    transfer_id: int
    company_id: int
    partner_id: int | None
    number: str
    source_key: str
    fully: bool


@dataclass(frozen=True)
class DeliveryDone(Event):
    """A delivery left the warehouse; ``lines`` say how much of each origin line went."""

    transfer_id: int
    company_id: int
    partner_id: int | None
    number: str
    origin: str
    source_key: str
    lines: tuple[tuple[str, int, str], ...]
    backorder_id: int | None


@dataclass(frozen=True)
class ReceiptDone(Event):
    """Goods were received into a warehouse; ``lines`` say how much of each origin line arrived."""

    transfer_id: int
    company_id: int
    partner_id: int | None
    number: str
    origin: str
    source_key: str
    lines: tuple[tuple[str, int, str], ...]
    backorder_id: int | None


@dataclass(frozen=True)
class StockBelowMinimum(Event):
    """A reorder rule found forecast stock below its minimum: ``quantity_to_order`` brings it to the maximum."""

    rule_id: int
    company_id: int
    product_id: int
    warehouse_id: int
    vendor_id: int | None
    forecast_quantity: str
    min_quantity: str
    max_quantity: str
    quantity_to_order: str
    lead_time_days: int
