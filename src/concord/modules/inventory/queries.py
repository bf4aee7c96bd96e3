"""Inventory's read side: the stock dashboard, a product's stock, the valuation report, lot traceability.

Every selector returns frozen dataclasses and costs a constant number of queries, whatever the number of
products, locations or lines: the sums are grouped aggregates in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum

from concord.modules.accounting import facade as accounting
from concord.modules.catalog import facade as catalog
from concord.modules.inventory.models import (
    CostingMethod,
    InventoryCount,
    InventoryCountLine,
    LocationUsage,
    Lot,
    Move,
    MoveLine,
    MoveState,
    ProductCost,
    Quant,
    Transfer,
    TransferKind,
)

__all__ = [
    "ChartBar",
    "CountLineRow",
    "DashboardData",
    "LocationStock",
    "LotTrace",
    "PartyTransferRow",
    "ProductStock",
    "StockRow",
    "TraceLine",
    "ValuationReport",
    "ValuationRow",
    "count_differences",
    "lot_trace",
    "party_transfers",
    "product_stock",
    "stock_dashboard",
    "valuation_report",
]

ZERO = Decimal(0)
_CLOSED = (MoveState.DONE, MoveState.CANCELLED)
_INTERNAL = LocationUsage.INTERNAL
CHART_BARS = 10


@dataclass(frozen=True)
class StockRow:
    """One product's stock across the company's internal locations, and its open flows."""

    product_id: int
    name: str
    internal_ref: str
    uom_code: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal
    outgoing: Decimal
    value: Decimal

    @property
    def forecast(self) -> Decimal:
        return self.on_hand + self.incoming - self.outgoing


@dataclass(frozen=True)
class ChartBar:
    """A bar of the dashboard chart: a label, the value, and its length in percent of the longest."""

    label: str
    value: Decimal
    reserved_value: Decimal
    percent: Decimal
    reserved_percent: Decimal


@dataclass(frozen=True)
class DashboardData:
    rows: tuple[StockRow, ...]
    total_value: Decimal
    currency: str
    bars: tuple[ChartBar, ...]  # the top products by on-hand value


def _flows(company_id: int, product_ids: Sequence[int] | None = None) -> dict[int, tuple[Decimal, Decimal]]:
    """Open incoming and outgoing quantities per product (into or out of internal stock), one query."""
    moves = Move.all_companies.filter(company_id=company_id).exclude(state__in=_CLOSED)
    if product_ids is not None:
        moves = moves.filter(product_id__in=product_ids)
    into = Q(dest_location__usage=_INTERNAL) & ~Q(source_location__usage=_INTERNAL)
    out = Q(source_location__usage=_INTERNAL) & ~Q(dest_location__usage=_INTERNAL)
    rows = (
        moves.filter(into | out)
        .values("product_id")
        .annotate(
            incoming=Sum(F("quantity") - F("quantity_done"), filter=into),
            outgoing=Sum(F("quantity") - F("quantity_done"), filter=out),
        )
    )
    return {row["product_id"]: (row["incoming"] or ZERO, row["outgoing"] or ZERO) for row in rows}


def stock_dashboard(company_id: int, currency: str) -> DashboardData:
    """On hand, reserved, available, incoming and outgoing of every product with stock or flows (5 queries)."""
    held = {
        row["product_id"]: (row["on_hand"] or ZERO, row["reserved"] or ZERO)
        for row in Quant.all_companies.filter(company_id=company_id, location__usage=_INTERNAL)
        .values("product_id")
        .annotate(on_hand=Sum("quantity"), reserved=Sum("reserved_quantity"))
    }
    flows = _flows(company_id)
    values = dict(ProductCost.all_companies.filter(company_id=company_id).values_list("product_id", "value"))
    product_ids = sorted(set(held) | set(flows))
    products = catalog.products_get(product_ids)
    rows = []
    for pid in product_ids:
        info = products.get(pid)
        on_hand, reserved = held.get(pid, (ZERO, ZERO))
        incoming, outgoing = flows.get(pid, (ZERO, ZERO))
        if not any((on_hand, reserved, incoming, outgoing)):
            continue
        rows.append(
            StockRow(
                product_id=pid,
                name=info.name if info else str(pid),
                internal_ref=info.internal_ref if info else "",
                uom_code=info.uom_code if info else "",
                on_hand=on_hand,
                reserved=reserved,
                available=on_hand - reserved,
                incoming=incoming,
                outgoing=outgoing,
                value=values.get(pid, ZERO),
            )
        )
    rows.sort(key=lambda r: (r.name.lower(), r.product_id))
    top = sorted((r for r in rows if r.value > 0), key=lambda r: (-r.value, r.product_id))[:CHART_BARS]
    longest = max((r.value for r in top), default=ZERO)
    bars = []
    for row in top:
        reserved_value = (row.value * row.reserved / row.on_hand) if row.on_hand else ZERO
        bars.append(
            ChartBar(
                label=row.name,
                value=row.value,
                reserved_value=reserved_value.quantize(Decimal("0.01")),
                percent=(row.value * 100 / longest).quantize(Decimal("0.1")),
                reserved_percent=(reserved_value * 100 / longest).quantize(Decimal("0.1")),
            )
        )
    return DashboardData(
        rows=tuple(rows),
        total_value=sum((r.value for r in rows), ZERO),
        currency=currency,
        bars=tuple(bars),
    )


# ------------------------------------------------------------------------------------------ one product
@dataclass(frozen=True)
class LocationStock:
    location_id: int
    location: str
    lot_id: int | None
    lot: str
    quantity: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.quantity - self.reserved


@dataclass(frozen=True)
class ProductStock:
    product_id: int
    places: tuple[LocationStock, ...]
    on_hand: Decimal
    reserved: Decimal
    incoming: Decimal
    outgoing: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


def product_stock(company_id: int, product_id: int) -> ProductStock:
    """A product's stock per internal location and lot, with its open incoming and outgoing (2 queries)."""
    places = tuple(
        LocationStock(
            location_id=row["location_id"],
            location=row["location__full_name"],
            lot_id=row["lot_id"],
            lot=row["lot__name"] or "",
            quantity=row["quantity"],
            reserved=row["reserved_quantity"],
        )
        for row in Quant.all_companies.filter(
            company_id=company_id, product_id=product_id, location__usage=_INTERNAL
        )
        .exclude(quantity=0)
        .order_by("location__full_name", "lot__name", "pk")
        .values("location_id", "location__full_name", "lot_id", "lot__name", "quantity", "reserved_quantity")
    )
    incoming, outgoing = _flows(company_id, [product_id]).get(product_id, (ZERO, ZERO))
    return ProductStock(
        product_id=product_id,
        places=places,
        on_hand=sum((p.quantity for p in places), ZERO),
        reserved=sum((p.reserved for p in places), ZERO),
        incoming=incoming,
        outgoing=outgoing,
    )


# ------------------------------------------------------------------------------------------ valuation
@dataclass(frozen=True)
class ValuationRow:
    product_id: int
    name: str
    internal_ref: str
    method: str
    quantity: Decimal
    value: Decimal
    unit_cost: Decimal

    @property
    def method_label(self) -> str:
        """The costing method in the reader's language ("Weighted average")."""
        return str(CostingMethod(self.method).label) if self.method in CostingMethod.values else self.method


@dataclass(frozen=True)
class ValuationReport:
    """The stock's value per product beside the ledger's inventory account: the difference must be 0."""

    rows: tuple[ValuationRow, ...]
    total_value: Decimal
    ledger_balance: Decimal | None  # None when the company keeps no books
    currency: str

    @property
    def difference(self) -> Decimal | None:
        return None if self.ledger_balance is None else self.total_value - self.ledger_balance


def valuation_report(company_id: int, currency: str) -> ValuationReport:
    """Quantity, value and unit cost of each valued product, and the inventory account's balance."""
    costs = list(
        ProductCost.all_companies.filter(company_id=company_id)
        .exclude(quantity=0, value=0)
        .values("product_id", "method", "quantity", "value")
    )
    products = catalog.products_get(row["product_id"] for row in costs)
    rows = []
    for row in costs:
        info = products.get(row["product_id"])
        quantity: Decimal = row["quantity"]
        value: Decimal = row["value"]
        rows.append(
            ValuationRow(
                product_id=row["product_id"],
                name=info.name if info else str(row["product_id"]),
                internal_ref=info.internal_ref if info else "",
                method=row["method"],
                quantity=quantity,
                value=value,
                unit_cost=(value / quantity).quantize(Decimal("0.0001")) if quantity else ZERO,
            )
        )
    rows.sort(key=lambda r: (r.name.lower(), r.product_id))
    ledger: Decimal | None = None
    if accounting.books_ready(company_id):
        ledger = accounting.account_balance(
            company_id=company_id, account_id=accounting.default_account_id(company_id, "inventory")
        )
    return ValuationReport(
        rows=tuple(rows),
        total_value=sum((r.value for r in rows), ZERO),
        ledger_balance=ledger,
        currency=currency,
    )


# ------------------------------------------------------------------------------------------ traceability
@dataclass(frozen=True)
class TraceLine:
    """One movement of a lot: when, how much, from where to where, in which transfer, with whom."""

    done_at: dt.datetime
    quantity: Decimal
    source: str
    source_usage: str
    dest: str
    dest_usage: str
    transfer_id: int
    transfer_number: str
    transfer_kind: str
    partner_id: int | None
    partner_name: str

    @property
    def direction(self) -> str:
        """ "in" (into internal stock from outside), "out" (out of it), or "internal"."""
        if self.dest_usage == _INTERNAL and self.source_usage != _INTERNAL:
            return "in"
        if self.source_usage == _INTERNAL and self.dest_usage != _INTERNAL:
            return "out"
        return "internal"


@dataclass(frozen=True)
class LotTrace:
    lot_id: int
    lot: str
    product_id: int
    product_name: str
    lines: tuple[TraceLine, ...]
    received: Decimal
    shipped: Decimal

    @property
    def origins(self) -> tuple[TraceLine, ...]:
        return tuple(line for line in self.lines if line.direction == "in")

    @property
    def destinations(self) -> tuple[TraceLine, ...]:
        return tuple(line for line in self.lines if line.direction == "out")


def lot_trace(lot: Lot) -> LotTrace:
    """Every move line of ``lot`` in date order: where it came from and where it went (2 queries)."""
    rows = (
        MoveLine.all_companies.filter(company_id=lot.company_id, lot_id=lot.pk)
        .order_by("done_at", "pk")
        .values(
            "done_at",
            "quantity",
            "source_location__full_name",
            "source_location__usage",
            "dest_location__full_name",
            "dest_location__usage",
            "move__transfer_id",
            "move__transfer__number",
            "move__transfer__kind",
            "move__transfer__partner_id",
            "move__transfer__partner__name",
        )
    )
    lines = tuple(
        TraceLine(
            done_at=row["done_at"],
            quantity=row["quantity"],
            source=row["source_location__full_name"],
            source_usage=row["source_location__usage"],
            dest=row["dest_location__full_name"],
            dest_usage=row["dest_location__usage"],
            transfer_id=row["move__transfer_id"],
            transfer_number=row["move__transfer__number"],
            transfer_kind=row["move__transfer__kind"],
            partner_id=row["move__transfer__partner_id"],
            partner_name=row["move__transfer__partner__name"] or "",
        )
        for row in rows
    )
    products = catalog.products_get([lot.product_id])
    info = products.get(lot.product_id)
    return LotTrace(
        lot_id=lot.pk,
        lot=lot.name,
        product_id=lot.product_id,
        product_name=info.name if info else str(lot.product_id),
        lines=lines,
        received=sum((line.quantity for line in lines if line.direction == "in"), ZERO),
        shipped=sum((line.quantity for line in lines if line.direction == "out"), ZERO),
    )


# ------------------------------------------------------------------------------------------ counts
@dataclass(frozen=True)
class CountLineRow:
    """A count sheet line with what applying it would change (against the stock now)."""

    line_id: int
    product_id: int
    product_name: str
    location: str
    lot: str
    expected: Decimal
    on_hand: Decimal
    counted: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        return None if self.counted is None else self.counted - self.on_hand


def count_differences(count: InventoryCount) -> list[CountLineRow]:
    """The sheet's lines with the current stock and the difference applying would post (3 queries)."""
    lines = list(
        InventoryCountLine.all_companies.filter(count=count)
        .order_by("location__full_name", "pk")
        .values(
            "pk", "product_id", "location_id", "location__full_name", "lot_id", "lot__name",
            "expected_quantity", "counted_quantity",
        )
    )  # fmt: skip
    current = {
        (q["product_id"], q["location_id"], q["lot_id"]): q["quantity"]
        for q in Quant.all_companies.filter(
            company_id=count.company_id,
            product_id__in={line["product_id"] for line in lines},
            location_id__in={line["location_id"] for line in lines},
        ).values("product_id", "location_id", "lot_id", "quantity")
    }
    products = catalog.products_get({line["product_id"] for line in lines})
    return [
        CountLineRow(
            line_id=line["pk"],
            product_id=line["product_id"],
            product_name=products[line["product_id"]].name
            if line["product_id"] in products
            else str(line["product_id"]),
            location=line["location__full_name"],
            lot=line["lot__name"] or "",
            expected=line["expected_quantity"],
            on_hand=current.get((line["product_id"], line["location_id"], line["lot_id"]), ZERO),
            counted=line["counted_quantity"],
        )
        for line in lines
    ]


# ------------------------------------------------------------------------------------------ parties
@dataclass(frozen=True)
class PartyTransferRow:
    id: int
    number: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    scheduled_date: dt.date
    done_at: dt.datetime | None


PARTY_TRANSFERS_SHOWN = 10


def party_transfers(partner_id: int) -> list[PartyTransferRow]:
    """A partner's latest receipts and deliveries, newest first (1 query, the caller's company scope)."""
    rows: QuerySet[Transfer] = Transfer.objects.filter(
        partner_id=partner_id, kind__in=(TransferKind.RECEIPT, TransferKind.DELIVERY)
    ).order_by("-scheduled_date", "-pk")[:PARTY_TRANSFERS_SHOWN]
    return [
        PartyTransferRow(
            id=t.pk,
            number=t.number,
            kind=t.kind,
            kind_label=str(t.get_kind_display()),
            state=t.state,
            state_label=str(t.get_state_display()),
            scheduled_date=t.scheduled_date,
            done_at=t.done_at,
        )
        for t in rows
    ]
