"""REST endpoints of inventory, mounted at /api/v1/inventory/: warehouses, locations, quants, stock levels,
transfers and their actions (reserve, validate, cancel), counts, reorder rules, valuation, traceability.

Handlers parse, check the permission in the object's company (area ``inventory``), call one service and
answer; the rules live in ``services``. A row of a company where the caller may not view inventory
answers 404, exactly as if it did not exist; a body naming another company's warehouse, location or
product is a 422 on that field. Short stock and wrong states are 409 (``InsufficientStockError`` and
``TransferStateError`` are conflicts). Quantities are decimal strings.

Which action each write needs: ``settings`` for warehouses, locations and reorder rules; ``add`` to
create transfers; ``change`` to check availability; ``validate``; ``cancel``; ``adjust`` for counts.
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
    require_perm,
    row_for_perm,
    rows_for_perm,
)
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.modules.catalog import facade as catalog
from concord.modules.inventory import queries
from concord.modules.inventory.models import (
    CountState,
    InventoryCount,
    Location,
    LocationUsage,
    Lot,
    Move,
    MoveState,
    Quant,
    ReorderRule,
    Transfer,
    TransferKind,
    TransferState,
    Warehouse,
)
from concord.modules.inventory.services import counts as count_services
from concord.modules.inventory.services import reorder as reorder_services
from concord.modules.inventory.services import setup as setup_services
from concord.modules.inventory.services import transfers as transfer_services
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.levels import stock_levels

router = Router(tags=["inventory"])

M = TypeVar("M", bound=Model)

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}

VIEW = "inventory.view"
ADD = "inventory.add"
CHANGE = "inventory.change"
VALIDATE = "inventory.validate"
CANCEL = "inventory.cancel"
ADJUST = "inventory.adjust"
SETTINGS = "inventory.settings"


# --------------------------------------------------------------------------- helpers


def _in_company(rows: QuerySet[M], pk: int | None, company: Company, *, field: str, missing: str) -> M | None:
    """A row a body refers to, which must belong to ``company`` (a 422 on ``field`` otherwise)."""
    if pk is None:
        return None
    found = rows.filter(pk=pk, company_id=company.pk).first()
    if found is None:
        raise ValidationFailed(missing, field=field)
    return found


def _warehouse(company: Company, warehouse_id: int | None) -> Warehouse | None:
    return _in_company(
        Warehouse.all_companies.all(),
        warehouse_id,
        company,
        field="warehouse_id",
        missing=_("There is no such warehouse."),
    )


def _location(company: Company, location_id: int | None, field: str) -> Location | None:
    return _in_company(
        Location.all_companies.all(),
        location_id,
        company,
        field=field,
        missing=_("There is no such location."),
    )


# --------------------------------------------------------------------------- schemas: input
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class WarehouseIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    code: str = Field(..., max_length=8)
    name: str = Field(..., max_length=120)
    address: str = ""


class LocationIn(InputSchema):
    parent_id: int = Field(..., description="The location it sits in (a warehouse's stock, or a view).")
    name: str = Field(..., max_length=120)
    barcode: str = Field("", max_length=40)


class TransferLineIn(InputSchema):
    product_id: int
    quantity: Decimal
    uom_id: int | None = Field(None, description="Defaults to the product's unit.")
    unit_cost: Decimal | None = Field(None, description="Receipts: per product unit, company currency.")
    lot_name: str = Field("", max_length=80)
    description: str = Field("", max_length=200)


class TransferIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    kind: str = Field(..., description="receipt, delivery or internal.")
    lines: list[TransferLineIn] = Field(..., max_length=2000)
    partner_id: int | None = None
    warehouse_id: int | None = Field(None, description="Defaults to the company's first warehouse.")
    source_location_id: int | None = None
    dest_location_id: int | None = None
    scheduled_date: dt.date | None = None
    allow_backorder: bool = Field(False, description="Confirm even when not everything is in stock.")
    origin: str = Field("", max_length=80)
    source_key: str = Field("", max_length=120, description="Idempotency key: a retry answers the first.")
    note: str = ""


class LotQuantityIn(InputSchema):
    name: str = Field(..., max_length=80)
    quantity: Decimal


class ValidateIn(InputSchema):
    quantities: dict[int, Decimal] | None = Field(
        None, description="Move id -> quantity done; omitted: what is reserved (or ordered, for receipts)."
    )
    lots: dict[int, list[LotQuantityIn]] | None = Field(
        None, description="Move id -> the lots or serial numbers moved, for tracked products."
    )
    backorder: bool = Field(True, description="Keep what is not done as a backorder.")
    allow_extra: bool = Field(False, description="Accept more than the demand.")


class CountIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    location_id: int
    name: str = Field("", max_length=120)
    date: dt.date | None = None
    product_ids: list[int] | None = Field(None, description="Only these products; omitted: all.")


class CountSetIn(InputSchema):
    counted: dict[int, Decimal | None] = Field(..., description="Count line id -> counted (null: not yet).")


class ReorderRuleIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    product_id: int
    warehouse_id: int | None = Field(None, description="Defaults to the company's first warehouse.")
    min_quantity: Decimal
    max_quantity: Decimal
    multiple_quantity: Decimal = Decimal(1)
    vendor_id: int | None = None
    lead_time_days: int = Field(7, ge=0)
    safety_stock: Decimal = Decimal(0)
    demand_days: int = Field(30, ge=1)
    is_active: bool = True


# --------------------------------------------------------------------------- schemas: output
class WarehouseOut(Schema):
    id: int
    company_id: int
    code: str
    name: str
    address: str
    view_location_id: int | None
    stock_location_id: int | None
    is_active: bool


class LocationOut(Schema):
    id: int
    company_id: int
    name: str
    full_name: str
    parent_id: int | None
    warehouse_id: int | None
    usage: LocationUsage
    barcode: str
    is_active: bool


class QuantOut(Schema):
    id: int
    company_id: int
    product_id: int
    location_id: int
    location_name: str
    lot_id: int | None
    lot_name: str | None
    quantity: Decimal
    reserved_quantity: Decimal
    available_quantity: Decimal

    @staticmethod
    def resolve_location_name(obj: Quant) -> str:
        return obj.location.full_name

    @staticmethod
    def resolve_lot_name(obj: Quant) -> str | None:
        return obj.lot.name if obj.lot is not None else None


class StockLevelOut(Schema):
    product_id: int
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal
    outgoing: Decimal


class MoveOut(Schema):
    id: int
    product_id: int
    description: str
    quantity: Decimal = Field(..., description="The demand.")
    quantity_reserved: Decimal
    quantity_done: Decimal
    state: MoveState
    lot_name: str
    value: Decimal


class TransferOut(Schema):
    id: int
    company_id: int
    kind: TransferKind
    number: str
    state: TransferState
    warehouse_id: int
    partner_id: int | None
    source_location_id: int
    dest_location_id: int
    scheduled_date: dt.date
    done_at: dt.datetime | None
    allow_backorder: bool
    backorder_of_id: int | None
    origin: str
    source_key: str
    note: str


class TransferDetailOut(TransferOut):
    moves: list[MoveOut]
    backorder_ids: list[int]

    @staticmethod
    def resolve_moves(obj: Transfer) -> list[Move]:
        return list(Move.all_companies.filter(transfer=obj).order_by("sequence", "pk"))

    @staticmethod
    def resolve_backorder_ids(obj: Transfer) -> list[int]:
        return list(
            Transfer.all_companies.filter(backorder_of=obj).order_by("pk").values_list("pk", flat=True)
        )


class CountLineOut(Schema):
    line_id: int
    product_id: int
    product_name: str
    location: str
    lot: str
    expected: Decimal
    on_hand: Decimal
    counted: Decimal | None
    difference: Decimal | None


class CountOut(Schema):
    id: int
    company_id: int
    name: str
    location_id: int
    date: dt.date
    state: CountState
    transfer_id: int | None
    lines: list[CountLineOut]

    @staticmethod
    def resolve_lines(obj: InventoryCount) -> list[queries.CountLineRow]:
        return queries.count_differences(obj)


class SuggestionOut(Schema):
    days: int
    shipped: Decimal
    daily_demand: Decimal
    suggested_min: Decimal


class ReorderRuleOut(Schema):
    id: int
    company_id: int
    product_id: int
    warehouse_id: int
    min_quantity: Decimal
    max_quantity: Decimal
    multiple_quantity: Decimal
    vendor_id: int | None
    lead_time_days: int
    safety_stock: Decimal
    demand_days: int
    is_active: bool
    last_triggered_at: dt.datetime | None
    suggestion: SuggestionOut

    @staticmethod
    def resolve_suggestion(obj: ReorderRule) -> reorder_services.DemandSuggestion:
        return reorder_services.reorder_suggestion(obj)


class ReorderRunOut(Schema):
    below_minimum: int = Field(..., description="How many rules were below their minimum (events published).")


class ValuationRowOut(Schema):
    product_id: int
    name: str
    internal_ref: str
    method: str
    quantity: Decimal
    value: Decimal
    unit_cost: Decimal


class ValuationOut(Schema):
    currency: str
    rows: list[ValuationRowOut]
    total_value: Decimal
    ledger_balance: Decimal | None = Field(
        ..., description="The inventory account's balance; null without books."
    )
    difference: Decimal | None = Field(..., description="Stock value minus the ledger: always 0.")


class TraceLineOut(Schema):
    done_at: dt.datetime
    quantity: Decimal
    direction: str = Field(..., description="in, out or internal.")
    source: str
    dest: str
    transfer_id: int
    transfer_number: str
    transfer_kind: str
    partner_id: int | None
    partner_name: str


class LotTraceOut(Schema):
    lot_id: int
    lot: str
    product_id: int
    product_name: str
    received: Decimal
    shipped: Decimal
    lines: list[TraceLineOut]


# --------------------------------------------------------------------------- filters
class _CompanyFilters(ListFilters):
    company_id: int | None = Field(None, description="Only this company's rows.")


class WarehouseFilters(_CompanyFilters):
    is_active: bool | None = None

    ordering_fields = {"code": "code", "name": "name", "id": "pk"}
    default_ordering = ("code",)


class LocationFilters(_CompanyFilters):
    warehouse_id: int | None = None
    usage: LocationUsage | None = None
    q: Annotated[str | None, FilterLookup(["full_name__icontains", "barcode__iexact"])] = None

    ordering_fields = {"full_name": "full_name", "id": "pk"}
    default_ordering = ("full_name",)


class QuantFilters(_CompanyFilters):
    product_id: Annotated[int | None, FilterLookup("product_id")] = Field(None, alias="product")
    location_id: Annotated[int | None, FilterLookup("location_id")] = Field(None, alias="location")
    lot_id: Annotated[int | None, FilterLookup("lot_id")] = Field(None, alias="lot")
    lot_name: Annotated[str | None, FilterLookup("lot__name__iexact")] = None

    ordering_fields = {
        "quantity": "quantity",
        "product": "product_id",
        "location": "location__full_name",
        "id": "pk",
    }
    default_ordering = ("product_id",)


class TransferFilters(_CompanyFilters):
    kind: TransferKind | None = None
    state: TransferState | None = None
    partner_id: int | None = None
    warehouse_id: int | None = None
    product_id: Annotated[int | None, FilterLookup("moves__product_id")] = Field(
        None, description="Transfers with a move of this product."
    )
    date_from: Annotated[dt.date | None, FilterLookup("scheduled_date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("scheduled_date__lte")] = None
    q: Annotated[str | None, FilterLookup(["number__icontains", "origin__icontains"])] = None

    ordering_fields = {
        "scheduled_date": "scheduled_date",
        "number": "number",
        "done_at": "done_at",
        "id": "pk",
    }
    default_ordering = ("-scheduled_date",)


class CountFilters(_CompanyFilters):
    state: CountState | None = None
    location_id: int | None = None

    ordering_fields = {"date": "date", "id": "pk"}
    default_ordering = ("-date",)


class ReorderFilters(_CompanyFilters):
    product_id: int | None = None
    warehouse_id: int | None = None
    is_active: bool | None = None

    ordering_fields = {"product": "product_id", "id": "pk"}
    default_ordering = ("product_id",)


class StockQuery(Schema):
    product: list[int] = Field(..., description="Product ids (repeat the parameter for several).")
    warehouse_id: int | None = Field(None, description="Only this warehouse's stock.")
    company_id: int | None = Field(None, description="Defaults to your default company.")


# --------------------------------------------------------------------------- warehouses, locations
@router.get("/warehouses", response={200: list[WarehouseOut], **_READ_ERRORS})
@paginated
def warehouse_list(request: HttpRequest, filters: Query[WarehouseFilters]) -> QuerySet[Warehouse]:
    return filters.apply(_visible_rows(request, Warehouse.objects.all()))


@router.post("/warehouses", response={201: WarehouseOut, **_ERRORS})
def warehouse_create(request: HttpRequest, payload: WarehouseIn) -> Status[Any]:
    """A warehouse with its view location (``CODE``) and stock location (``CODE/Stock``)."""
    company = _company(request, payload.company_id, SETTINGS)
    warehouse = setup_services.warehouse_create(
        company=company, code=payload.code, name=payload.name, address=payload.address, by=_caller(request)
    )
    return Status(201, warehouse)


@router.get("/locations", response={200: list[LocationOut], **_READ_ERRORS})
@paginated
def location_list(request: HttpRequest, filters: Query[LocationFilters]) -> QuerySet[Location]:
    return filters.apply(_visible_rows(request, Location.objects.all()))


@router.post("/locations", response={201: LocationOut, **_ERRORS})
def location_create(request: HttpRequest, payload: LocationIn) -> Status[Any]:
    """A shelf (internal location) inside ``parent_id``."""
    parent = Location.objects.filter(pk=payload.parent_id).first()
    if parent is None or not request.user.has_perm(VIEW, parent):
        raise ValidationFailed(_("There is no such location."), field="parent_id")
    require_perm(request, SETTINGS, parent)
    location = setup_services.location_create(
        company=parent.company, name=payload.name, parent=parent, barcode=payload.barcode, by=_caller(request)
    )
    return Status(201, location)


# --------------------------------------------------------------------------- stock
@router.get("/quants", response={200: list[QuantOut], **_READ_ERRORS})
@paginated
def quant_list(request: HttpRequest, filters: Query[QuantFilters]) -> QuerySet[Quant]:
    """Stock on hand per product, internal location and lot; filter by product, location, lot."""
    rows = Quant.objects.filter(location__usage=LocationUsage.INTERNAL).select_related("location", "lot")
    return filters.apply(_visible_rows(request, rows))


@router.get("/stock", response={200: list[StockLevelOut], **_READ_ERRORS})
def stock_get(request: HttpRequest, filters: Query[StockQuery]) -> list[Any]:
    """On hand, reserved, available, incoming and outgoing of each product asked for."""
    company = _company(request, filters.company_id, VIEW)
    if filters.warehouse_id is not None:
        _warehouse(company, filters.warehouse_id)
    found = catalog.products_get(filters.product)
    for product_id in filters.product:
        info = found.get(product_id)
        if info is None or info.company_id != company.pk:
            raise ValidationFailed(_("There is no product %(id)s.") % {"id": product_id}, field="product")
    levels = stock_levels(company.pk, filters.product, warehouse_id=filters.warehouse_id)
    return [levels[pid] for pid in sorted(levels)]


# --------------------------------------------------------------------------- transfers
def _transfer(request: HttpRequest, transfer_id: int, perm: str) -> Transfer:
    return _visible(request, Transfer.objects.all(), transfer_id, perm, _("There is no such transfer."))


@router.get("/transfers", response={200: list[TransferOut], **_READ_ERRORS})
@paginated
def transfer_list(request: HttpRequest, filters: Query[TransferFilters]) -> QuerySet[Transfer]:
    """Transfers, newest first; filter by kind, state, partner, warehouse, product or dates."""
    return filters.apply(_visible_rows(request, Transfer.objects.all())).distinct()


@router.get("/transfers/{transfer_id}", response={200: TransferDetailOut, **_READ_ERRORS})
def transfer_get(request: HttpRequest, transfer_id: int) -> Transfer:
    return _transfer(request, transfer_id, VIEW)


@router.post("/transfers", response={201: TransferDetailOut, **_ERRORS})
def transfer_create(request: HttpRequest, payload: TransferIn) -> Status[Any]:
    """A receipt, delivery or internal transfer; deliveries and internal ones reserve at once."""
    company = _company(request, payload.company_id, ADD)
    if payload.kind not in (TransferKind.RECEIPT, TransferKind.DELIVERY, TransferKind.INTERNAL):
        raise ValidationFailed(_("Create receipts, deliveries or internal transfers."), field="kind")
    warehouse = _warehouse(company, payload.warehouse_id)
    transfer = transfer_services.transfer_create(
        company=company,
        kind=payload.kind,
        lines=[
            StockLine(
                product_id=line.product_id,
                quantity=line.quantity,
                uom_id=line.uom_id,
                unit_cost=line.unit_cost,
                lot_name=line.lot_name,
                description=line.description,
            )
            for line in payload.lines
        ],
        by=_caller(request),
        partner_id=payload.partner_id,
        warehouse_id=warehouse.pk if warehouse is not None else None,
        allow_backorder=payload.allow_backorder,
        origin=payload.origin,
        source_key=payload.source_key,
        scheduled_date=payload.scheduled_date,
        source_location=_location(company, payload.source_location_id, "source_location_id"),
        dest_location=_location(company, payload.dest_location_id, "dest_location_id"),
        note=payload.note,
    )
    return Status(201, transfer)


@router.post("/transfers/{transfer_id}/reserve", response={200: TransferDetailOut, **_ERRORS})
def transfer_reserve(request: HttpRequest, transfer_id: int) -> Transfer:
    """Check availability: reserve what arrived since for a waiting transfer."""
    transfer = _transfer(request, transfer_id, CHANGE)
    return transfer_services.transfer_reserve(transfer=transfer, by=_caller(request))


@router.post("/transfers/{transfer_id}/validate", response={200: TransferDetailOut, **_ERRORS})
def transfer_validate(request: HttpRequest, transfer_id: int, payload: ValidateIn) -> Transfer:
    """Do the transfer: the quantities done (and lots), a backorder for the rest unless ``backorder`` is false."""
    transfer = _transfer(request, transfer_id, VALIDATE)
    lots = (
        {move_id: [(lot.name, lot.quantity) for lot in items] for move_id, items in payload.lots.items()}
        if payload.lots
        else None
    )
    return transfer_services.transfer_validate(
        transfer=transfer,
        by=_caller(request),
        quantities=payload.quantities,
        lots=lots,
        backorder=payload.backorder,
        allow_extra=payload.allow_extra,
    )


@router.post("/transfers/{transfer_id}/cancel", response={200: TransferDetailOut, **_ERRORS})
def transfer_cancel(request: HttpRequest, transfer_id: int) -> Transfer:
    transfer = _transfer(request, transfer_id, CANCEL)
    return transfer_services.transfer_cancel(transfer=transfer, by=_caller(request))


# --------------------------------------------------------------------------- counts
def _count(request: HttpRequest, count_id: int, perm: str) -> InventoryCount:
    return _visible(request, InventoryCount.objects.all(), count_id, perm, _("There is no such count."))


@router.get("/counts", response={200: list[CountOut], **_READ_ERRORS})
@paginated
def count_list(request: HttpRequest, filters: Query[CountFilters]) -> QuerySet[InventoryCount]:
    return filters.apply(_visible_rows(request, InventoryCount.objects.all()))


@router.get("/counts/{count_id}", response={200: CountOut, **_READ_ERRORS})
def count_get(request: HttpRequest, count_id: int) -> InventoryCount:
    return _count(request, count_id, VIEW)


@router.post("/counts", response={201: CountOut, **_ERRORS})
def count_create(request: HttpRequest, payload: CountIn) -> Status[Any]:
    """A count sheet of an internal location, listing what the stock says is there."""
    company = _company(request, payload.company_id, ADJUST)
    location = _location(company, payload.location_id, "location_id")
    assert location is not None  # noqa: S101 - location_id is given, so _location found or raised
    count = count_services.count_create(
        company=company,
        location=location,
        by=_caller(request),
        name=payload.name,
        product_ids=payload.product_ids,
        date=payload.date,
    )
    return Status(201, count)


@router.post("/counts/{count_id}/set", response={200: CountOut, **_ERRORS})
def count_set(request: HttpRequest, count_id: int, payload: CountSetIn) -> InventoryCount:
    """Record counted quantities (line id -> quantity; null means not counted yet)."""
    count = _count(request, count_id, ADJUST)
    return count_services.count_set(count=count, counted=payload.counted, by=_caller(request))


@router.post("/counts/{count_id}/apply", response={200: CountOut, **_ERRORS})
def count_apply(request: HttpRequest, count_id: int) -> InventoryCount:
    """Post the counted lines' differences as one adjustment."""
    count = _count(request, count_id, ADJUST)
    return count_services.count_apply(count=count, by=_caller(request))


# --------------------------------------------------------------------------- reorder rules
def _rule(request: HttpRequest, rule_id: int, perm: str) -> ReorderRule:
    return _visible(request, ReorderRule.objects.all(), rule_id, perm, _("There is no such reorder rule."))


def _rule_save(
    request: HttpRequest, company: Company, payload: ReorderRuleIn, rule: ReorderRule | None
) -> ReorderRule:
    warehouse = _warehouse(company, payload.warehouse_id) or setup_services.warehouse_default(company)
    return reorder_services.reorder_rule_save(
        company=company,
        product_id=payload.product_id,
        warehouse=warehouse,
        min_quantity=payload.min_quantity,
        max_quantity=payload.max_quantity,
        multiple_quantity=payload.multiple_quantity,
        vendor_id=payload.vendor_id,
        lead_time_days=payload.lead_time_days,
        safety_stock=payload.safety_stock,
        demand_days=payload.demand_days,
        is_active=payload.is_active,
        rule=rule,
        by=_caller(request),
    )


@router.get("/reorder/rules", response={200: list[ReorderRuleOut], **_READ_ERRORS})
@paginated
def reorder_rule_list(request: HttpRequest, filters: Query[ReorderFilters]) -> QuerySet[ReorderRule]:
    return filters.apply(_visible_rows(request, ReorderRule.objects.all()))


@router.get("/reorder/rules/{rule_id}", response={200: ReorderRuleOut, **_READ_ERRORS})
def reorder_rule_get(request: HttpRequest, rule_id: int) -> ReorderRule:
    return _rule(request, rule_id, VIEW)


@router.post("/reorder/rules", response={201: ReorderRuleOut, **_ERRORS})
def reorder_rule_create(request: HttpRequest, payload: ReorderRuleIn) -> Status[Any]:
    company = _company(request, payload.company_id, SETTINGS)
    return Status(201, _rule_save(request, company, payload, None))


@router.put("/reorder/rules/{rule_id}", response={200: ReorderRuleOut, **_ERRORS})
def reorder_rule_update(request: HttpRequest, rule_id: int, payload: ReorderRuleIn) -> ReorderRule:
    """Replace a rule's values (``is_active: false`` retires it)."""
    rule = _rule(request, rule_id, SETTINGS)
    if payload.company_id is not None and payload.company_id != rule.company_id:
        raise ValidationFailed(_("A rule cannot move to another company."), field="company_id")
    return _rule_save(request, rule.company, payload, rule)


@router.post("/reorder/run", response={200: ReorderRunOut, **_ERRORS})
def reorder_run(request: HttpRequest, company_id: int | None = None) -> dict[str, int]:
    """Check every active rule of the company now (purchasing reacts to what falls below its minimum)."""
    company = _company(request, company_id, SETTINGS)
    return {"below_minimum": reorder_services.reorder_run(company=company)}


# --------------------------------------------------------------------------- reports
@router.get("/valuation", response={200: ValuationOut, **_READ_ERRORS})
def valuation_get(request: HttpRequest, company_id: int | None = None) -> queries.ValuationReport:
    """Stock value per product beside the ledger's inventory account."""
    company = _company(request, company_id, VIEW)
    return queries.valuation_report(company.pk, company.currency)


@router.get("/lots/{lot_id}/trace", response={200: LotTraceOut, **_READ_ERRORS})
def lot_trace_get(request: HttpRequest, lot_id: int) -> queries.LotTrace:
    """Where a lot came from and where it went: every move line in and out."""
    lot = _visible(request, Lot.objects.all(), lot_id, VIEW, _("There is no such lot."))
    return queries.lot_trace(lot)


# --------------------------------------------------------------------------- access, shared in core.api.permissions
_caller = api_caller
_company = api_company


def _visible_rows(request: HttpRequest, rows: QuerySet[M]) -> QuerySet[M]:
    return rows_for_perm(request, rows, VIEW)


def _visible(request: HttpRequest, rows: QuerySet[M], pk: int, perm: str, missing: str) -> M:
    return row_for_perm(request, rows, pk, perm=perm, view_perm=VIEW, missing=missing)
