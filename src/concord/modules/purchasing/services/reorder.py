"""Reordering: inventory's ``StockBelowMinimum`` drafts or tops up an RFQ per vendor.

The vendor is the rule's, else the one with the best current price list entry; with neither the event
is logged and skipped. One draft RFQ per vendor collects the products it should deliver (only RFQs the
reordering itself drafted: a buyer's own draft is not changed behind their back). The product's line is
added, or raised to ``quantity_to_order`` (never lowered, never doubled). Each event is recorded by its
uuid, so a redelivered event changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.identity.models import Company
from concord.core.outbox.facade import PublishedEvent
from concord.modules.catalog.facade import uom_convert
from concord.modules.purchasing.models import OrderState, PurchaseOrder, PurchaseOrderLine, ReorderRequest
from concord.modules.purchasing.queries import best_vendor_price
from concord.modules.purchasing.services._support import round_to
from concord.modules.purchasing.services.orders import OrderLineInput, order_create, order_lines_build
from concord.modules.purchasing.services.pricelists import product_of

__all__ = ["HANDLER_NAME", "reorder_on_stock_below_minimum"]

logger = logging.getLogger(__name__)

HANDLER_NAME = "purchasing.reorder_rfq"


def _vendor_for(company: Company, product_id: int, quantity: Decimal, vendor_id: int | None) -> int | None:
    if vendor_id is not None:
        return vendor_id
    entry = best_vendor_price(
        company=company, product_id=product_id, quantity=quantity, on_date=timezone.localdate()
    )
    return entry.vendor_id if entry is not None else None


def _raise_line(line: PurchaseOrderLine, quantity: Decimal, lead_time_days: int) -> None:
    """Raise ``line`` to ``quantity`` (product unit) if it asks for less; its order total follows."""
    wanted = (
        quantity
        if line.uom_id == line.product.uom_id
        else uom_convert(quantity, line.product.uom_id, line.uom_id)
    )
    if wanted <= line.quantity:
        return
    order = line.order
    line.quantity = wanted
    line.product_quantity = quantity
    line.price_subtotal = round_to(
        wanted * line.unit_price * (1 - line.discount_percent / 100), order.currency
    )
    line.planned_date = max(line.planned_date, timezone.localdate() + dt.timedelta(days=lead_time_days))
    line.save()
    order.amount_untaxed = sum(
        (row.price_subtotal for row in PurchaseOrderLine.all_companies.filter(order_id=order.pk)), Decimal(0)
    )
    order.save(update_fields=["amount_untaxed", "updated_at"])


def _apply(event: PublishedEvent) -> None:
    payload = event.payload
    company = Company.objects.get(pk=payload["company_id"])
    product_id = int(payload["product_id"])
    quantity = Decimal(str(payload["quantity_to_order"]))
    lead_time_days = int(payload.get("lead_time_days") or 0)
    if quantity <= 0:
        return
    product = product_of(company, product_id, field="product_id")
    vendor_id = _vendor_for(company, product_id, quantity, payload.get("vendor_id"))
    if vendor_id is None:
        logger.warning(
            "reorder rule %s: no vendor for product %s in company %s; event %s skipped",
            payload.get("rule_id"),
            product_id,
            company.pk,
            event.uuid,
        )
        return
    rfq = (
        PurchaseOrder.all_companies.select_for_update()
        .filter(company_id=company.pk, vendor_id=vendor_id, state=OrderState.RFQ, from_reorder=True)
        .order_by("pk")
        .first()
    )
    planned = timezone.localdate() + dt.timedelta(days=lead_time_days)
    if rfq is None:
        rfq = order_create(
            company=company,
            vendor_id=vendor_id,
            lines=[
                OrderLineInput(
                    product_id=product_id, quantity=quantity, uom_id=product.uom_id, planned_date=planned
                )
            ],
            by=None,
            origin=_("Reordering"),
            from_reorder=True,
        )
        line = PurchaseOrderLine.all_companies.select_related("product").get(order=rfq)
    else:
        found = (
            PurchaseOrderLine.all_companies.select_related("product", "order")
            .filter(order_id=rfq.pk, product_id=product_id)
            .first()
        )
        if found is None:
            last = PurchaseOrderLine.all_companies.filter(order_id=rfq.pk).order_by("-sequence").first()
            built = _new_line(
                rfq, company, product_id=product_id, quantity=quantity, uom_id=product.uom_id, planned=planned
            )
            built.sequence = (last.sequence if last is not None else 0) + 1
            built.save()
            rfq.amount_untaxed += built.price_subtotal
            rfq.save(update_fields=["amount_untaxed", "updated_at"])
            line = built
        else:
            _raise_line(found, quantity, lead_time_days)
            line = found
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=rfq,
            changes={"reordered": [None, f"{product.name}: {quantity.normalize():f}"]},
        )
    ReorderRequest.all_companies.create(
        company=company,
        event_uuid=event.uuid,
        rule_id=int(payload.get("rule_id") or 0),
        order_line=line,
        quantity=quantity,
    )


def _new_line(
    rfq: PurchaseOrder, company: Company, *, product_id: int, quantity: Decimal, uom_id: int, planned: dt.date
) -> PurchaseOrderLine:
    built = order_lines_build(
        company,
        rfq,
        [OrderLineInput(product_id=product_id, quantity=quantity, uom_id=uom_id, planned_date=planned)],
    )
    return built[0]


def reorder_on_stock_below_minimum(event: PublishedEvent) -> None:
    """Outbox handler of inventory's ``StockBelowMinimum`` (see the module docstring)."""
    if ReorderRequest.all_companies.filter(event_uuid=event.uuid).exists():
        return
    try:
        with transaction.atomic():
            _apply(event)
    except IntegrityError:
        # Two deliveries of the same event raced; the other one recorded it first.
        if not ReorderRequest.all_companies.filter(event_uuid=event.uuid).exists():
            raise
