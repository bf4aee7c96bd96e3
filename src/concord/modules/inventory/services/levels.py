"""Reads other modules need: stock levels, done quantities per origin line, unit costs."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Q, Sum

from concord.modules.inventory.models import (
    Location,
    LocationUsage,
    Move,
    MoveState,
    ProductCost,
    Quant,
    ValuationLayer,
    Warehouse,
)
from concord.modules.inventory.services.dto import StockLevel

__all__ = ["done_quantities", "product_unit_cost", "stock_levels"]

ZERO = Decimal(0)
_OPEN = (MoveState.DONE, MoveState.CANCELLED)


def _internal_ids(company_id: int, warehouse_id: int | None) -> list[int]:
    rows = Location.all_companies.filter(company_id=company_id, usage=LocationUsage.INTERNAL)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    return list(rows.values_list("pk", flat=True))


def stock_levels(
    company_id: int, product_ids: Sequence[int], *, warehouse_id: int | None = None
) -> dict[int, StockLevel]:
    """On hand, reserved, available, incoming and outgoing per product in internal locations (3 queries)."""
    wanted = sorted({int(p) for p in product_ids})
    if not wanted:
        return {}
    if (
        warehouse_id is not None
        and not Warehouse.objects.filter(pk=warehouse_id, company_id=company_id).exists()
    ):
        return {}
    internal = _internal_ids(company_id, warehouse_id)
    held: dict[int, tuple[Decimal, Decimal]] = {
        row["product_id"]: (row["on_hand"] or ZERO, row["reserved"] or ZERO)
        for row in Quant.objects.filter(
            company_id=company_id, product_id__in=wanted, location_id__in=internal
        )
        .values("product_id")
        .annotate(on_hand=Sum("quantity"), reserved=Sum("reserved_quantity"))
    }
    coming = Q(dest_location_id__in=internal) & ~Q(source_location_id__in=internal)
    going = Q(source_location_id__in=internal) & ~Q(dest_location_id__in=internal)
    flows: dict[int, tuple[Decimal, Decimal]] = {}
    # Separate sums, subtracted here: exact on SQLite too (an expression inside Sum goes through float).
    for row in (
        Move.objects.filter(company_id=company_id, product_id__in=wanted)
        .exclude(state__in=_OPEN)
        .values("product_id")
        .annotate(
            in_all=Sum("quantity", filter=coming),
            in_done=Sum("quantity_done", filter=coming),
            out_all=Sum("quantity", filter=going),
            out_done=Sum("quantity_done", filter=going),
        )
    ):
        flows[row["product_id"]] = (
            (row["in_all"] or ZERO) - (row["in_done"] or ZERO),
            (row["out_all"] or ZERO) - (row["out_done"] or ZERO),
        )
    levels = {}
    for pid in wanted:
        on_hand, reserved = held.get(pid, (ZERO, ZERO))
        incoming, outgoing = flows.get(pid, (ZERO, ZERO))
        levels[pid] = StockLevel(
            product_id=pid,
            on_hand=on_hand,
            reserved=reserved,
            available=on_hand - reserved,
            incoming=incoming,
            outgoing=outgoing,
        )
    return levels


def done_quantities(company_id: int, origin_keys: Sequence[str]) -> dict[str, Decimal]:
    """Quantity moved by done moves per origin line (in the product's unit), in one query."""
    keys = sorted({k for k in origin_keys if k})
    if not keys:
        return {}
    result: dict[str, Decimal] = dict.fromkeys(keys, ZERO)
    rows = (
        Move.objects.filter(company_id=company_id, origin_key__in=keys, state=MoveState.DONE)
        .values("origin_key")
        .annotate(done=Sum("quantity_done"))
    )
    for row in rows:
        result[row["origin_key"]] = row["done"] or ZERO
    return result


def product_unit_cost(company_id: int, product_id: int) -> Decimal:
    """Average cost in stock (weighted average), or the oldest open layer's (FIFO); 0 when none."""
    cost = ProductCost.objects.filter(company_id=company_id, product_id=product_id).first()
    if cost is None:
        return ZERO
    if cost.method == "fifo":
        layer = (
            ValuationLayer.objects.filter(
                company_id=company_id, product_id=product_id, remaining_quantity__gt=0
            )
            .order_by("pk")
            .first()
        )
        if layer is not None:
            return (layer.remaining_value / layer.remaining_quantity).quantize(Decimal("0.000001"))
    if cost.quantity > 0:
        return (cost.value / cost.quantity).quantize(Decimal("0.000001"))
    last = (
        ValuationLayer.objects.filter(company_id=company_id, product_id=product_id, quantity__gt=0)
        .order_by("-pk")
        .first()
    )
    return last.unit_cost if last is not None else ZERO
