"""Requests for quotation and purchase orders: draft, send, confirm (with approval), cancel.

States: ``rfq`` -> ``sent`` (emailed) -> ``purchase`` (confirmed; ``to_approve`` first when the untaxed
total in company currency is above the company's approval amount) -> ``done`` (received and billed in
full); ``cancelled`` from any state before goods arrived or bills were made. Confirming creates the
receipt of the stocked lines through inventory's facade, keyed by the order, so a retried confirm never
makes a second one (the state is checked under a row lock too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.currencies import is_valid_currency
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.money import Money
from concord.core.money.queries import convert
from concord.core.numbering.services import sequence_next
from concord.modules.catalog.facade import ProductInfo, price_for_uom, uom_convert
from concord.modules.inventory import facade as inventory
from concord.modules.purchasing.events import (
    PurchaseOrderApproved,
    PurchaseOrderCancelled,
    PurchaseOrderConfirmed,
)
from concord.modules.purchasing.models import OrderState, PurchaseOrder, PurchaseOrderLine
from concord.modules.purchasing.queries import best_vendor_price, order_lines, order_match, order_transfers
from concord.modules.purchasing.services._support import (
    ZERO,
    actor,
    company_rate,
    publish_for_vendor,
    round_to,
    vendor_of,
)
from concord.modules.purchasing.services.pricelists import product_of
from concord.modules.purchasing.services.settings import approval_amount_of

__all__ = [
    "MAX_LINES",
    "OrderLineInput",
    "order_approve",
    "order_cancel",
    "order_check_done",
    "order_confirm",
    "order_create",
    "order_lines_build",
    "order_update",
]

MAX_LINES = 1000
DOC_TYPE = "PO"


@dataclass(frozen=True)
class OrderLineInput:
    """A line to order: a product, how many (in ``uom_id``, default its purchase unit), at what price.

    A missing ``unit_price`` comes from the vendor's price list, else the product's purchase price; a
    missing ``planned_date`` is the order date plus the price list's lead time.
    """

    product_id: int
    quantity: Decimal
    uom_id: int | None = None
    unit_price: Decimal | None = None
    discount_percent: Decimal = ZERO
    description: str = ""
    tax_ids: tuple[int, ...] | None = None
    planned_date: dt.date | None = None


def _uom_companies(uom_ids: set[int]) -> dict[int, int | None]:
    """Unit id -> its company (None for the shared units), read through the line's own foreign key."""
    if not uom_ids:
        return {}
    uom_model: Any = PurchaseOrderLine._meta.get_field("uom").remote_field.model
    return dict(uom_model._base_manager.filter(pk__in=uom_ids).values_list("pk", "company_id"))


def _price_in(money: Money, currency: str, company: Company, on_date: dt.date) -> Decimal:
    if money.currency == currency:
        return money.amount
    try:
        return convert(money=money, to_currency=currency, company=company, on_date=on_date).amount
    except NoExchangeRateError as exc:  # a 404 in core; here the order's currency is what cannot work
        raise ValidationFailed(str(exc.message), field="currency") from None


def _default_price(
    company: Company,
    *,
    vendor_id: int,
    product: ProductInfo,
    quantity: Decimal,
    uom_id: int,
    currency: str,
    on: dt.date,
) -> tuple[Decimal, int]:
    """The unit price per ``uom_id`` in ``currency``, and the lead time in days it comes with."""
    entry = best_vendor_price(
        company=company, product_id=product.id, quantity=quantity, on_date=on, vendor_id=vendor_id
    )
    if entry is not None:
        per_product_unit, lead_time = Money(entry.price, entry.currency), entry.lead_time_days
    else:
        per_product_unit, lead_time = product.purchase_price, 0
    per_line_unit = price_for_uom(per_product_unit, product.uom_id, uom_id)
    return _price_in(per_line_unit, currency, company, on), lead_time


def order_lines_build(
    company: Company, order: PurchaseOrder, specs: Sequence[OrderLineInput]
) -> list[PurchaseOrderLine]:
    if not specs:
        raise ValidationFailed(_("An order needs at least one line."), field="lines")
    if len(specs) > MAX_LINES:
        raise ValidationFailed(
            _("An order can have at most %(max)s lines.") % {"max": MAX_LINES}, field="lines"
        )
    uom_companies = _uom_companies({spec.uom_id for spec in specs if spec.uom_id is not None})
    built: list[PurchaseOrderLine] = []
    for index, spec in enumerate(specs, start=1):
        where = {"line": index}
        product = product_of(company, spec.product_id, field="lines")
        if not product.is_active:
            raise ValidationFailed(
                _("Line %(line)s: %(name)s is archived.") % {**where, "name": product.name}, field="lines"
            )
        quantity = Decimal(spec.quantity)
        if quantity <= 0:
            raise ValidationFailed(
                _("Line %(line)s: the quantity must be more than zero.") % where, field="lines"
            )
        uom_id = spec.uom_id if spec.uom_id is not None else product.purchase_uom_id
        if spec.uom_id is not None and (
            spec.uom_id not in uom_companies or uom_companies[spec.uom_id] not in (None, company.pk)
        ):
            raise ValidationFailed(_("Line %(line)s: there is no such unit.") % where, field="lines")
        try:
            product_quantity = uom_convert(quantity, uom_id, product.uom_id)
        except ValidationFailed as exc:
            raise ValidationFailed(
                _("Line %(line)s: %(error)s") % {**where, "error": exc.message}, field="lines"
            ) from None
        discount = Decimal(spec.discount_percent or 0)
        if not ZERO <= discount <= 100:
            raise ValidationFailed(
                _("Line %(line)s: the discount must be between 0 and 100%%.") % where, field="lines"
            )
        default_price, lead_time = _default_price(
            company,
            vendor_id=order.vendor_id,
            product=product,
            quantity=product_quantity,
            uom_id=uom_id,
            currency=order.currency,
            on=order.order_date,
        )
        unit_price = Decimal(spec.unit_price) if spec.unit_price is not None else default_price
        if unit_price < 0:
            raise ValidationFailed(
                _("Line %(line)s: the unit price cannot be negative.") % where, field="lines"
            )
        if spec.tax_ids is not None and any(not isinstance(t, int) or t <= 0 for t in spec.tax_ids):
            raise ValidationFailed(_("Line %(line)s: taxes are named by id.") % where, field="lines")
        description = spec.description.strip() or product.name
        built.append(
            PurchaseOrderLine(
                company=company,
                order=order,
                sequence=index,
                product_id=product.id,
                product_kind=product.kind,
                description=description[:300],
                quantity=quantity,
                uom_id=uom_id,
                product_quantity=product_quantity,
                unit_price=unit_price,
                discount_percent=discount,
                tax_ids=list(spec.tax_ids) if spec.tax_ids is not None else None,
                planned_date=spec.planned_date or order.order_date + dt.timedelta(days=lead_time),
                price_subtotal=round_to(quantity * unit_price * (1 - discount / 100), order.currency),
            )
        )
    return built


def _save_lines(order: PurchaseOrder, lines: list[PurchaseOrderLine]) -> None:
    PurchaseOrderLine.all_companies.bulk_create(lines)
    order.amount_untaxed = sum((line.price_subtotal for line in lines), ZERO)
    order.save(update_fields=["amount_untaxed", "updated_at"])


def order_create(
    *,
    company: Company,
    vendor_id: int,
    lines: Sequence[OrderLineInput],
    by: Any,
    order_date: dt.date | None = None,
    currency: str | None = None,
    vendor_ref: str = "",
    notes: str = "",
    origin: str = "",
    from_reorder: bool = False,
) -> PurchaseOrder:
    """Draft a request for quotation to ``vendor_id``; it gets its number (PO/2026/00001) at once."""
    vendor = vendor_of(company, vendor_id)
    chosen = (currency or vendor.currency or company.currency).strip().upper()
    if not is_valid_currency(chosen):
        raise ValidationFailed(_("“%(code)s” is not a currency code.") % {"code": chosen}, field="currency")
    on = order_date or timezone.localdate()
    with transaction.atomic():
        order = PurchaseOrder(
            company=company,
            vendor_id=vendor.id,
            order_date=on,
            currency=chosen,
            vendor_ref=vendor_ref.strip(),
            notes=notes.strip(),
            origin=origin.strip()[:120],
            from_reorder=from_reorder,
            created_by=actor(by),
        )
        built = order_lines_build(company, order, lines)  # before the number: a refused order takes none
        order.number = sequence_next(company=company, doc_type=DOC_TYPE, on_date=on)
        order.save()
        for line in built:
            line.order = order
        _save_lines(order, built)
        audit_record(actor=by, action=AuditAction.CREATE, obj=order)
    return order


def _locked(order: PurchaseOrder) -> PurchaseOrder:
    return PurchaseOrder.all_companies.select_for_update().select_related("company").get(pk=order.pk)


def order_update(
    *,
    order: PurchaseOrder,
    by: Any,
    lines: Sequence[OrderLineInput] | None = None,
    vendor_id: int | None = None,
    order_date: dt.date | None = None,
    currency: str | None = None,
    vendor_ref: str | None = None,
    notes: str | None = None,
) -> PurchaseOrder:
    """Change an RFQ (only the fields given; ``lines`` replaces them all). A confirmed order is a 409."""
    with transaction.atomic():
        locked = _locked(order)
        if not locked.is_editable:
            raise Conflict(
                _("%(number)s is %(state)s: only a request for quotation can be changed.")
                % {"number": locked.number, "state": locked.get_state_display()}
            )
        company = locked.company
        changes: dict[str, list[Any]] = {}
        if vendor_id is not None and vendor_id != locked.vendor_id:
            vendor_of(company, vendor_id)
            changes["vendor_id"] = [locked.vendor_id, vendor_id]
            locked.vendor_id = vendor_id
        if currency is not None and currency.strip().upper() != locked.currency:
            code = currency.strip().upper()
            if not is_valid_currency(code):
                raise ValidationFailed(
                    _("“%(code)s” is not a currency code.") % {"code": code}, field="currency"
                )
            changes["currency"] = [locked.currency, code]
            locked.currency = code
        if order_date is not None and order_date != locked.order_date:
            changes["order_date"] = [locked.order_date.isoformat(), order_date.isoformat()]
            locked.order_date = order_date
        for name, value in (("vendor_ref", vendor_ref), ("notes", notes)):
            if value is not None and value.strip() != getattr(locked, name):
                changes[name] = [getattr(locked, name), value.strip()]
                setattr(locked, name, value.strip())
        locked.save()
        if lines is not None:
            built = order_lines_build(company, locked, lines)
            PurchaseOrderLine.all_companies.filter(order_id=locked.pk).delete()
            _save_lines(locked, built)
            changes["lines"] = [None, len(built)]
        elif "currency" in changes:
            raise ValidationFailed(_("Give the lines again when the currency changes."), field="lines")
        if changes:
            audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


def _untaxed_in_company_currency(order: PurchaseOrder, rate: Decimal) -> Decimal:
    return round_to(order.amount_untaxed * rate, order.company.currency)


def _place(order: PurchaseOrder, *, by: Any, rate: Decimal) -> None:
    """Make ``order`` a purchase order: create the receipt of its goods and announce it."""

    lines = order_lines(order)
    stock_lines = []
    for line in lines:
        if not line.is_stocked:
            continue
        net = line.unit_price * (1 - line.discount_percent / 100)
        per_product_unit = price_for_uom(Money(net, order.currency), line.uom_id, line.product.uom_id)
        stock_lines.append(
            inventory.StockLine(
                product_id=line.product_id,
                quantity=line.quantity,
                uom_id=line.uom_id,
                unit_cost=(per_product_unit.amount * rate).quantize(Decimal("0.000001")),
                origin_key=line.origin_key,
                description=line.description,
            )
        )
    receipt_id = None
    if stock_lines:
        receipt = inventory.receipt_create(
            company_id=order.company_id,
            lines=stock_lines,
            by=by,
            partner_id=order.vendor_id,
            origin=order.number,
            source_key=order.source_key,
            scheduled_date=min(line.planned_date for line in lines if line.is_stocked),
        )
        receipt_id = receipt.id
    order.state = OrderState.PURCHASE
    order.rate = rate
    order.confirmed_at = timezone.now()
    order.save(update_fields=["state", "rate", "confirmed_at", "updated_at"])
    publish_for_vendor(
        PurchaseOrderConfirmed(
            order_id=order.pk,
            company_id=order.company_id,
            vendor_id=order.vendor_id,
            number=order.number,
            currency=order.currency,
            amount_untaxed=str(order.amount_untaxed),
            receipt_id=receipt_id,
        ),
        by=by,
        company_id=order.company_id,
        vendor_id=order.vendor_id,
    )


def order_confirm(*, order: PurchaseOrder, by: Any) -> PurchaseOrder:
    """Confirm an RFQ: it becomes a purchase order and its goods are expected (a receipt), or, above the
    approval amount, it waits for a manager (``to_approve``). Confirming again changes nothing."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.state in (OrderState.TO_APPROVE, OrderState.PURCHASE, OrderState.DONE):
            return locked  # a double click or a retried request: already done
        if locked.state == OrderState.CANCELLED:
            raise Conflict(_("%(number)s is cancelled: it cannot be confirmed.") % {"number": locked.number})
        if not PurchaseOrderLine.all_companies.filter(order_id=locked.pk).exists():
            raise ValidationFailed(_("An order needs at least one line."), field="lines")
        vendor_of(locked.company, locked.vendor_id)
        rate = company_rate(locked.company, locked.currency, timezone.localdate())
        limit = approval_amount_of(locked.company)
        old_state = locked.state
        if limit is not None and _untaxed_in_company_currency(locked, rate) > limit:
            locked.state = OrderState.TO_APPROVE
            locked.rate = rate
            locked.save(update_fields=["state", "rate", "updated_at"])
        else:
            _place(locked, by=by, rate=rate)
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=locked, changes={"state": [old_state, locked.state]}
        )
    return locked


def order_approve(*, order: PurchaseOrder, by: Any) -> PurchaseOrder:
    """Approve an order waiting for approval (needs ``purchasing.approve``); approving again changes nothing."""
    if by is None or not by.has_perm("purchasing.approve", order):
        raise PermissionDeniedError(_("Only a manager may approve purchase orders."))
    with transaction.atomic():
        locked = _locked(order)
        if locked.state in (OrderState.PURCHASE, OrderState.DONE) and locked.approved_at is not None:
            return locked
        if locked.state != OrderState.TO_APPROVE:
            raise Conflict(
                _("%(number)s is %(state)s: only an order waiting for approval can be approved.")
                % {"number": locked.number, "state": locked.get_state_display()}
            )
        rate = company_rate(locked.company, locked.currency, timezone.localdate())
        locked.approved_by = actor(by)
        locked.approved_at = timezone.now()
        locked.save(update_fields=["approved_by", "approved_at", "updated_at"])
        publish_for_vendor(
            PurchaseOrderApproved(
                order_id=locked.pk,
                company_id=locked.company_id,
                vendor_id=locked.vendor_id,
                number=locked.number,
                currency=locked.currency,
                amount_untaxed=str(locked.amount_untaxed),
            ),
            by=by,
            company_id=locked.company_id,
            vendor_id=locked.vendor_id,
        )
        _place(locked, by=by, rate=rate)
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"state": [OrderState.TO_APPROVE, locked.state]},
        )
    return locked


def order_cancel(*, order: PurchaseOrder, by: Any) -> PurchaseOrder:
    """Cancel an RFQ or an order with its open receipts; refused once goods arrived or a bill was made."""

    with transaction.atomic():
        locked = _locked(order)
        if locked.state == OrderState.CANCELLED:
            return locked
        if locked.state == OrderState.DONE:
            raise Conflict(_("%(number)s is done: it cannot be cancelled.") % {"number": locked.number})
        if locked.bills.exists():
            raise Conflict(
                _("%(number)s has vendor bills: cancel them in accounting first.") % {"number": locked.number}
            )
        old_state = locked.state
        if locked.state == OrderState.PURCHASE:
            transfers = order_transfers(locked)
            if any(t.state == "done" for t in transfers) or any(
                line.received > 0 for line in order_match(locked).lines
            ):
                raise Conflict(
                    _("%(number)s has received goods: it cannot be cancelled; return them instead.")
                    % {"number": locked.number}
                )
            for transfer in transfers:
                if transfer.state != "cancelled":
                    inventory.transfer_cancel(transfer.id, by=by)
        locked.state = OrderState.CANCELLED
        locked.save(update_fields=["state", "updated_at"])
        publish_for_vendor(
            PurchaseOrderCancelled(
                order_id=locked.pk,
                company_id=locked.company_id,
                vendor_id=locked.vendor_id,
                number=locked.number,
            ),
            by=by,
            company_id=locked.company_id,
            vendor_id=locked.vendor_id,
        )
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=locked, changes={"state": [old_state, locked.state]}
        )
    return locked


def order_check_done(*, order: PurchaseOrder, by: Any) -> PurchaseOrder:
    """Mark a purchase order done once every line is received (goods) and billed in full."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.state != OrderState.PURCHASE or not order_match(locked).complete:
            return locked
        locked.state = OrderState.DONE
        locked.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"state": [OrderState.PURCHASE, OrderState.DONE]},
        )
    return locked
