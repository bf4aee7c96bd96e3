"""The events manufacturing publishes through the outbox (past tense, ids not objects).

Each is published with the order as aggregate (``manufacturing.manufacturingorder``, id). Quantities
are decimal strings in the product's unit; ``value`` is a decimal string in ``currency`` (the company's).
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = ["ManufacturingOrderCancelled", "ManufacturingOrderConfirmed", "ManufacturingOrderDone"]


@dataclass(frozen=True)
class ManufacturingOrderConfirmed(Event):
    """An order was confirmed and its components reserved (``fully`` False: some wait for stock)."""

    order_id: int
    company_id: int
    number: str
    product_id: int
    product_name: str
    quantity: str
    fully: bool


@dataclass(frozen=True)
class ManufacturingOrderDone(Event):
    """An order produced its goods: components consumed, ``quantity`` received at ``value``."""

    order_id: int
    company_id: int
    number: str
    product_id: int
    product_name: str
    quantity: str
    value: str
    currency: str
    backorder_id: int | None


@dataclass(frozen=True)
class ManufacturingOrderCancelled(Event):
    """An order was cancelled; what it had reserved was released."""

    order_id: int
    company_id: int
    number: str
    product_id: int
