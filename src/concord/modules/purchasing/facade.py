"""Purchasing's public face: what sales, inventory and manufacturing may call.

Functions take ids and plain values and return frozen dataclasses, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from concord.core.identity.models import Company
from concord.modules.purchasing.models import PurchaseOrder
from concord.modules.purchasing.queries import best_vendor_price

__all__ = ["PurchaseOrderInfo", "VendorPriceInfo", "order_get", "vendor_price_best"]


@dataclass(frozen=True)
class PurchaseOrderInfo:
    """A purchase order as other modules see it."""

    id: int
    company_id: int
    vendor_id: int
    number: str
    state: str
    order_date: dt.date
    currency: str
    amount_untaxed: Decimal


@dataclass(frozen=True)
class VendorPriceInfo:
    """A vendor's price for a product: per product unit, with its lead time."""

    id: int
    vendor_id: int
    product_id: int
    price: Decimal
    currency: str
    min_quantity: Decimal
    lead_time_days: int


def order_get(order_id: int) -> PurchaseOrderInfo | None:
    """The purchase order with this id in the caller's company scope, or None."""
    order = PurchaseOrder.objects.filter(pk=order_id).first()
    if order is None:
        return None
    return PurchaseOrderInfo(
        id=order.pk,
        company_id=order.company_id,
        vendor_id=order.vendor_id,
        number=order.number,
        state=order.state,
        order_date=order.order_date,
        currency=order.currency,
        amount_untaxed=order.amount_untaxed,
    )


def vendor_price_best(
    *, company_id: int, product_id: int, quantity: Decimal, on_date: dt.date, vendor_id: int | None = None
) -> VendorPriceInfo | None:
    """The cheapest valid price list entry for ``quantity`` of the product on ``on_date``, or None."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        return None
    entry = best_vendor_price(
        company=company, product_id=product_id, quantity=quantity, on_date=on_date, vendor_id=vendor_id
    )
    if entry is None:
        return None
    return VendorPriceInfo(
        id=entry.pk,
        vendor_id=entry.vendor_id,
        product_id=entry.product_id,
        price=entry.price,
        currency=entry.currency,
        min_quantity=entry.min_quantity,
        lead_time_days=entry.lead_time_days,
    )
