"""Manufacturing's public face: what sales, purchasing or the demo call.

Functions take ids and plain values and return frozen dataclasses, never ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from concord.core.identity.models import Company
from concord.modules.manufacturing.models import ManufacturingOrder
from concord.modules.manufacturing.queries import bom_active_for, bom_explode
from concord.modules.manufacturing.services import orders as order_services

__all__ = ["ComponentNeed", "OrderInfo", "bom_components", "order_create", "order_get"]


@dataclass(frozen=True)
class OrderInfo:
    """A manufacturing order as other modules see it."""

    id: int
    company_id: int
    number: str
    state: str
    product_id: int
    quantity: Decimal
    quantity_produced: Decimal
    value: Decimal
    consume_transfer_id: int | None
    backorder_of_id: int | None


@dataclass(frozen=True)
class ComponentNeed:
    """What making a quantity of a product consumes of one component (kits exploded)."""

    product_id: int
    quantity: Decimal
    subassembly: bool


def _info(order: ManufacturingOrder) -> OrderInfo:
    return OrderInfo(
        id=order.pk,
        company_id=order.company_id,
        number=order.number,
        state=order.state,
        product_id=order.product_id,
        quantity=order.quantity,
        quantity_produced=order.quantity_produced,
        value=order.value,
        consume_transfer_id=order.consume_transfer_id,
        backorder_of_id=order.backorder_of_id,
    )


def order_get(order_id: int) -> OrderInfo | None:
    """The order with this id in the caller's company scope, or None."""
    order = ManufacturingOrder.objects.filter(pk=order_id).first()
    return _info(order) if order is not None else None


def order_create(
    *, company_id: int, product_id: int, quantity: Decimal, by: Any, origin: str = "", confirm: bool = False
) -> OrderInfo:
    """Draft (and with ``confirm``, confirm) an order for a product from its active BOM."""
    company = Company.objects.get(pk=company_id)
    with transaction.atomic():  # with ``confirm``: both or neither
        order = order_services.order_create(
            company=company, product_id=product_id, quantity=quantity, by=by, origin=origin
        )
        if confirm:
            order = order_services.order_confirm(order=order, by=by)
    return _info(order)


def bom_components(company_id: int, product_id: int, quantity: Decimal) -> list[ComponentNeed]:
    """The components ``quantity`` of the product consumes; empty when it has no active BOM."""
    bom = bom_active_for(company_id, product_id)
    if bom is None:
        return []
    return [
        ComponentNeed(product_id=c.product_id, quantity=c.quantity, subassembly=c.sub_bom_id is not None)
        for c in bom_explode(bom, quantity)
    ]
