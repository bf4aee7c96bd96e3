"""Sales' public face: what the portal, helpdesk and others may call.

Functions take ids and plain values and return frozen dataclasses, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from concord.modules.sales.models import SaleOrder, SaleOrderLine

__all__ = ["SaleOrderInfo", "SaleOrderLineInfo", "order_get", "orders_for_party", "quote_by_token"]


@dataclass(frozen=True)
class SaleOrderLineInfo:
    id: int
    product_id: int
    description: str
    quantity: Decimal
    uom_id: int
    unit_price: Decimal
    discount_percent: Decimal
    price_subtotal: Decimal
    price_total: Decimal
    is_optional: bool
    is_counted: bool
    delivered_quantity: Decimal
    invoiced_quantity: Decimal


@dataclass(frozen=True)
class SaleOrderInfo:
    """A quotation or sales order as other modules see it."""

    id: int
    company_id: int
    partner_id: int
    number: str
    order_number: str
    state: str
    quote_date: dt.date
    validity_date: dt.date | None
    currency: str
    amount_untaxed: Decimal
    amount_tax: Decimal
    amount_total: Decimal
    invoice_status: str
    payment_status: str
    access_token: str
    signed_by: str
    opportunity_id: int | None
    lines: tuple[SaleOrderLineInfo, ...] = ()


def _info(order: SaleOrder, *, with_lines: bool) -> SaleOrderInfo:
    lines: tuple[SaleOrderLineInfo, ...] = ()
    if with_lines:
        lines = tuple(
            SaleOrderLineInfo(
                id=line.pk,
                product_id=line.product_id,
                description=line.description,
                quantity=line.quantity,
                uom_id=line.uom_id,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                price_subtotal=line.price_subtotal,
                price_total=line.price_total,
                is_optional=line.is_optional,
                is_counted=line.is_counted,
                delivered_quantity=line.delivered_quantity,
                invoiced_quantity=line.invoiced_quantity,
            )
            for line in SaleOrderLine.all_companies.filter(order_id=order.pk).order_by("sequence", "pk")
        )
    return SaleOrderInfo(
        id=order.pk,
        company_id=order.company_id,
        partner_id=order.partner_id,
        number=order.number,
        order_number=order.order_number,
        state=order.state,
        quote_date=order.quote_date,
        validity_date=order.validity_date,
        currency=order.currency,
        amount_untaxed=order.amount_untaxed,
        amount_tax=order.amount_tax,
        amount_total=order.amount_total,
        invoice_status=order.invoice_status,
        payment_status=order.payment_status,
        access_token=order.access_token,
        signed_by=order.signed_by,
        opportunity_id=order.opportunity_id,
        lines=lines,
    )


def order_get(order_id: int) -> SaleOrderInfo | None:
    """The quotation or order with this id (and its lines) in the caller's company scope, or None."""
    order = SaleOrder.objects.filter(pk=order_id).first()
    return _info(order, with_lines=True) if order is not None else None


def orders_for_party(company_id: int, party_id: int) -> list[SaleOrderInfo]:
    """A customer's quotations and orders in ``company_id``, newest first (without lines; one query)."""
    rows = SaleOrder.objects.filter(company_id=company_id, partner_id=party_id).order_by("-quote_date", "-pk")
    return [_info(order, with_lines=False) for order in rows]


def quote_by_token(token: str) -> SaleOrderInfo | None:
    """The quotation or order a public link's token opens (with its lines), or None. Any company:
    the token is the key, so callers show it only to whoever holds the link."""
    if not token or len(token) > 64:
        return None
    order = SaleOrder.all_companies.filter(access_token=token).first()
    return _info(order, with_lines=True) if order is not None else None
