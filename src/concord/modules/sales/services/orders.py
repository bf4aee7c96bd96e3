"""Quotations and sales orders: draft, change, confirm (stock, invoices, credit control), approve, cancel.

States: ``draft`` (quotation) -> ``sent`` (emailed) -> ``sale`` (confirmed; ``to_approve`` first when
credit control finds the customer's credit limit exceeded) -> ``done`` (delivered and invoiced in full);
``cancelled`` while nothing was delivered and no invoice is paid.

``order_confirm`` is the order-to-cash step, in ONE transaction: it checks the order, its customer and its
lines, applies credit control, reserves the stock of its goods through inventory (a delivery, keyed
``sales.order:<id>``, each line's ``origin_key``: all or nothing unless a backorder is allowed), raises
the invoice of the lines invoiced on order through accounting (``sales.order:<id>:order``) and marks the
opportunity won in CRM. The order row is locked and the keys make every facade idempotent, so a double
click or a retried request confirms once and reserves and invoices nothing more.
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
from concord.core.money.money import Money
from concord.core.numbering.services import sequence_next
from concord.modules.accounting import facade as accounting
from concord.modules.catalog.facade import ProductInfo, price_for_uom, products_get, uom_convert
from concord.modules.inventory import facade as inventory
from concord.modules.parties.facade import PartySummary
from concord.modules.sales.events import (
    QuotationAccepted,
    SalesOrderApprovalRequested,
    SalesOrderApproved,
    SalesOrderCancelled,
    SalesOrderConfirmed,
)
from concord.modules.sales.models import OrderState, Pricelist, SaleInvoice, SaleOrder, SaleOrderLine
from concord.modules.sales.services import crm_bridge
from concord.modules.sales.services._support import (
    ZERO,
    actor,
    company_rate,
    customer_of,
    product_of,
    publish_for_customer,
    round_to,
)
from concord.modules.sales.services.invoicing import (
    InvoicePick,
    invoice_raise,
    order_statuses_refresh,
    order_transfers,
)
from concord.modules.sales.services.pricelists import (
    customer_pricelist,
    pricelist_rules,
    unit_price_from_rules,
)
from concord.modules.sales.services.settings import invoice_policies, sales_settings_of

__all__ = [
    "MAX_LINES",
    "OrderLineInput",
    "line_price_preview",
    "order_approval_refuse",
    "order_approve",
    "order_cancel",
    "order_confirm",
    "order_create",
    "order_line_optional_set",
    "order_lines_set",
    "order_update",
    "quote_accept",
]

MAX_LINES = 1000
QUOTE_DOC_TYPE = "SQ"
ORDER_DOC_TYPE = "SO"


@dataclass(frozen=True)
class OrderLineInput:
    """A line to quote: a product, how many (in ``uom_id``, default the product's unit), at what price.

    A missing ``unit_price`` comes from the order's price list, else the product's sale price (converted
    to the unit and the order's currency); ``tax_ids`` None: the product's default sale taxes.
    """

    product_id: int
    quantity: Decimal
    uom_id: int | None = None
    unit_price: Decimal | None = None
    discount_percent: Decimal = ZERO
    description: str = ""
    tax_ids: tuple[int, ...] | None = None
    is_optional: bool = False
    is_selected: bool = False


def _uom_companies(uom_ids: set[int]) -> dict[int, int | None]:
    """Unit id -> its company (None for the shared units), read through the line's own foreign key."""
    if not uom_ids:
        return {}
    uom_model: Any = SaleOrderLine._meta.get_field("uom").remote_field.model
    return dict(uom_model._base_manager.filter(pk__in=uom_ids).values_list("pk", "company_id"))


def _line_error(index: int, message: str) -> ValidationFailed:
    return ValidationFailed(_("Line %(line)s: %(error)s") % {"line": index, "error": message}, field="lines")


def _check_line_values(index: int, product: ProductInfo | None, quantity: Decimal, discount: Decimal) -> None:
    if product is None:
        raise _line_error(index, _("the product does not belong to this company."))
    if not product.is_active:
        raise _line_error(index, _("%(name)s is archived.") % {"name": product.name})
    if quantity <= 0:
        raise _line_error(index, _("the quantity must be more than zero."))
    if not ZERO <= discount <= 100:
        raise _line_error(index, _("the discount must be between 0 and 100%."))


def order_lines_build(
    company: Company, order: SaleOrder, specs: Sequence[OrderLineInput]
) -> list[SaleOrderLine]:
    """Checked, priced and taxed lines of ``order`` (not saved). A constant number of queries."""
    if not specs:
        raise ValidationFailed(_("A quotation needs at least one line."), field="lines")
    if len(specs) > MAX_LINES:
        raise ValidationFailed(
            _("A quotation can have at most %(max)s lines.") % {"max": MAX_LINES}, field="lines"
        )
    products = products_get(spec.product_id for spec in specs)
    uom_companies = _uom_companies({spec.uom_id for spec in specs if spec.uom_id is not None})
    pricelist: Pricelist | None = order.pricelist if order.pricelist_id else None
    rules = pricelist_rules(pricelist, order.quote_date) if pricelist is not None else []
    policies = invoice_policies(company, {(p.id, p.kind) for p in products.values()})
    built: list[SaleOrderLine] = []
    for index, spec in enumerate(specs, start=1):
        found = products.get(spec.product_id)
        product = found if found is not None and found.company_id == company.pk else None
        quantity = Decimal(spec.quantity)
        discount = Decimal(spec.discount_percent or 0)
        _check_line_values(index, product, quantity, discount)
        if product is None:  # _check_line_values refused it; this narrows the type
            continue
        uom_id = spec.uom_id if spec.uom_id is not None else product.uom_id
        if spec.uom_id is not None and uom_companies.get(spec.uom_id, -1) not in (None, company.pk):
            raise _line_error(index, _("there is no such unit."))
        try:
            product_quantity = (
                quantity if uom_id == product.uom_id else uom_convert(quantity, uom_id, product.uom_id)
            )
        except ValidationFailed as exc:
            raise _line_error(index, str(exc.message)) from None
        if spec.unit_price is not None:
            unit_price = Decimal(spec.unit_price)
        else:
            per_product_unit = unit_price_from_rules(
                company=company,
                pricelist=pricelist,
                rules=rules,
                product=product,
                quantity=product_quantity,
                currency=order.currency,
                on_date=order.quote_date,
            )
            unit_price = (
                per_product_unit
                if uom_id == product.uom_id
                else price_for_uom(Money(per_product_unit, order.currency), product.uom_id, uom_id).amount
            )
        if unit_price < 0:
            raise _line_error(index, _("the unit price cannot be negative."))
        if spec.tax_ids is not None and any(not isinstance(t, int) or t <= 0 for t in spec.tax_ids):
            raise _line_error(index, _("taxes are named by id."))
        description = spec.description.strip() or product.name
        built.append(
            SaleOrderLine(
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
                is_optional=spec.is_optional,
                is_selected=spec.is_optional and spec.is_selected,
                invoice_policy=policies.get(product.id, "order"),
            )
        )
    _lines_price(company, order, built)
    return built


def _lines_price(company: Company, order: SaleOrder, lines: list[SaleOrderLine]) -> None:
    """Untaxed, tax and total of each line, as the invoice will compute them (accounting's arithmetic)."""
    amounts = accounting.sale_line_amounts(
        company_id=company.pk,
        lines=[
            accounting.InvoiceLineInput(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                product_id=line.product_id,
                discount_percent=line.discount_percent,
                tax_ids=tuple(line.tax_ids) if line.tax_ids is not None else None,
            )
            for line in lines
        ],
        currency=order.currency,
    )
    for line, amount in zip(lines, amounts, strict=True):
        line.price_subtotal = amount.subtotal
        line.price_tax = amount.tax
        line.price_total = amount.total
        line.tax_ids = list(amount.tax_ids)


def line_price_preview(
    *,
    company: Company,
    product_id: int,
    quantity: Decimal,
    partner_id: int | None = None,
    pricelist_id: int | None = None,
    currency: str | None = None,
    uom_id: int | None = None,
) -> Decimal:
    """The unit price a new line would get (the form's price hint): the price list's, else the product's."""
    product = product_of(company, product_id)
    pricelist = _pricelist_of(company, pricelist_id, partner_id) if partner_id or pricelist_id else None
    chosen = _currency(currency or (pricelist.currency if pricelist else "") or company.currency)
    on = timezone.localdate()
    unit = uom_id or product.uom_id
    product_quantity = quantity if unit == product.uom_id else uom_convert(quantity, unit, product.uom_id)
    per_product_unit = unit_price_from_rules(
        company=company,
        pricelist=pricelist,
        rules=pricelist_rules(pricelist, on) if pricelist is not None else [],
        product=product,
        quantity=product_quantity,
        currency=chosen,
        on_date=on,
    )
    if unit == product.uom_id:
        return per_product_unit
    return price_for_uom(Money(per_product_unit, chosen), product.uom_id, unit).amount


def _totals(order: SaleOrder, lines: Sequence[SaleOrderLine]) -> None:
    counted = [line for line in lines if line.is_counted]
    order.amount_untaxed = sum((line.price_subtotal for line in counted), ZERO)
    order.amount_tax = sum((line.price_tax for line in counted), ZERO)
    order.amount_total = sum((line.price_total for line in counted), ZERO)


def _save_lines(order: SaleOrder, lines: list[SaleOrderLine]) -> None:
    SaleOrderLine.all_companies.bulk_create(lines)
    _totals(order, lines)
    order.save(update_fields=["amount_untaxed", "amount_tax", "amount_total", "updated_at"])


def _pricelist_of(company: Company, pricelist_id: int | None, partner_id: int | None) -> Pricelist | None:
    if pricelist_id is None:
        return customer_pricelist(company, partner_id) if partner_id is not None else None
    pricelist = Pricelist.all_companies.filter(pk=pricelist_id, company_id=company.pk).first()
    if pricelist is None:
        raise ValidationFailed(_("Choose a price list of the company."), field="pricelist_id")
    if not pricelist.is_active:
        raise ValidationFailed(_("%(name)s is archived.") % {"name": pricelist.name}, field="pricelist_id")
    return pricelist


def _currency(code: str) -> str:
    cleaned = code.strip().upper()
    if not is_valid_currency(cleaned):
        raise ValidationFailed(_("“%(code)s” is not a currency code.") % {"code": cleaned}, field="currency")
    return cleaned


def _opportunity_checked(company: Company, opportunity_id: int | None) -> int | None:
    if opportunity_id is None:
        return None
    found = crm_bridge.opportunity_get(opportunity_id)
    if found is None or found.company_id != company.pk:
        raise ValidationFailed(
            _("There is no such opportunity in %(company)s.") % {"company": company.name},
            field="opportunity_id",
        )
    return opportunity_id


def order_create(
    *,
    company: Company,
    partner_id: int,
    lines: Sequence[OrderLineInput],
    by: Any,
    quote_date: dt.date | None = None,
    validity_date: dt.date | None = None,
    currency: str | None = None,
    pricelist_id: int | None = None,
    salesperson_id: int | None = None,
    opportunity_id: int | None = None,
    customer_ref: str = "",
    terms: str | None = None,
) -> SaleOrder:
    """Draft a quotation for ``partner_id``; it gets its number (SQ/2026/00001) at once.

    Defaults: the customer's price list (else the company's), its currency (else the customer's, else
    the company's), validity from the settings, the settings' terms, the caller as salesperson.
    """
    party = customer_of(company, partner_id)
    pricelist = _pricelist_of(company, pricelist_id, party.id)
    chosen = _currency(
        currency or (pricelist.currency if pricelist else "") or party.currency or company.currency
    )
    settings = sales_settings_of(company)
    on = quote_date or timezone.localdate()
    if validity_date is None and settings.quote_validity_days:
        validity_date = on + dt.timedelta(days=settings.quote_validity_days)
    if validity_date is not None and validity_date < on:
        raise ValidationFailed(_("A quotation cannot expire before its date."), field="validity_date")
    opportunity = _opportunity_checked(company, opportunity_id)
    with transaction.atomic():
        order = SaleOrder(
            company=company,
            partner_id=party.id,
            quote_date=on,
            validity_date=validity_date,
            currency=chosen,
            pricelist=pricelist,
            salesperson_id=salesperson_id
            if salesperson_id is not None
            else (actor(by).pk if actor(by) else None),
            opportunity_id=opportunity,
            customer_ref=customer_ref.strip()[:100],
            terms=(settings.default_terms if terms is None else terms).strip(),
            created_by=actor(by),
        )
        built = order_lines_build(company, order, lines)  # before the number: a refused quote takes none
        order.number = sequence_next(company=company, doc_type=QUOTE_DOC_TYPE, on_date=on)
        order.save()
        for line in built:
            line.order = order
        _save_lines(order, built)
        audit_record(actor=by, action=AuditAction.CREATE, obj=order)
    return order


def _locked(order: SaleOrder) -> SaleOrder:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the price list
    return (
        SaleOrder.all_companies.select_for_update(of=("self",))
        .select_related("company", "pricelist")
        .get(pk=order.pk)
    )


def _editable(order: SaleOrder) -> None:
    if not order.is_editable:
        raise Conflict(
            _("%(number)s is %(state)s: only a quotation can be changed.")
            % {"number": order, "state": order.get_state_display()}
        )


def order_update(
    *,
    order: SaleOrder,
    by: Any,
    lines: Sequence[OrderLineInput] | None = None,
    partner_id: int | None = None,
    quote_date: dt.date | None = None,
    validity_date: dt.date | None = None,
    currency: str | None = None,
    pricelist_id: int | None = None,
    customer_ref: str | None = None,
    terms: str | None = None,
    opportunity_id: int | None = None,
) -> SaleOrder:
    """Change a quotation (only the fields given; ``lines`` replaces them all). An order is a 409."""
    with transaction.atomic():
        locked = _locked(order)
        _editable(locked)
        company = locked.company
        changes: dict[str, list[Any]] = {}
        if partner_id is not None and partner_id != locked.partner_id:
            customer_of(company, partner_id)
            changes["partner_id"] = [locked.partner_id, partner_id]
            locked.partner_id = partner_id
        if pricelist_id is not None and pricelist_id != locked.pricelist_id:
            locked.pricelist = _pricelist_of(company, pricelist_id, locked.partner_id)
            changes["pricelist_id"] = [locked.pricelist_id, pricelist_id]
        if currency is not None and _currency(currency) != locked.currency:
            changes["currency"] = [locked.currency, _currency(currency)]
            locked.currency = _currency(currency)
        if quote_date is not None and quote_date != locked.quote_date:
            changes["quote_date"] = [locked.quote_date.isoformat(), quote_date.isoformat()]
            locked.quote_date = quote_date
        if validity_date is not None and validity_date != locked.validity_date:
            changes["validity_date"] = [str(locked.validity_date), validity_date.isoformat()]
            locked.validity_date = validity_date
        if locked.validity_date is not None and locked.validity_date < locked.quote_date:
            raise ValidationFailed(_("A quotation cannot expire before its date."), field="validity_date")
        if opportunity_id is not None and opportunity_id != locked.opportunity_id:
            locked.opportunity_id = _opportunity_checked(company, opportunity_id)
            changes["opportunity_id"] = [None, opportunity_id]
        for name, value in (("customer_ref", customer_ref), ("terms", terms)):
            if value is not None and value.strip() != getattr(locked, name):
                changes[name] = [getattr(locked, name), value.strip()]
                setattr(locked, name, value.strip())
        locked.save()
        if lines is not None:
            built = order_lines_build(company, locked, lines)
            SaleOrderLine.all_companies.filter(order_id=locked.pk).delete()
            _save_lines(locked, built)
            changes["lines"] = [None, len(built)]
        elif {"currency", "pricelist_id"} & set(changes):
            raise ValidationFailed(
                _("Give the lines again when the currency or the price list changes."), field="lines"
            )
        if changes:
            audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


def order_lines_set(*, order: SaleOrder, lines: Sequence[OrderLineInput], by: Any) -> SaleOrder:
    """Replace every line of a quotation (prices from the price list where none is given)."""
    return order_update(order=order, lines=lines, by=by)


def order_line_optional_set(*, order: SaleOrder, line_id: int, selected: bool, by: Any) -> SaleOrder:
    """Take (or leave) an optional line of a quotation: a taken one is counted and ordered."""
    with transaction.atomic():
        locked = _locked(order)
        _editable(locked)
        lines = list(SaleOrderLine.all_companies.filter(order_id=locked.pk))
        line = next((row for row in lines if row.pk == line_id), None)
        if line is None or not line.is_optional:
            raise ValidationFailed(
                _("This is not an optional line of %(number)s.") % {"number": locked}, field="line_id"
            )
        if line.is_selected != selected:
            line.is_selected = selected
            line.save(update_fields=["is_selected"])
            _totals(locked, lines)
            locked.save(update_fields=["amount_untaxed", "amount_tax", "amount_total", "updated_at"])
            audit_record(
                actor=by,
                action=AuditAction.UPDATE,
                obj=locked,
                changes={f"line {line.sequence} chosen": [not selected, selected]},
            )
    return locked


# ------------------------------------------------------------------------------------ confirming
def _order_lines(order: SaleOrder) -> list[SaleOrderLine]:
    return list(SaleOrderLine.all_companies.filter(order_id=order.pk).order_by("sequence", "pk"))


def _checked_for_confirm(order: SaleOrder, lines: list[SaleOrderLine]) -> PartySummary:
    """Everything confirming needs to be true (each failure a 422 naming the field); the customer."""
    company = order.company
    party = customer_of(company, order.partner_id)
    counted = [line for line in lines if line.is_counted]
    if not counted:
        raise ValidationFailed(_("An order needs at least one line."), field="lines")
    if order.validity_date is not None and order.validity_date < timezone.localdate():
        raise ValidationFailed(
            _("%(number)s expired on %(date)s: renew its validity date before confirming.")
            % {"number": order.number, "date": order.validity_date.isoformat()},
            field="validity_date",
        )
    if order.pricelist is not None and order.pricelist.currency != order.currency:
        raise ValidationFailed(
            _("The price list %(name)s is in %(list)s but the order is in %(order)s.")
            % {"name": order.pricelist.name, "list": order.pricelist.currency, "order": order.currency},
            field="pricelist_id",
        )
    products = products_get(line.product_id for line in counted)
    for line in counted:
        found = products.get(line.product_id)
        product = found if found is not None and found.company_id == company.pk else None
        _check_line_values(line.sequence, product, line.quantity, line.discount_percent)
    return party


def _credit_exceeded(order: SaleOrder, party: PartySummary, total_company: Decimal) -> tuple[bool, Decimal]:
    """Whether this order takes the customer beyond its credit limit (0: no limit); the open receivable."""
    if not party.credit_limit or party.credit_limit <= 0:
        return False, ZERO
    if not sales_settings_of(order.company).credit_control:
        return False, ZERO
    credit = accounting.partner_credit(order.company_id, order.partner_id, timezone.localdate())
    return credit.receivable_open + total_company > party.credit_limit, credit.receivable_open


def _stock_lines(order: SaleOrder, lines: list[SaleOrderLine]) -> list[inventory.StockLine]:
    return [
        inventory.StockLine(
            product_id=line.product_id,
            quantity=line.quantity,
            uom_id=line.uom_id,
            origin_key=line.origin_key,
            description=line.description,
        )
        for line in lines
        if line.is_counted and line.is_stocked
    ]


def _place(
    order: SaleOrder, lines: list[SaleOrderLine], *, by: Any, rate: Decimal, allow_backorder: bool
) -> None:
    """Make ``order`` a sales order: number it, reserve its stock, invoice what is invoiced on order."""
    order.order_number = sequence_next(
        company=order.company, doc_type=ORDER_DOC_TYPE, on_date=timezone.localdate()
    )
    delivery_id = None
    stock_lines = _stock_lines(order, lines)
    if stock_lines:
        delivery = inventory.stock_reserve(
            company_id=order.company_id,
            lines=stock_lines,
            by=by,
            partner_id=order.partner_id,
            allow_backorder=allow_backorder,
            origin=order.order_number,
            source_key=order.source_key,
        )
        delivery_id = delivery.id
    order.state = OrderState.SALE
    order.rate = rate
    order.allow_backorder = allow_backorder
    order.amount_total_company = round_to(order.amount_total * rate, order.company.currency)
    order.confirmed_at = timezone.now()
    order.save(
        update_fields=[
            "order_number",
            "state",
            "rate",
            "allow_backorder",
            "amount_total_company",
            "confirmed_at",
            "updated_at",
        ]
    )
    on_order = [
        InvoicePick(line=line, quantity=line.quantity)
        for line in lines
        if line.is_counted and (line.invoice_policy == "order" or not line.is_stocked)
    ]
    if on_order and accounting.books_ready(order.company_id):
        invoice_raise(order=order, key=f"{order.source_key}:order", picks=on_order, by=by)
    if order.opportunity_id is not None:
        crm_bridge.opportunity_mark_won(opportunity_id=order.opportunity_id, by=by)
    publish_for_customer(
        SalesOrderConfirmed(
            order_id=order.pk,
            company_id=order.company_id,
            partner_id=order.partner_id,
            number=order.order_number,
            quotation_number=order.number,
            currency=order.currency,
            amount_untaxed=str(order.amount_untaxed),
            amount_total=str(order.amount_total),
            delivery_id=delivery_id,
            opportunity_id=order.opportunity_id,
        ),
        by=by,
        company_id=order.company_id,
        partner_id=order.partner_id,
    )
    order_statuses_refresh(order=order, lines=lines)


def order_confirm(*, order: SaleOrder, by: Any, allow_backorder: bool = False) -> SaleOrder:
    """Confirm a quotation (see the module docstring). Short stock is a 409 ("Only N of X available")
    unless ``allow_backorder``; beyond the credit limit the order waits in ``to_approve``. Confirming an
    order again returns it unchanged."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.state in (OrderState.TO_APPROVE, OrderState.SALE, OrderState.DONE):
            return locked  # a double click or a retried request: already done
        if locked.state == OrderState.CANCELLED:
            raise Conflict(_("%(number)s is cancelled: it cannot be confirmed.") % {"number": locked})
        lines = _order_lines(locked)
        party = _checked_for_confirm(locked, lines)
        rate = company_rate(locked.company, locked.currency, timezone.localdate())
        total_company = round_to(locked.amount_total * rate, locked.company.currency)
        old_state = locked.state
        exceeded, receivable = _credit_exceeded(locked, party, total_company)
        if exceeded:
            locked.state = OrderState.TO_APPROVE
            locked.rate = rate
            locked.allow_backorder = allow_backorder
            locked.amount_total_company = total_company
            locked.save(
                update_fields=["state", "rate", "allow_backorder", "amount_total_company", "updated_at"]
            )
            publish_for_customer(
                SalesOrderApprovalRequested(
                    order_id=locked.pk,
                    company_id=locked.company_id,
                    partner_id=locked.partner_id,
                    number=locked.number,
                    currency=locked.company.currency,
                    amount_total=str(total_company),
                    credit_limit=str(party.credit_limit),
                    receivable_open=str(receivable),
                ),
                by=by,
                company_id=locked.company_id,
                partner_id=locked.partner_id,
            )
        else:
            _place(locked, lines, by=by, rate=rate, allow_backorder=allow_backorder)
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=locked, changes={"state": [old_state, locked.state]}
        )
    return locked


def _may_approve(order: SaleOrder, by: Any) -> None:
    if by is None or not by.has_perm("sales.approve", order):
        raise PermissionDeniedError(_("Only a sales manager may approve orders beyond a credit limit."))


def order_approve(*, order: SaleOrder, by: Any) -> SaleOrder:
    """Approve an order waiting for approval (needs ``sales.approve``): the normal confirmation runs.
    Approving again changes nothing."""
    _may_approve(order, by)
    with transaction.atomic():
        locked = _locked(order)
        if locked.state in (OrderState.SALE, OrderState.DONE) and locked.approved_at is not None:
            return locked
        if locked.state != OrderState.TO_APPROVE:
            raise Conflict(
                _("%(number)s is %(state)s: only an order waiting for approval can be approved.")
                % {"number": locked, "state": locked.get_state_display()}
            )
        lines = _order_lines(locked)
        customer_of(locked.company, locked.partner_id)
        rate = company_rate(locked.company, locked.currency, timezone.localdate())
        locked.approved_by = actor(by)
        locked.approved_at = timezone.now()
        locked.save(update_fields=["approved_by", "approved_at", "updated_at"])
        publish_for_customer(
            SalesOrderApproved(
                order_id=locked.pk,
                company_id=locked.company_id,
                partner_id=locked.partner_id,
                number=locked.number,
            ),
            by=by,
            company_id=locked.company_id,
            partner_id=locked.partner_id,
        )
        _place(locked, lines, by=by, rate=rate, allow_backorder=locked.allow_backorder)
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"state": [OrderState.TO_APPROVE, locked.state]},
        )
    return locked


def order_approval_refuse(*, order: SaleOrder, by: Any, reason: str = "") -> SaleOrder:
    """Refuse an order waiting for approval: it goes back to a quotation (needs ``sales.approve``)."""
    _may_approve(order, by)
    with transaction.atomic():
        locked = _locked(order)
        if locked.state != OrderState.TO_APPROVE:
            raise Conflict(
                _("%(number)s is %(state)s: only an order waiting for approval can be refused.")
                % {"number": locked, "state": locked.get_state_display()}
            )
        locked.state = OrderState.SENT if locked.sent_at else OrderState.DRAFT
        locked.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"state": [OrderState.TO_APPROVE, locked.state], "refused": [None, reason.strip()[:300]]},
        )
    return locked


def quote_accept(*, order: SaleOrder, signed_by: str) -> SaleOrder:
    """The customer accepts a quotation on its public page, signing with a name: it is confirmed (what
    is not in stock is delivered later)."""
    name = " ".join(signed_by.split())
    if not name:
        raise ValidationFailed(_("Type your name to accept the quotation."), field="signed_by")
    if len(name) > 120:
        raise ValidationFailed(_("The name can have at most 120 characters."), field="signed_by")
    with transaction.atomic():
        locked = _locked(order)
        if locked.signed_at is not None and locked.state != OrderState.CANCELLED:
            return locked
        if not locked.is_editable:
            raise Conflict(_("%(number)s can no longer be accepted.") % {"number": locked})
        locked.signed_by = name
        locked.signed_at = timezone.now()
        locked.save(update_fields=["signed_by", "signed_at", "updated_at"])
        publish_for_customer(
            QuotationAccepted(
                order_id=locked.pk,
                company_id=locked.company_id,
                partner_id=locked.partner_id,
                number=locked.number,
                signed_by=name,
            ),
            by=None,
            company_id=locked.company_id,
            partner_id=locked.partner_id,
        )
        audit_record(actor=None, action=AuditAction.UPDATE, obj=locked, changes={"signed_by": [None, name]})
        return order_confirm(order=locked, by=None, allow_backorder=True)


# ------------------------------------------------------------------------------------ cancelling
def order_cancel(*, order: SaleOrder, by: Any, reason: str = "") -> SaleOrder:
    """Cancel a quotation or an order with its open delivery (stock released) and its invoices (a
    posted one by reversal). Refused once goods left or an invoice is (partly) paid, and when it is
    already cancelled or done."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.state == OrderState.CANCELLED:
            raise Conflict(_("%(number)s is already cancelled.") % {"number": locked})
        if locked.state == OrderState.DONE:
            raise Conflict(_("%(number)s is done: it cannot be cancelled.") % {"number": locked})
        old_state = locked.state
        if locked.is_order:
            transfers = order_transfers(locked)
            lines = _order_lines(locked)
            if any(t.state == "done" for t in transfers) or any(
                line.delivered_quantity > 0 for line in lines
            ):
                raise Conflict(
                    _("%(number)s has delivered goods: it cannot be cancelled; make a return instead.")
                    % {"number": locked}
                )
            invoices = [
                info
                for info in accounting.invoices_by_source(locked.company_id, locked.source_key)
                if info.state != "cancelled"
            ]
            if any(
                info.state in ("partial", "paid") or info.amount_residual != info.amount_total
                for info in invoices
                if info.state != "draft"
            ):
                raise Conflict(
                    _("%(number)s has a paid invoice: refund the customer with a credit note instead.")
                    % {"number": locked}
                )
            for transfer in transfers:
                if transfer.state != "cancelled":
                    inventory.transfer_cancel(transfer.id, by=by)
            for info in invoices:
                accounting.invoice_cancel(info.id, by=by, reason=reason or str(locked))
            SaleInvoice.all_companies.filter(order_id=locked.pk).update(is_cancelled=True)
        locked.state = OrderState.CANCELLED
        locked.cancel_reason = reason.strip()[:300]
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["state", "cancel_reason", "cancelled_at", "updated_at"])
        publish_for_customer(
            SalesOrderCancelled(
                order_id=locked.pk,
                company_id=locked.company_id,
                partner_id=locked.partner_id,
                number=str(locked),
                reason=locked.cancel_reason,
            ),
            by=by,
            company_id=locked.company_id,
            partner_id=locked.partner_id,
        )
        if old_state == OrderState.SALE:
            order_statuses_refresh(order=locked)
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"state": [old_state, locked.state], "reason": [None, locked.cancel_reason]},
        )
    return locked
