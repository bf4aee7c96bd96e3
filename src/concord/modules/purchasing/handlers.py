"""Reactions to other modules' events (the reorder handler lives with the reorder service)."""

from __future__ import annotations

from concord.core.outbox.facade import PublishedEvent
from concord.modules.purchasing.models import PurchaseOrder
from concord.modules.purchasing.services.orders import order_check_done

__all__ = ["RECEIPT_HANDLER_NAME", "order_on_receipt_done"]

RECEIPT_HANDLER_NAME = "purchasing.order_receipt_done"
_PREFIX = "purchasing.order:"


def order_on_receipt_done(event: PublishedEvent) -> None:
    """Inventory received goods of one of our orders: it may now be done (received and billed in full)."""
    source_key = str(event.payload.get("source_key") or "")
    if not source_key.startswith(_PREFIX):
        return
    order_id = source_key[len(_PREFIX) :].split(":", 1)[0]
    if not order_id.isdigit() or event.company_id is None:
        return
    order = PurchaseOrder.all_companies.filter(pk=int(order_id), company_id=event.company_id).first()
    if order is not None:
        order_check_done(order=order, by=None)
