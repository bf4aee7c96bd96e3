"""Invoicing sales orders and following their deliveries and payments.

Invoices are raised through accounting's facade with keys that make every call idempotent:

- ``sales.order:<id>:order``: at confirmation, the lines invoiced on order (services, and goods whose
  policy says so), in full;
- ``sales.order:<id>:delivery:<transfer id>``: when a delivery is done, what it delivered of the lines
  invoiced on delivery (``order_delivery_sync``, run by the ``DeliveryDone`` handler, or by the
  "Create invoice" button, ``order_invoice_create``, with the same keys).

Delivered quantities are recomputed from inventory's ``done_quantities`` (never incremented), and the
invoice and payment statuses from accounting's ``invoices_by_source`` (``order_statuses_refresh``), so a
redelivered event changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, ValidationFailed
from concord.modules.accounting import facade as accounting
from concord.modules.catalog.facade import uom_convert
from concord.modules.inventory import facade as inventory
from concord.modules.inventory.facade import TransferInfo
from concord.modules.sales.events import SalesOrderDelivered, SalesOrderInvoiced
from concord.modules.sales.models import (
    InvoiceStatus,
    OrderState,
    PaymentStatus,
    SaleInvoice,
    SaleInvoiceLine,
    SaleOrder,
    SaleOrderLine,
)
from concord.modules.sales.services._support import ZERO, plain, publish_for_customer
from concord.modules.sales.services.settings import sales_settings_of

__all__ = [
    "InvoicePick",
    "invoice_raise",
    "order_delivery_sync",
    "order_invoice_create",
    "order_statuses_refresh",
    "order_transfers",
    "statuses_of",
]


@dataclass(frozen=True)
class InvoicePick:
    """How much of one order line an invoice charges (in the line's unit)."""

    line: SaleOrderLine
    quantity: Decimal


def order_transfers(order: SaleOrder) -> list[TransferInfo]:
    """The deliveries made for ``order`` and their backorders, oldest first."""
    return inventory.transfers_by_source(order.company_id, order.source_key)


def invoice_raise(*, order: SaleOrder, key: str, picks: Sequence[InvoicePick], by: Any) -> SaleInvoice:
    """The customer invoice of ``picks`` under ``key`` (the one already made under it, if any)."""
    existing = SaleInvoice.all_companies.filter(company_id=order.company_id, source_key=key).first()
    if existing is not None:
        return existing
    settings = sales_settings_of(order.company)
    info = accounting.invoice_create_from_lines(
        company_id=order.company_id,
        kind="out_invoice",
        partner_id=order.partner_id,
        lines=[
            accounting.InvoiceLineInput(
                description=pick.line.description,
                quantity=pick.quantity,
                unit_price=pick.line.unit_price,
                product_id=pick.line.product_id,
                discount_percent=pick.line.discount_percent,
                tax_ids=tuple(pick.line.tax_ids or ()),
            )
            for pick in picks
        ],
        by=by,
        date=timezone.localdate(),
        currency=order.currency,
        origin=order.order_number or order.number,
        source_key=key,
        post=settings.auto_post_invoices,
    )
    sale_invoice = SaleInvoice.all_companies.create(
        company_id=order.company_id, order=order, invoice_id=info.id, source_key=key
    )
    SaleInvoiceLine.all_companies.bulk_create(
        [
            SaleInvoiceLine(
                company_id=order.company_id,
                invoice=sale_invoice,
                order_line=pick.line,
                quantity=pick.quantity,
            )
            for pick in picks
        ]
    )
    for pick in picks:
        pick.line.invoiced_quantity += pick.quantity
    SaleOrderLine.all_companies.bulk_update([pick.line for pick in picks], ["invoiced_quantity"])
    publish_for_customer(
        SalesOrderInvoiced(
            order_id=order.pk,
            company_id=order.company_id,
            partner_id=order.partner_id,
            number=str(order),
            invoice_id=info.id,
            source_key=key,
            currency=info.currency,
            amount_total=str(info.amount_total),
        ),
        by=by,
        company_id=order.company_id,
        partner_id=order.partner_id,
    )
    audit_record(
        actor=by,
        action=AuditAction.OTHER,
        obj=order,
        changes={
            "invoiced": [None, {pick.line.sequence: plain(pick.quantity) for pick in picks}],
            "key": [None, key],
        },
    )
    return sale_invoice


def _in_line_unit(line: SaleOrderLine, quantity: Decimal, product_uom_id: int) -> Decimal:
    if not quantity or line.uom_id == product_uom_id:
        return quantity
    return uom_convert(quantity, product_uom_id, line.uom_id)


def _product_units(lines: Sequence[SaleOrderLine]) -> dict[int, int]:
    """Product id -> its unit id, read through the line's own foreign key (one query)."""
    product_model: Any = SaleOrderLine._meta.get_field("product").remote_field.model
    return dict(
        product_model._base_manager.filter(pk__in={line.product_id for line in lines}).values_list(
            "pk", "uom_id"
        )
    )


def _delivery_picks(
    transfer: TransferInfo, lines: Sequence[SaleOrderLine], units: dict[int, int]
) -> list[InvoicePick]:
    """What ``transfer`` delivered of the lines invoiced on delivery."""
    done: dict[str, Decimal] = defaultdict(Decimal)
    for move in transfer.moves:
        if move.quantity_done > 0:
            done[move.origin_key] += move.quantity_done
    picks = []
    for line in lines:
        if line.invoice_policy != "delivery" or not line.is_stocked or not line.is_counted:
            continue
        quantity = _in_line_unit(
            line, done.get(line.origin_key, ZERO), units.get(line.product_id, line.uom_id)
        )
        if quantity > 0:
            picks.append(InvoicePick(line=line, quantity=quantity))
    return picks


def _deliveries_recompute(order: SaleOrder, lines: list[SaleOrderLine], units: dict[int, int]) -> bool:
    """Delivered quantities from inventory's done moves (idempotent); whether anything changed."""
    stocked = [line for line in lines if line.is_stocked]
    if not stocked:
        return False
    done = inventory.done_quantities(order.company_id, [line.origin_key for line in stocked])
    changed = []
    for line in stocked:
        delivered = _in_line_unit(
            line, done.get(line.origin_key, ZERO), units.get(line.product_id, line.uom_id)
        )
        if delivered != line.delivered_quantity:
            line.delivered_quantity = delivered
            changed.append(line)
    if changed:
        SaleOrderLine.all_companies.bulk_update(changed, ["delivered_quantity"])
    return bool(changed)


def _locked(order: SaleOrder) -> SaleOrder:
    return SaleOrder.all_companies.select_for_update().select_related("company").get(pk=order.pk)


def _lines(order: SaleOrder) -> list[SaleOrderLine]:
    return list(SaleOrderLine.all_companies.filter(order_id=order.pk).order_by("sequence", "pk"))


def order_delivery_sync(*, order: SaleOrder, transfer_id: int, by: Any) -> SaleOrder:
    """A delivery of ``order`` was done: recompute what was delivered, invoice it (lines invoiced on
    delivery, key ``sales.order:<id>:delivery:<transfer id>``) and the statuses. Idempotent."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.state not in (OrderState.SALE, OrderState.DONE):
            return locked
        lines = _lines(locked)
        units = _product_units(lines)
        _deliveries_recompute(locked, lines, units)
        transfer = next((t for t in order_transfers(locked) if t.id == transfer_id), None)
        key = f"{locked.source_key}:delivery:{transfer_id}"
        already = SaleInvoice.all_companies.filter(company_id=locked.company_id, source_key=key).exists()
        if transfer is not None and transfer.state == "done" and not already:
            picks = _delivery_picks(transfer, lines, units)
            if picks and accounting.books_ready(locked.company_id):
                invoice_raise(order=locked, key=key, picks=picks, by=by)
            publish_for_customer(
                SalesOrderDelivered(
                    order_id=locked.pk,
                    company_id=locked.company_id,
                    partner_id=locked.partner_id,
                    number=str(locked),
                    transfer_id=transfer_id,
                    complete=all(
                        line.delivered_quantity >= line.quantity
                        for line in lines
                        if line.is_stocked and line.is_counted
                    ),
                ),
                by=by,
                company_id=locked.company_id,
                partner_id=locked.partner_id,
            )
        order_statuses_refresh(order=locked, lines=lines)
    return locked


def order_invoice_create(*, order: SaleOrder, by: Any) -> list[SaleInvoice]:
    """ "Create invoice": invoice what is invoiceable and not invoiced yet (lines on order; each done
    delivery of the lines on delivery), with the keys the automatic path uses, so nothing is invoiced
    twice. Nothing left to invoice is a 422."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.state not in (OrderState.SALE, OrderState.DONE):
            raise Conflict(
                _("%(number)s is %(state)s: only a confirmed order can be invoiced.")
                % {"number": locked, "state": locked.get_state_display()}
            )
        lines = _lines(locked)
        units = _product_units(lines)
        _deliveries_recompute(locked, lines, units)
        made: list[SaleInvoice] = []
        known = set(SaleInvoice.all_companies.filter(order_id=locked.pk).values_list("source_key", flat=True))
        order_key = f"{locked.source_key}:order"
        if order_key not in known:
            picks = [
                InvoicePick(line=line, quantity=line.quantity - line.invoiced_quantity)
                for line in lines
                if line.is_counted
                and (line.invoice_policy == "order" or not line.is_stocked)
                and line.quantity > line.invoiced_quantity
            ]
            if picks:
                made.append(invoice_raise(order=locked, key=order_key, picks=picks, by=by))
        for transfer in order_transfers(locked):
            key = f"{locked.source_key}:delivery:{transfer.id}"
            if transfer.kind != "delivery" or transfer.state != "done" or key in known:
                continue
            picks = _delivery_picks(transfer, lines, units)
            if picks:
                made.append(invoice_raise(order=locked, key=key, picks=picks, by=by))
        if not made:
            raise ValidationFailed(
                _("Nothing to invoice on %(number)s: everything delivered is invoiced.") % {"number": locked},
                field="lines",
            )
        order_statuses_refresh(order=locked, lines=lines)
    return made


def statuses_of(
    lines: Sequence[SaleOrderLine], invoices: Sequence[accounting.InvoiceInfo]
) -> tuple[str, str]:
    """The invoice status and the payment status of an order's lines and its (non-cancelled) invoices."""
    counted = [line for line in lines if line.is_counted]
    invoice_status = InvoiceStatus.NOTHING
    if counted and all(line.invoiced_quantity >= line.quantity for line in counted):
        invoice_status = InvoiceStatus.INVOICED
    elif any(
        (line.quantity if line.invoice_policy == "order" or not line.is_stocked else line.delivered_quantity)
        > line.invoiced_quantity
        for line in counted
    ):
        invoice_status = InvoiceStatus.TO_INVOICE
    elif any(line.invoiced_quantity > 0 for line in counted):
        invoice_status = InvoiceStatus.PARTLY
    live = [info for info in invoices if info.state != "cancelled" and info.kind == "out_invoice"]
    payment_status = PaymentStatus.NOT_PAID
    if live and all(info.state == "paid" for info in live) and invoice_status == InvoiceStatus.INVOICED:
        payment_status = PaymentStatus.PAID
    elif any(info.state in ("paid", "partial") for info in live):
        payment_status = PaymentStatus.PARTLY
    return invoice_status, payment_status


def order_statuses_refresh(*, order: SaleOrder, lines: list[SaleOrderLine] | None = None) -> SaleOrder:
    """Recompute invoiced quantities, the invoice and payment statuses (and ``done``) from accounting.

    Call it inside a transaction holding the order's lock (the services and handlers do)."""
    lines = _lines(order) if lines is None else lines
    invoices = accounting.invoices_by_source(order.company_id, order.source_key)
    states = {info.id: info.state for info in invoices}
    rows = list(SaleInvoice.all_companies.filter(order_id=order.pk))
    newly_cancelled = [
        row.pk for row in rows if not row.is_cancelled and states.get(row.invoice_id) == "cancelled"
    ]
    if newly_cancelled:
        SaleInvoice.all_companies.filter(pk__in=newly_cancelled).update(is_cancelled=True)
    live_ids = [row.pk for row in rows if row.pk not in newly_cancelled and not row.is_cancelled]
    invoiced = dict(
        SaleInvoiceLine.all_companies.filter(invoice_id__in=live_ids)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )
    changed = []
    for line in lines:
        quantity = invoiced.get(line.pk) or ZERO
        if quantity != line.invoiced_quantity:
            line.invoiced_quantity = quantity
            changed.append(line)
    if changed:
        SaleOrderLine.all_companies.bulk_update(changed, ["invoiced_quantity"])
    invoice_status, payment_status = statuses_of(lines, invoices)
    fields = []
    if (order.invoice_status, order.payment_status) != (invoice_status, payment_status):
        order.invoice_status, order.payment_status = invoice_status, payment_status
        fields += ["invoice_status", "payment_status"]
    delivered = all(
        line.delivered_quantity >= line.quantity for line in lines if line.is_counted and line.is_stocked
    )
    if order.state == OrderState.SALE and delivered and invoice_status == InvoiceStatus.INVOICED:
        order.state = OrderState.DONE
        fields.append("state")
    if fields:
        order.save(update_fields=[*fields, "updated_at"])
    return order
