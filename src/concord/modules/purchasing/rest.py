"""REST endpoints of purchasing, mounted at /api/v1/purchasing/.

Handlers parse, check the permission in the object's company (area ``purchasing``), call one service and
answer; the rules live in ``services``. A row of a company where the caller may not view purchasing
answers 404, exactly as if it did not exist; a wrong state is a 409, bad input a 422 naming the field.
Actions are explicit endpoints: ``/orders/{id}/send``, ``confirm``, ``approve``, ``cancel``, ``bill``.
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
from concord.core.api.permissions import (
    api_caller,
    api_company,
    row_for_perm,
    rows_for_perm,
)
from concord.modules.purchasing.documents.sending import order_send
from concord.modules.purchasing.models import OrderState, PurchaseOrder, PurchaseOrderLine, VendorPrice
from concord.modules.purchasing.queries import order_bills, order_match
from concord.modules.purchasing.services import bills as bill_services
from concord.modules.purchasing.services import orders as order_services
from concord.modules.purchasing.services import pricelists as price_services

router = Router(tags=["purchasing"])

M = TypeVar("M", bound=Model)

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}

VIEW = "purchasing.view"
ADD = "purchasing.add"
CHANGE = "purchasing.change"
APPROVE = "purchasing.approve"
CANCEL = "purchasing.cancel"


# --------------------------------------------------------------------------- schemas
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class VendorPriceIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    vendor_id: int
    product_id: int
    price: Decimal = Field(..., description="Per product unit.")
    currency: str = Field("", description="Defaults to the vendor's, then the company's.")
    min_quantity: Decimal = Decimal(0)
    lead_time_days: int = 0
    vendor_product_code: str = Field("", max_length=60)
    vendor_product_name: str = Field("", max_length=200)
    date_start: dt.date | None = None
    date_end: dt.date | None = None


class VendorPricePatch(InputSchema):
    price: Decimal | None = None
    currency: str | None = None
    min_quantity: Decimal | None = None
    lead_time_days: int | None = None
    vendor_product_code: str | None = Field(None, max_length=60)
    vendor_product_name: str | None = Field(None, max_length=200)
    date_start: dt.date | None = None
    date_end: dt.date | None = None


class VendorPriceOut(Schema):
    id: int
    company_id: int
    vendor_id: int
    product_id: int
    vendor_product_code: str
    vendor_product_name: str
    min_quantity: Decimal
    price: Decimal
    currency: str
    lead_time_days: int
    date_start: dt.date | None
    date_end: dt.date | None


class OrderLineIn(InputSchema):
    product_id: int
    quantity: Decimal
    uom_id: int | None = Field(None, description="Defaults to the product's purchase unit.")
    unit_price: Decimal | None = Field(
        None, description="Defaults to the vendor price list, else the product."
    )
    discount_percent: Decimal = Decimal(0)
    description: str = Field("", max_length=300)
    tax_ids: list[int] | None = Field(None, description="Omitted: the product's default purchase taxes.")
    planned_date: dt.date | None = None


class OrderIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    vendor_id: int
    order_date: dt.date | None = None
    currency: str | None = None
    vendor_ref: str = Field("", max_length=100)
    notes: str = ""
    lines: list[OrderLineIn] = Field(..., max_length=1000)


class OrderPatch(InputSchema):
    vendor_id: int | None = None
    order_date: dt.date | None = None
    currency: str | None = None
    vendor_ref: str | None = Field(None, max_length=100)
    notes: str | None = None
    lines: list[OrderLineIn] | None = Field(None, max_length=1000, description="Replaces every line.")


class SendIn(InputSchema):
    to: list[str] = Field(..., max_length=20)
    subject: str = ""
    message: str = ""


class BillIn(InputSchema):
    quantities: dict[int, Decimal] | None = Field(
        None, description="Order line id -> quantity (line unit); omitted: all received and not billed."
    )
    force: bool = Field(False, description="Bill more than was received.")
    date: dt.date | None = None


class OrderOut(Schema):
    id: int
    company_id: int
    number: str
    vendor_id: int
    state: OrderState
    order_date: dt.date
    currency: str
    vendor_ref: str
    amount_untaxed: Decimal


class OrderLineOut(Schema):
    id: int
    product_id: int
    description: str
    quantity: Decimal
    uom_id: int
    unit_price: Decimal
    discount_percent: Decimal
    tax_ids: list[int] | None
    planned_date: dt.date
    price_subtotal: Decimal
    received_quantity: Decimal
    billed_quantity: Decimal


class OrderDetailOut(OrderOut):
    notes: str
    match_status: str
    lines: list[OrderLineOut]
    bill_ids: list[int]


# --------------------------------------------------------------------------- helpers


def _order(request: HttpRequest, order_id: int, perm: str) -> PurchaseOrder:
    return _visible(
        request, PurchaseOrder.objects.select_related("company"), order_id, perm, _("There is no such order.")
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
            planned_date=line.planned_date,
        )
        for line in lines
    ]


def _detail(order: PurchaseOrder) -> dict[str, Any]:
    order = PurchaseOrder.all_companies.get(pk=order.pk)
    lines = list(PurchaseOrderLine.all_companies.filter(order_id=order.pk).select_related("product", "uom"))
    match = order_match(order, lines)
    return {
        **{name: getattr(order, name) for name in OrderOut.model_fields},
        "notes": order.notes,
        "match_status": match.status,
        "bill_ids": [bill.invoice_id for bill in order_bills(order)],
        "lines": [
            {
                "id": line.pk,
                "product_id": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "uom_id": line.uom_id,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "tax_ids": line.tax_ids,
                "planned_date": line.planned_date,
                "price_subtotal": line.price_subtotal,
                "received_quantity": match.line(line.pk).received,
                "billed_quantity": line.billed_quantity,
            }
            for line in lines
        ],
    }


# --------------------------------------------------------------------------- filters
class VendorPriceFilters(ListFilters):
    company_id: int | None = None
    vendor_id: int | None = None
    product_id: int | None = None

    ordering_fields = {"id": "pk", "price": "price", "min_quantity": "min_quantity"}
    default_ordering = ("product_id", "vendor_id", "min_quantity")


class OrderFilters(ListFilters):
    company_id: int | None = None
    state: OrderState | None = None
    vendor_id: int | None = None
    date_from: Annotated[dt.date | None, FilterLookup("order_date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("order_date__lte")] = None

    ordering_fields = {"id": "pk", "date": "order_date", "number": "number", "amount": "amount_untaxed"}
    default_ordering = ("-order_date",)


# --------------------------------------------------------------------------- vendor prices
@router.get("/vendor-prices", response={200: list[VendorPriceOut], **_READ_ERRORS})
@paginated
def vendor_price_list(request: HttpRequest, filters: Query[VendorPriceFilters]) -> QuerySet[VendorPrice]:
    """Vendor price list entries (filter by vendor or product)."""
    return filters.apply(_visible_rows(request, VendorPrice.objects.all()))


@router.post("/vendor-prices", response={201: VendorPriceOut, **_ERRORS})
def vendor_price_create(request: HttpRequest, payload: VendorPriceIn) -> Status[Any]:
    """Add a vendor's price for a product (needs ``purchasing.change``)."""
    company = _company(request, payload.company_id, CHANGE)
    values = payload.model_dump(exclude={"company_id"})
    entry = price_services.vendor_price_create(company=company, by=_caller(request), **values)
    return Status(201, entry)


@router.get("/vendor-prices/{price_id}", response={200: VendorPriceOut, **_READ_ERRORS})
def vendor_price_get(request: HttpRequest, price_id: int) -> VendorPrice:
    return _visible(request, VendorPrice.objects.all(), price_id, VIEW, _("There is no such price."))


@router.patch("/vendor-prices/{price_id}", response={200: VendorPriceOut, **_ERRORS})
def vendor_price_update(request: HttpRequest, price_id: int, payload: VendorPricePatch) -> VendorPrice:
    """Change the fields given."""
    entry = _visible(request, VendorPrice.objects.all(), price_id, CHANGE, _("There is no such price."))
    return price_services.vendor_price_update(
        entry=entry, by=_caller(request), **payload.model_dump(exclude_unset=True)
    )


@router.delete("/vendor-prices/{price_id}", response={204: None, **_ERRORS})
def vendor_price_delete(request: HttpRequest, price_id: int) -> Status[None]:
    entry = _visible(request, VendorPrice.objects.all(), price_id, CHANGE, _("There is no such price."))
    price_services.vendor_price_delete(entry=entry, by=_caller(request))
    return Status(204, None)


# --------------------------------------------------------------------------- orders
@router.get("/orders", response={200: list[OrderOut], **_READ_ERRORS})
@paginated
def order_list(request: HttpRequest, filters: Query[OrderFilters]) -> QuerySet[PurchaseOrder]:
    """RFQs and purchase orders, newest first; filter by state, vendor and date."""
    return filters.apply(_visible_rows(request, PurchaseOrder.objects.all()))


@router.post("/orders", response={201: OrderDetailOut, **_ERRORS})
def order_create(request: HttpRequest, payload: OrderIn) -> Status[Any]:
    """Draft a request for quotation (needs ``purchasing.add``)."""
    company = _company(request, payload.company_id, ADD)
    order = order_services.order_create(
        company=company,
        vendor_id=payload.vendor_id,
        lines=_line_inputs(payload.lines),
        by=_caller(request),
        order_date=payload.order_date,
        currency=payload.currency,
        vendor_ref=payload.vendor_ref,
        notes=payload.notes,
    )
    return Status(201, _detail(order))


@router.get("/orders/{order_id}", response={200: OrderDetailOut, **_READ_ERRORS})
def order_get(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """One order with its lines, received and billed quantities and its match status."""
    return _detail(_order(request, order_id, VIEW))


@router.patch("/orders/{order_id}", response={200: OrderDetailOut, **_ERRORS})
def order_update(request: HttpRequest, order_id: int, payload: OrderPatch) -> dict[str, Any]:
    """Change an RFQ (only the fields given; ``lines`` replaces them all). A confirmed order is a 409."""
    order = _order(request, order_id, CHANGE)
    order = order_services.order_update(
        order=order,
        by=_caller(request),
        lines=_line_inputs(payload.lines) if payload.lines is not None else None,
        vendor_id=payload.vendor_id,
        order_date=payload.order_date,
        currency=payload.currency,
        vendor_ref=payload.vendor_ref,
        notes=payload.notes,
    )
    return _detail(order)


@router.post("/orders/{order_id}/send", response={200: OrderDetailOut, **_ERRORS})
def order_send_endpoint(request: HttpRequest, order_id: int, payload: SendIn) -> dict[str, Any]:
    """Email the order with its PDF (after commit); an RFQ becomes ``sent``."""
    order = _order(request, order_id, CHANGE)
    order = order_send(
        order=order, to=payload.to, by=_caller(request), subject=payload.subject, message=payload.message
    )
    return _detail(order)


@router.post("/orders/{order_id}/confirm", response={200: OrderDetailOut, **_ERRORS})
def order_confirm(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """Confirm: a purchase order with its receipt, or ``to_approve`` above the approval amount. Idempotent."""
    order = _order(request, order_id, CHANGE)
    return _detail(order_services.order_confirm(order=order, by=_caller(request)))


@router.post("/orders/{order_id}/approve", response={200: OrderDetailOut, **_ERRORS})
def order_approve(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """Approve an order waiting for approval (needs ``purchasing.approve``)."""
    order = _order(request, order_id, APPROVE)
    return _detail(order_services.order_approve(order=order, by=_caller(request)))


@router.post("/orders/{order_id}/cancel", response={200: OrderDetailOut, **_ERRORS})
def order_cancel(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """Cancel an order and its open receipts; refused (409) once goods arrived or it was billed."""
    order = _order(request, order_id, CANCEL)
    return _detail(order_services.order_cancel(order=order, by=_caller(request)))


@router.post("/orders/{order_id}/bill", response={201: OrderDetailOut, **_ERRORS})
def order_bill(request: HttpRequest, order_id: int, payload: BillIn | None = None) -> Status[Any]:
    """Draft the vendor bill of what was received and not billed; more than that needs ``force``."""
    payload = payload or BillIn(quantities=None, force=False)
    order = _order(request, order_id, CHANGE)
    bill_services.order_bill_create(
        order=order,
        by=_caller(request),
        quantities=payload.quantities,
        force=payload.force,
        date=payload.date,
    )
    return Status(201, _detail(order))


# --------------------------------------------------------------------------- access, shared in core.api.permissions
_caller = api_caller
_company = api_company


def _visible_rows(request: HttpRequest, rows: QuerySet[M]) -> QuerySet[M]:
    return rows_for_perm(request, rows, VIEW)


def _visible(request: HttpRequest, rows: QuerySet[M], pk: int, perm: str, missing: str) -> M:
    return row_for_perm(request, rows, pk, perm=perm, view_perm=VIEW, missing=missing)
