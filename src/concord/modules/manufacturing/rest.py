"""REST endpoints of manufacturing, mounted at /api/v1/manufacturing/.

Handlers parse, check the permission in the object's company (area ``manufacturing``), call one service
and answer. A row of a company where the caller may not view manufacturing answers 404, as if it did not
exist; a body naming another company's product or BOM is a 422 on that field; an action the order's
state refuses (cancel a done order) is a 409. ``add`` creates BOMs and orders, ``change`` edits them,
``produce`` confirms and produces, ``cancel`` cancels.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.db import transaction
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
    has_company_perm,
    permission_denied,
    row_for_perm,
    rows_for_perm,
)
from concord.modules.manufacturing.models import (
    BillOfMaterials,
    BomKind,
    BomLine,
    ManufacturingOrder,
    OrderComponent,
    OrderState,
)
from concord.modules.manufacturing.queries import bom_cost_report, order_availability
from concord.modules.manufacturing.services import boms as bom_services
from concord.modules.manufacturing.services import orders as order_services

router = Router(tags=["manufacturing"])

M = TypeVar("M", bound=Model)

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}

VIEW = "manufacturing.view"
ADD = "manufacturing.add"
CHANGE = "manufacturing.change"
PRODUCE = "manufacturing.produce"
CANCEL = "manufacturing.cancel"


def _plain(number: Decimal) -> Decimal:
    """A quantity without the column's trailing zeros (10.0000 -> 10)."""
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


# --------------------------------------------------------------------------- schemas
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class BomLineIn(InputSchema):
    product_id: int
    quantity: Decimal = Field(..., gt=0, max_digits=18, decimal_places=4)
    uom_id: int | None = Field(None, description="Defaults to the component's unit.")


class BomIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    product_id: int
    quantity: Decimal = Field(Decimal(1), gt=0, max_digits=18, decimal_places=4)
    uom_id: int | None = Field(None, description="Defaults to the product's unit.")
    kind: BomKind = BomKind.NORMAL
    code: str = Field("", max_length=40)
    note: str = ""
    lines: list[BomLineIn] = Field(..., min_length=1, max_length=bom_services.MAX_LINES)


class BomPatch(InputSchema):
    quantity: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=4)
    uom_id: int | None = None
    kind: BomKind | None = None
    code: str | None = Field(None, max_length=40)
    note: str | None = None
    is_active: bool | None = None
    lines: list[BomLineIn] | None = Field(None, min_length=1, max_length=bom_services.MAX_LINES)


class BomLineOut(Schema):
    id: int
    product_id: int
    product_name: str
    quantity: Decimal
    uom_id: int

    @staticmethod
    def resolve_product_name(obj: BomLine) -> str:
        return obj.product.name

    @staticmethod
    def resolve_quantity(obj: BomLine) -> Decimal:
        return _plain(obj.quantity)


class BomOut(Schema):
    id: int
    company_id: int
    product_id: int
    product_name: str
    code: str
    kind: str
    quantity: Decimal
    uom_id: int
    is_active: bool
    note: str
    lines: list[BomLineOut]

    @staticmethod
    def resolve_product_name(obj: BillOfMaterials) -> str:
        return obj.product.name

    @staticmethod
    def resolve_quantity(obj: BillOfMaterials) -> Decimal:
        return _plain(obj.quantity)

    @staticmethod
    def resolve_lines(obj: BillOfMaterials) -> list[BomLine]:
        return list(obj.lines.all())


class CostRowOut(Schema):
    depth: int
    kind: str = Field(..., description="product, component, kit or subassembly.")
    product_id: int
    product_name: str
    quantity: Decimal
    uom_code: str
    unit_cost: Decimal = Field(..., description="Current unit cost in stock, company currency.")
    cost: Decimal = Field(..., description="Rolled-up cost of this row's quantity.")


class BomCostOut(Schema):
    bom_id: int
    quantity: Decimal
    currency: str
    cost: Decimal
    unit_cost: Decimal
    rows: list[CostRowOut]


class BomFilters(ListFilters):
    company_id: int | None = Field(None, description="Only this company's rows.")
    product_id: int | None = None
    kind: BomKind | None = None
    is_active: bool | None = None
    q: Annotated[str | None, FilterLookup(["code__icontains", "product__name__icontains"])] = None

    ordering_fields = {"product": "product__name", "code": "code", "created_at": "created_at", "id": "pk"}
    default_ordering = ("product__name",)


class OrderIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    product_id: int
    quantity: Decimal = Field(
        ..., gt=0, max_digits=18, decimal_places=4, description="In the product's unit."
    )
    bom_id: int | None = Field(None, description="Defaults to the product's active BOM.")
    planned_date: dt.date | None = Field(None, description="Defaults to today.")
    origin: str = Field("", max_length=80)
    note: str = ""
    confirm: bool = Field(False, description="Confirm at once (reserve the components); needs produce.")


class OrderPatch(InputSchema):
    quantity: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=4)
    bom_id: int | None = None
    planned_date: dt.date | None = None
    note: str | None = None


class ProduceIn(InputSchema):
    quantity: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=4, description="Default: all.")
    backorder: bool = Field(
        True, description="Less than all: keep the rest as a new order (else release it)."
    )


class ComponentOut(Schema):
    id: int
    product_id: int
    product_name: str
    quantity: Decimal
    quantity_consumed: Decimal
    sub_bom_id: int | None

    @staticmethod
    def resolve_product_name(obj: OrderComponent) -> str:
        return obj.product.name

    @staticmethod
    def resolve_quantity(obj: OrderComponent) -> Decimal:
        return _plain(obj.quantity)

    @staticmethod
    def resolve_quantity_consumed(obj: OrderComponent) -> Decimal:
        return _plain(obj.quantity_consumed)


class OrderOut(Schema):
    id: int
    company_id: int
    number: str
    state: OrderState
    product_id: int
    product_name: str
    bom_id: int
    quantity: Decimal
    quantity_produced: Decimal
    planned_date: dt.date
    value: Decimal
    consume_transfer_id: int | None
    produce_transfer_id: int | None
    backorder_of_id: int | None
    origin: str

    @staticmethod
    def resolve_product_name(obj: ManufacturingOrder) -> str:
        return obj.product.name

    @staticmethod
    def resolve_quantity(obj: ManufacturingOrder) -> Decimal:
        return _plain(obj.quantity)

    @staticmethod
    def resolve_quantity_produced(obj: ManufacturingOrder) -> Decimal:
        return _plain(obj.quantity_produced)


class AvailabilityOut(Schema):
    component_id: int
    product_id: int
    quantity: Decimal
    reserved: Decimal
    consumed: Decimal
    available: Decimal
    shortage: Decimal


class OrderDetailOut(OrderOut):
    components: list[ComponentOut]
    availability: str = Field(..., description="ready or waiting while confirmed; empty otherwise.")
    component_availability: list[AvailabilityOut]
    backorder_ids: list[int]

    @staticmethod
    def resolve_components(obj: ManufacturingOrder) -> list[OrderComponent]:
        return list(obj.components.all())

    @staticmethod
    def resolve_component_availability(obj: ManufacturingOrder) -> list[dict[str, Any]]:
        return [
            {
                "component_id": row.component_id,
                "product_id": row.product_id,
                "quantity": _plain(row.quantity),
                "reserved": _plain(row.reserved),
                "consumed": _plain(row.consumed),
                "available": _plain(row.available),
                "shortage": _plain(row.shortage),
            }
            for row in getattr(obj, "component_availability", [])
        ]

    @staticmethod
    def resolve_backorder_ids(obj: ManufacturingOrder) -> list[int]:
        return sorted(rest.pk for rest in obj.backorders.all())


class OrderFilters(ListFilters):
    company_id: int | None = Field(None, description="Only this company's rows.")
    state: OrderState | None = None
    product_id: int | None = None
    date_from: Annotated[dt.date | None, FilterLookup("planned_date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("planned_date__lte")] = None
    q: Annotated[str | None, FilterLookup(["number__icontains", "origin__icontains"])] = None

    ordering_fields = {
        "planned_date": "planned_date",
        "number": "number",
        "created_at": "created_at",
        "id": "pk",
    }
    default_ordering = ("-planned_date",)


# --------------------------------------------------------------------------- helpers


def _boms() -> QuerySet[BillOfMaterials]:
    return BillOfMaterials.objects.select_related("product").prefetch_related("lines__product")


def _bom(bom_id: int) -> BillOfMaterials:
    return (
        BillOfMaterials.all_companies.select_related("product")
        .prefetch_related("lines__product")
        .get(pk=bom_id)
    )


def _lines(lines: list[BomLineIn]) -> list[bom_services.BomLineInput]:
    return [
        bom_services.BomLineInput(product_id=row.product_id, quantity=row.quantity, uom_id=row.uom_id)
        for row in lines
    ]


def _orders() -> QuerySet[ManufacturingOrder]:
    return ManufacturingOrder.objects.select_related("product")


def _order_detail(order_id: int) -> ManufacturingOrder:
    """The order with what its detail answer shows: components, their availability, backorders."""
    order = (
        ManufacturingOrder.all_companies.select_related("product", "company")
        .prefetch_related("components__product", "backorders")
        .get(pk=order_id)
    )
    availability, rows = order_availability(order)
    order.availability = availability  # type: ignore[attr-defined]  # read by OrderDetailOut's resolvers
    order.component_availability = rows  # type: ignore[attr-defined]  # read by OrderDetailOut's resolvers
    return order


# --------------------------------------------------------------------------- bills of materials
@router.get("/boms", response={200: list[BomOut], **_READ_ERRORS})
@paginated
def bom_list(request: HttpRequest, filters: Query[BomFilters]) -> QuerySet[BillOfMaterials]:
    """Bills of materials, by product name."""
    return filters.apply(_visible_rows(request, _boms()))


@router.get("/boms/{bom_id}", response={200: BomOut, **_READ_ERRORS})
def bom_get(request: HttpRequest, bom_id: int) -> BillOfMaterials:
    bom = _visible(
        request, BillOfMaterials.objects.all(), bom_id, VIEW, _("There is no such bill of materials.")
    )
    return _bom(bom.pk)


@router.post("/boms", response={201: BomOut, **_ERRORS})
def bom_create(request: HttpRequest, payload: BomIn) -> Status[Any]:
    """Add the active BOM of a product; a cycle, a zero quantity or a unit of another kind is a 422."""
    company = _company(request, payload.company_id, ADD)
    bom = bom_services.bom_create(
        company=company,
        product_id=payload.product_id,
        lines=_lines(payload.lines),
        by=_caller(request),
        quantity=payload.quantity,
        uom_id=payload.uom_id,
        kind=payload.kind,
        code=payload.code,
        note=payload.note,
    )
    return Status(201, _bom(bom.pk))


@router.patch("/boms/{bom_id}", response={200: BomOut, **_ERRORS})
def bom_update(request: HttpRequest, bom_id: int, payload: BomPatch) -> BillOfMaterials:
    """Change a BOM (only the fields given; ``lines`` replaces them all); ``is_active`` archives it."""
    bom = _visible(
        request, BillOfMaterials.objects.all(), bom_id, CHANGE, _("There is no such bill of materials.")
    )
    user = _caller(request)
    with transaction.atomic():
        bom_services.bom_update(
            bom=bom,
            by=user,
            lines=_lines(payload.lines) if payload.lines is not None else None,
            quantity=payload.quantity,
            uom_id=payload.uom_id,
            kind=payload.kind,
            code=payload.code,
            note=payload.note,
        )
        if payload.is_active is not None:
            bom_services.bom_archive(bom=bom, by=user, active=payload.is_active)
    return _bom(bom.pk)


@router.delete("/boms/{bom_id}", response={204: None, **_ERRORS})
def bom_delete(request: HttpRequest, bom_id: int) -> Status[None]:
    """Delete a BOM no order uses (a 409 otherwise: archive it instead)."""
    bom = _visible(
        request, BillOfMaterials.objects.all(), bom_id, CHANGE, _("There is no such bill of materials.")
    )
    bom_services.bom_delete(bom=bom, by=_caller(request))
    return Status(204, None)


@router.get("/boms/{bom_id}/cost", response={200: BomCostOut, **_READ_ERRORS})
def bom_cost(
    request: HttpRequest, bom_id: int, quantity: Annotated[Decimal | None, Query(gt=0)] = None
) -> dict[str, Any]:
    """The multi-level structure with each component's current unit cost and the rolled-up cost."""
    bom = _visible(
        request,
        BillOfMaterials.objects.select_related("company"),
        bom_id,
        VIEW,
        _("There is no such bill of materials."),
    )
    report = bom_cost_report(bom, quantity)
    return {
        "bom_id": bom.pk,
        "quantity": _plain(report.quantity),
        "currency": bom.company.currency,
        "cost": report.cost,
        "unit_cost": report.rolled_unit_cost,
        "rows": [
            {
                "depth": row.depth,
                "kind": row.kind,
                "product_id": row.product_id,
                "product_name": row.product_name,
                "quantity": _plain(row.quantity),
                "uom_code": row.uom_code,
                "unit_cost": row.unit_cost,
                "cost": row.cost,
            }
            for row in report.flattened()
        ],
    }


# --------------------------------------------------------------------------- orders
@router.get("/orders", response={200: list[OrderOut], **_READ_ERRORS})
@paginated
def order_list(request: HttpRequest, filters: Query[OrderFilters]) -> QuerySet[ManufacturingOrder]:
    """Manufacturing orders, latest planned first; filter by state, product and planned date."""
    return filters.apply(_visible_rows(request, _orders()))


@router.get("/orders/{order_id}", response={200: OrderDetailOut, **_READ_ERRORS})
def order_get(request: HttpRequest, order_id: int) -> ManufacturingOrder:
    """One order with its components and their availability."""
    order = _visible(request, ManufacturingOrder.objects.all(), order_id, VIEW, _("There is no such order."))
    return _order_detail(order.pk)


@router.post("/orders", response={201: OrderDetailOut, **_ERRORS})
def order_create(request: HttpRequest, payload: OrderIn) -> Status[Any]:
    """Draft an order from the product's BOM (``confirm: true`` reserves its components too)."""
    company = _company(request, payload.company_id, ADD)
    user = _caller(request)
    if payload.confirm and not has_company_perm(user, PRODUCE, company):
        raise permission_denied(PRODUCE)
    with transaction.atomic():  # with ``confirm``, a refused confirmation must not leave the draft behind
        order = order_services.order_create(
            company=company,
            product_id=payload.product_id,
            quantity=payload.quantity,
            by=user,
            bom_id=payload.bom_id,
            planned_date=payload.planned_date,
            origin=payload.origin,
            note=payload.note,
        )
        if payload.confirm:
            order_services.order_confirm(order=order, by=user)
    return Status(201, _order_detail(order.pk))


@router.patch("/orders/{order_id}", response={200: OrderDetailOut, **_ERRORS})
def order_update(request: HttpRequest, order_id: int, payload: OrderPatch) -> ManufacturingOrder:
    """Change a draft order; a confirmed one is a 409."""
    order = _visible(
        request, ManufacturingOrder.objects.all(), order_id, CHANGE, _("There is no such order.")
    )
    order_services.order_update(
        order=order,
        by=_caller(request),
        quantity=payload.quantity,
        bom_id=payload.bom_id,
        planned_date=payload.planned_date,
        note=payload.note,
    )
    return _order_detail(order.pk)


@router.post("/orders/{order_id}/confirm", response={200: OrderDetailOut, **_ERRORS})
def order_confirm(request: HttpRequest, order_id: int) -> ManufacturingOrder:
    """Reserve the components; a confirmed order answers as it is (retries reserve nothing twice)."""
    order = _visible(
        request, ManufacturingOrder.objects.all(), order_id, PRODUCE, _("There is no such order.")
    )
    order_services.order_confirm(order=order, by=_caller(request))
    return _order_detail(order.pk)


@router.post("/orders/{order_id}/produce", response={200: OrderDetailOut, **_ERRORS})
def order_produce(
    request: HttpRequest, order_id: int, payload: ProduceIn | None = None
) -> ManufacturingOrder:
    """Consume the components and receive the goods at their cost; a done order answers as it is."""
    payload = payload or ProduceIn(quantity=None, backorder=True)
    order = _visible(
        request, ManufacturingOrder.objects.all(), order_id, PRODUCE, _("There is no such order.")
    )
    order_services.order_produce(
        order=order, by=_caller(request), quantity=payload.quantity, backorder=payload.backorder
    )
    return _order_detail(order.pk)


@router.post("/orders/{order_id}/cancel", response={200: OrderDetailOut, **_ERRORS})
def order_cancel(request: HttpRequest, order_id: int) -> ManufacturingOrder:
    """Cancel and release the reservations; a done order is a 409."""
    order = _visible(
        request, ManufacturingOrder.objects.all(), order_id, CANCEL, _("There is no such order.")
    )
    order_services.order_cancel(order=order, by=_caller(request))
    return _order_detail(order.pk)


__all__ = ["router"]

# --------------------------------------------------------------------------- access, shared in core.api.permissions
_caller = api_caller
_company = api_company


def _visible_rows(request: HttpRequest, rows: QuerySet[M]) -> QuerySet[M]:
    return rows_for_perm(request, rows, VIEW)


def _visible(request: HttpRequest, rows: QuerySet[M], pk: int, perm: str, missing: str) -> M:
    return row_for_perm(request, rows, pk, perm=perm, view_perm=VIEW, missing=missing)
