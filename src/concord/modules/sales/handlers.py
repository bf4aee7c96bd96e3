"""Reactions to inventory's and accounting's events: deliveries done, invoices posted, paid, cancelled.

Each recomputes from the source of truth (inventory's done moves, accounting's invoices), so a
redelivered event changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from concord.core.outbox.facade import PublishedEvent
from concord.modules.accounting import facade as accounting
from concord.modules.sales.models import SaleOrder, SaleOrderLine
from concord.modules.sales.services.invoicing import order_delivery_sync, order_statuses_refresh

__all__ = [
    "DELIVERY_HANDLER_NAME",
    "INVOICE_HANDLER_NAME",
    "PAYMENT_HANDLER_NAME",
    "order_on_delivery_done",
    "order_on_invoice_event",
    "order_on_payment_registered",
]

DELIVERY_HANDLER_NAME = "sales.order_delivery_done"
INVOICE_HANDLER_NAME = "sales.order_invoice_changed"
PAYMENT_HANDLER_NAME = "sales.order_payment_registered"
_ORDER_PREFIX = "sales.order:"
_LINE_PREFIX = "sales.line:"


def _order_id(source_key: str) -> int | None:
    if not source_key.startswith(_ORDER_PREFIX):
        return None
    head = source_key[len(_ORDER_PREFIX) :].split(":", 1)[0]
    return int(head) if head.isdigit() else None


def order_on_delivery_done(event: PublishedEvent) -> None:
    """A delivery was done: for each of our orders it served, recompute and invoice what it delivered."""
    if event.company_id is None:
        return
    line_ids = set()
    for origin_key, *_rest in event.payload.get("lines") or ():
        tail = str(origin_key)[len(_LINE_PREFIX) :] if str(origin_key).startswith(_LINE_PREFIX) else ""
        if tail.isdigit():
            line_ids.add(int(tail))
    order_ids = set(
        SaleOrderLine.all_companies.filter(pk__in=line_ids, company_id=event.company_id).values_list(
            "order_id", flat=True
        )
    )
    from_key = _order_id(str(event.payload.get("source_key") or ""))
    if from_key is not None:
        order_ids.add(from_key)
    for order in SaleOrder.all_companies.filter(pk__in=order_ids, company_id=event.company_id):
        order_delivery_sync(order=order, transfer_id=int(event.payload["transfer_id"]), by=None)


def _refresh(company_id: int | None, source_key: str) -> None:
    order_id = _order_id(source_key)
    if order_id is None or company_id is None:
        return
    with transaction.atomic():
        order = (
            SaleOrder.all_companies.select_for_update()
            .select_related("company")
            .filter(pk=order_id, company_id=company_id)
            .first()
        )
        if order is not None:
            order_statuses_refresh(order=order)


def order_on_invoice_event(event: PublishedEvent) -> None:
    """An invoice was posted, paid or cancelled: if it came from one of our orders, restate its statuses."""
    _refresh(event.company_id, str(event.payload.get("source_key") or ""))


def order_on_payment_registered(event: PublishedEvent) -> None:
    """A payment settled invoices: restate the statuses of the orders they came from."""
    keys = set()
    for invoice_id in event.payload.get("invoice_ids") or ():
        info = accounting.invoice_get(int(invoice_id))
        if info is not None and info.source_key.startswith(_ORDER_PREFIX):
            keys.add(info.source_key)
    for key in sorted(keys):
        _refresh(event.company_id, key)
