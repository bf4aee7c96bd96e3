"""REST endpoints of sales, mounted at /api/v1/sales/.

Handlers parse, check the permission in the object's company (area ``sales``), call one service and
answer; the rules live in ``services``. A row of a company where the caller may not view sales answers
404, exactly as if it did not exist; a wrong state is a 409, bad input a 422 naming the field. Actions
are explicit endpoints: ``/orders/{id}/send``, ``confirm``, ``approve``, ``cancel``, ``invoice``.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, FilterLookup, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import api_caller, api_company, row_for_perm, rows_for_perm
from concord.modules.sales.documents.sending import order_send
from concord.modules.sales.models import InvoiceStatus, OrderState, Pricelist, PricelistItem, SaleOrder
from concord.modules.sales.queries import order_invoices, order_lines
from concord.modules.sales.services import invoicing as invoice_services
from concord.modules.sales.services import orders as order_services
from concord.modules.sales.services import pricelists as price_services

router = Router(tags=["sales"])

M = TypeVar("M", bound=Model)

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}

VIEW = "sales.view"
ADD = "sales.add"
CHANGE = "sales.change"
CONFIRM = "sales.confirm"
APPROVE = "sales.approve"
CANCEL = "sales.cancel"
_QUOTATION_STATES = (OrderState.DRAFT, OrderState.SENT, OrderState.TO_APPROVE)


# --------------------------------------------------------------------------- schemas
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class PricelistItemIn(InputSchema):
    product_id: int | None = Field(None, description="Omitted with category_id: every product.")
    category_id: int | None = None
    min_quantity: Decimal = Decimal(0)
    fixed_price: Decimal | None = Field(None, description="Per product unit, in the list's currency.")
    discount_percent: Decimal | None = Field(None, description="Off the product's sale price.")
    date_start: dt.date | None = None
    date_end: dt.date | None = None


class PricelistIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    name: str = Field(..., max_length=120)
    currency: str = Field("", description="Defaults to the company's.")
    is_active: bool = True
    items: list[PricelistItemIn] = Field(default_factory=list, max_length=5000)


class PricelistPatch(InputSchema):
    name: str | None = Field(None, max_length=120)
    currency: str | None = None
    is_active: bool | None = None
    items: list[PricelistItemIn] | None = Field(None, max_length=5000, description="Replaces every rule.")


class PricelistItemOut(Schema):
    id: int
    product_id: int | None
    category_id: int | None
    min_quantity: Decimal
    fixed_price: Decimal | None
    discount_percent: Decimal | None
    date_start: dt.date | None
    date_end: dt.date | None


class PricelistOut(Schema):
    id: int
    company_id: int
    name: str
    currency: str
    is_active: bool


class PricelistDetailOut(PricelistOut):
    items: list[PricelistItemOut]


class OrderLineIn(InputSchema):
    product_id: int
    quantity: Decimal
    uom_id: int | None = Field(None, description="Defaults to the product's unit.")
    unit_price: Decimal | None = Field(None, description="Defaults to the price list, else the product.")
    discount_percent: Decimal = Decimal(0)
    description: str = Field("", max_length=300)
    tax_ids: list[int] | None = Field(None, description="Omitted: the product's default sale taxes.")
    is_optional: bool = False
    is_selected: bool = False


class OrderIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    partner_id: int
    quote_date: dt.date | None = None
    validity_date: dt.date | None = None
    currency: str | None = None
    pricelist_id: int | None = None
    opportunity_id: int | None = None
    customer_ref: str = Field("", max_length=100)
    terms: str | None = None
    lines: list[OrderLineIn] = Field(..., max_length=1000)


class OrderPatch(InputSchema):
    partner_id: int | None = None
    quote_date: dt.date | None = None
    validity_date: dt.date | None = None
    currency: str | None = None
    pricelist_id: int | None = None
    opportunity_id: int | None = None
    customer_ref: str | None = Field(None, max_length=100)
    terms: str | None = None
    lines: list[OrderLineIn] | None = Field(None, max_length=1000, description="Replaces every line.")


class ConfirmIn(InputSchema):
    allow_backorder: bool = Field(False, description="Reserve what is in stock; the rest is delivered later.")


class CancelIn(InputSchema):
    reason: str = Field("", max_length=300)


class SendIn(InputSchema):
    to: list[str] = Field(..., max_length=20)
    subject: str = ""
    message: str = ""


class OrderOut(Schema):
    id: int
    company_id: int
    number: str
    order_number: str
    partner_id: int
    state: OrderState
    quote_date: dt.date
    validity_date: dt.date | None
    currency: str
    pricelist_id: int | None
    opportunity_id: int | None
    amount_untaxed: Decimal
    amount_tax: Decimal
    amount_total: Decimal
    invoice_status: InvoiceStatus
    payment_status: str


class OrderLineOut(Schema):
    id: int
    product_id: int
    description: str
    quantity: Decimal
    uom_id: int
    unit_price: Decimal
    discount_percent: Decimal
    tax_ids: list[int]
    is_optional: bool
    is_selected: bool
    invoice_policy: str
    price_subtotal: Decimal
    price_tax: Decimal
    price_total: Decimal
    delivered_quantity: Decimal
    invoiced_quantity: Decimal


class OrderDetailOut(OrderOut):
    customer_ref: str
    terms: str
    signed_by: str
    lines: list[OrderLineOut]
    invoice_ids: list[int]


# --------------------------------------------------------------------------- helpers
def _order(request: HttpRequest, order_id: int, perm: str) -> SaleOrder:
    return _visible(
        request, SaleOrder.objects.select_related("company"), order_id, perm, _("There is no such order.")
    )


def _line_inputs(lines: list[OrderLineIn]) -> list[order_services.OrderLineInput]:
    return [
        order_services.OrderLineInput(
            product_id=line.product_id,
            quantity=line.quantity,
            uom_id=line.uom_id,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            description=line.description,
            tax_ids=tuple(line.tax_ids) if line.tax_ids is not None else None,
            is_optional=line.is_optional,
            is_selected=line.is_selected,
        )
        for line in lines
    ]


def _item_inputs(items: list[PricelistItemIn]) -> list[price_services.PricelistItemInput]:
    return [price_services.PricelistItemInput(**item.model_dump()) for item in items]


_LINE_FIELDS = tuple(OrderLineOut.model_fields)


def _detail(order: SaleOrder) -> dict[str, Any]:
    order = SaleOrder.all_companies.get(pk=order.pk)
    return {
        **{name: getattr(order, name) for name in OrderOut.model_fields},
        "customer_ref": order.customer_ref,
        "terms": order.terms,
        "signed_by": order.signed_by,
        "invoice_ids": [info.id for info in order_invoices(order)],
        "lines": [
            {name: (getattr(line, name) if name != "id" else line.pk) for name in _LINE_FIELDS}
            for line in order_lines(order)
        ],
    }


def _pricelist_detail(pricelist: Pricelist) -> dict[str, Any]:
    return {
        **{name: getattr(pricelist, name) for name in PricelistOut.model_fields},
        "items": list(PricelistItem.all_companies.filter(pricelist_id=pricelist.pk).order_by("pk")),
    }


# --------------------------------------------------------------------------- filters
class PricelistFilters(ListFilters):
    company_id: int | None = None
    is_active: bool | None = None

    ordering_fields = {"id": "pk", "name": "name"}
    default_ordering = ("name",)


class OrderFilters(ListFilters):
    company_id: int | None = None
    state: OrderState | None = None
    partner_id: int | None = None
    invoice_status: InvoiceStatus | None = None
    date_from: Annotated[dt.date | None, FilterLookup("quote_date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("quote_date__lte")] = None

    ordering_fields = {"id": "pk", "date": "quote_date", "number": "number", "amount": "amount_total"}
    default_ordering = ("-quote_date", "-id")


# --------------------------------------------------------------------------- price lists
@router.get("/pricelists", response={200: list[PricelistOut], **_READ_ERRORS})
@paginated
def pricelist_list(request: HttpRequest, filters: Query[PricelistFilters]) -> QuerySet[Pricelist]:
    """Price lists (filter by company, active)."""
    return filters.apply(_visible_rows(request, Pricelist.objects.all()))


@router.post("/pricelists", response={201: PricelistDetailOut, **_ERRORS})
def pricelist_create(request: HttpRequest, payload: PricelistIn) -> Status[Any]:
    """Add a price list with its rules (needs ``sales.change``)."""
    company = _company(request, payload.company_id, CHANGE)
    pricelist = price_services.pricelist_create(
        company=company,
        name=payload.name,
        currency=payload.currency,
        is_active=payload.is_active,
        items=_item_inputs(payload.items),
        by=_caller(request),
    )
    return Status(201, _pricelist_detail(pricelist))


@router.get("/pricelists/{pricelist_id}", response={200: PricelistDetailOut, **_READ_ERRORS})
def pricelist_get(request: HttpRequest, pricelist_id: int) -> dict[str, Any]:
    pricelist = _visible(
        request, Pricelist.objects.all(), pricelist_id, VIEW, _("There is no such price list.")
    )
    return _pricelist_detail(pricelist)


@router.patch("/pricelists/{pricelist_id}", response={200: PricelistDetailOut, **_ERRORS})
def pricelist_update(request: HttpRequest, pricelist_id: int, payload: PricelistPatch) -> dict[str, Any]:
    """Change the fields given; ``items`` replaces every rule."""
    pricelist = _visible(
        request, Pricelist.objects.all(), pricelist_id, CHANGE, _("There is no such price list.")
    )
    pricelist = price_services.pricelist_update(
        pricelist=pricelist,
        by=_caller(request),
        name=payload.name,
        currency=payload.currency,
        is_active=payload.is_active,
        items=_item_inputs(payload.items) if payload.items is not None else None,
    )
    return _pricelist_detail(pricelist)


# --------------------------------------------------------------------------- quotations and orders
@router.get("/quotes", response={200: list[OrderOut], **_READ_ERRORS})
@paginated
def quote_list(request: HttpRequest, filters: Query[OrderFilters]) -> QuerySet[SaleOrder]:
    """Quotations (draft, sent, waiting for approval), newest first; filter by state, customer, date."""
    return filters.apply(_visible_rows(request, SaleOrder.objects.filter(state__in=_QUOTATION_STATES)))


@router.get("/orders", response={200: list[OrderOut], **_READ_ERRORS})
@paginated
def order_list(request: HttpRequest, filters: Query[OrderFilters]) -> QuerySet[SaleOrder]:
    """Quotations and sales orders, newest first; filter by state, customer, invoice status, date."""
    return filters.apply(_visible_rows(request, SaleOrder.objects.all()))


@router.post("/quotes", response={201: OrderDetailOut, **_ERRORS})
def quote_create(request: HttpRequest, payload: OrderIn) -> Status[Any]:
    """Draft a quotation (needs ``sales.add``); prices default to the customer's price list."""
    company = _company(request, payload.company_id, ADD)
    order = order_services.order_create(
        company=company,
        partner_id=payload.partner_id,
        lines=_line_inputs(payload.lines),
        by=_caller(request),
        quote_date=payload.quote_date,
        validity_date=payload.validity_date,
        currency=payload.currency,
        pricelist_id=payload.pricelist_id,
        opportunity_id=payload.opportunity_id,
        customer_ref=payload.customer_ref,
        terms=payload.terms,
    )
    return Status(201, _detail(order))


@router.get("/quotes/{order_id}", response={200: OrderDetailOut, **_READ_ERRORS})
def quote_get(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """One quotation or order with its lines (the same document as ``/orders/{id}``)."""
    return _detail(_order(request, order_id, VIEW))


@router.get("/orders/{order_id}", response={200: OrderDetailOut, **_READ_ERRORS})
def order_get(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """One quotation or order with its lines, delivered and invoiced quantities and its invoices."""
    return _detail(_order(request, order_id, VIEW))


def _update(request: HttpRequest, order_id: int, payload: OrderPatch) -> dict[str, Any]:
    order = _order(request, order_id, CHANGE)
    order = order_services.order_update(
        order=order,
        by=_caller(request),
        lines=_line_inputs(payload.lines) if payload.lines is not None else None,
        partner_id=payload.partner_id,
        quote_date=payload.quote_date,
        validity_date=payload.validity_date,
        currency=payload.currency,
        pricelist_id=payload.pricelist_id,
        opportunity_id=payload.opportunity_id,
        customer_ref=payload.customer_ref,
        terms=payload.terms,
    )
    return _detail(order)


@router.patch("/quotes/{order_id}", response={200: OrderDetailOut, **_ERRORS})
def quote_update(request: HttpRequest, order_id: int, payload: OrderPatch) -> dict[str, Any]:
    """Change a quotation (only the fields given; ``lines`` replaces them all). An order is a 409."""
    return _update(request, order_id, payload)


@router.patch("/orders/{order_id}", response={200: OrderDetailOut, **_ERRORS})
def order_update(request: HttpRequest, order_id: int, payload: OrderPatch) -> dict[str, Any]:
    """Same as ``PATCH /quotes/{id}``."""
    return _update(request, order_id, payload)


@router.post("/orders/{order_id}/send", response={200: OrderDetailOut, **_ERRORS})
def order_send_endpoint(request: HttpRequest, order_id: int, payload: SendIn) -> dict[str, Any]:
    """Email the quotation with its PDF and public link (after commit); a draft becomes ``sent``."""
    order = _order(request, order_id, CHANGE)
    order = order_send(
        order=order,
        to=payload.to,
        by=_caller(request),
        subject=payload.subject,
        message=payload.message,
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    return _detail(order)


@router.post("/orders/{order_id}/confirm", response={200: OrderDetailOut, **_ERRORS})
def order_confirm(request: HttpRequest, order_id: int, payload: ConfirmIn | None = None) -> dict[str, Any]:
    """Confirm: stock reserved (409 "Only N of X available" unless ``allow_backorder``), invoices on
    order raised, or ``to_approve`` beyond the credit limit. Idempotent: a retry answers the same order."""
    order = _order(request, order_id, CONFIRM)
    allow_backorder = payload.allow_backorder if payload is not None else False
    return _detail(
        order_services.order_confirm(order=order, by=_caller(request), allow_backorder=allow_backorder)
    )


@router.post("/orders/{order_id}/approve", response={200: OrderDetailOut, **_ERRORS})
def order_approve(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """Approve an order waiting for approval (needs ``sales.approve``); the confirmation then runs."""
    order = _order(request, order_id, APPROVE)
    return _detail(order_services.order_approve(order=order, by=_caller(request)))


@router.post("/orders/{order_id}/cancel", response={200: OrderDetailOut, **_ERRORS})
def order_cancel(request: HttpRequest, order_id: int, payload: CancelIn | None = None) -> dict[str, Any]:
    """Cancel with the open delivery and the invoices; 409 once delivered, paid or already cancelled."""
    order = _order(request, order_id, CANCEL)
    reason = payload.reason if payload is not None else ""
    return _detail(order_services.order_cancel(order=order, by=_caller(request), reason=reason))


@router.post("/orders/{order_id}/invoice", response={201: OrderDetailOut, **_ERRORS})
def order_invoice(request: HttpRequest, order_id: int) -> Status[Any]:
    """Invoice what is delivered (or invoiced on order) and not invoiced yet; nothing left is a 422."""
    order = _order(request, order_id, CHANGE)
    invoice_services.order_invoice_create(order=order, by=_caller(request))
    return Status(201, _detail(order))


# --------------------------------------------------------------------------- access, shared in core.api.permissions
_caller = api_caller
_company = api_company


def _visible_rows(request: HttpRequest, rows: QuerySet[M]) -> QuerySet[M]:
    return rows_for_perm(request, rows, VIEW)


def _visible(request: HttpRequest, rows: QuerySet[M], pk: int, perm: str, missing: str) -> M:
    return row_for_perm(request, rows, pk, perm=perm, view_perm=VIEW, missing=missing)
