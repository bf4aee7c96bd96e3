"""Manufacturing's selectors: the BOM graph, explosion of a BOM into components, cost roll-up, availability.

Inside the module they return querysets and dataclasses; across it ``facade.py`` turns them into plain
values. Costs and stock come from inventory's facade.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from concord.modules.catalog.facade import uom_convert
from concord.modules.inventory.facade import product_unit_cost, stock_levels, transfer_get
from concord.modules.manufacturing.models import (
    BillOfMaterials,
    BomKind,
    BomLine,
    ManufacturingOrder,
    OrderComponent,
)

__all__ = [
    "MAX_DEPTH",
    "BomCostNode",
    "ComponentAvailability",
    "ExplodedComponent",
    "bom_active_for",
    "bom_cost_report",
    "bom_explode",
    "boms_by_product",
    "component_graph",
    "order_availability",
    "orders_all",
    "qty_round",
]

# Deeper than any real product structure; a guard in case a cycle ever slipped into the data.
MAX_DEPTH = 30
_QTY_STEP = Decimal("0.0001")


def qty_round(quantity: Decimal) -> Decimal:
    """A quantity to the four decimals inventory keeps."""
    return quantity.quantize(_QTY_STEP, rounding=ROUND_HALF_UP)


def component_graph(company_id: int, *, excluding_bom_id: int | None = None) -> dict[int, set[int]]:
    """Product id -> the component product ids of its active BOM, for the whole company in one query."""
    graph: dict[int, set[int]] = defaultdict(set)
    rows = BomLine.all_companies.filter(bom__company_id=company_id, bom__is_active=True)
    if excluding_bom_id is not None:
        rows = rows.exclude(bom_id=excluding_bom_id)
    for product_id, component_id in rows.values_list("bom__product_id", "product_id"):
        graph[product_id].add(component_id)
    return graph


def bom_active_for(company_id: int, product_id: int) -> BillOfMaterials | None:
    """The product's active bill of materials, if it has one."""
    return (
        BillOfMaterials.all_companies.filter(company_id=company_id, product_id=product_id, is_active=True)
        .select_related("product", "uom")
        .first()
    )


def boms_by_product(company_id: int, product_ids: set[int]) -> dict[int, BillOfMaterials]:
    """Active bills of materials of these products, by product id."""
    if not product_ids:
        return {}
    rows = BillOfMaterials.all_companies.filter(
        company_id=company_id, product_id__in=product_ids, is_active=True
    ).select_related("product", "uom")
    return {bom.product_id: bom for bom in rows}


def _in_unit(quantity: Decimal, from_uom_id: int, to_uom_id: int) -> Decimal:
    return quantity if from_uom_id == to_uom_id else uom_convert(quantity, from_uom_id, to_uom_id)


def _bom_output(bom: BillOfMaterials) -> Decimal:
    """How much one batch of ``bom`` makes, in its product's unit."""
    return _in_unit(bom.quantity, bom.uom_id, bom.product.uom_id)


def _lines(bom: BillOfMaterials) -> list[BomLine]:
    return list(
        BomLine.all_companies.filter(bom=bom).select_related("product", "uom").order_by("sequence", "pk")
    )


@dataclass(frozen=True)
class ExplodedComponent:
    """What one unit-kind of component an order of ``bom`` needs, after kits are exploded."""

    product_id: int
    product_name: str
    quantity: Decimal  # in the component's own unit
    uom_code: str
    sub_bom_id: int | None  # a normal sub-assembly's BOM (the component is consumed from stock)
    via: tuple[str, ...]  # the kits it came through, outermost first


def bom_explode(bom: BillOfMaterials, quantity: Decimal) -> list[ExplodedComponent]:
    """The components ``quantity`` (in the product's unit) of ``bom``'s product consumes.

    A component with a kit BOM is replaced by its own components (at any depth); a component with a
    normal BOM is a sub-assembly taken from stock, its BOM named so a child order can be proposed.
    """
    found: list[ExplodedComponent] = []
    _explode_into(found, bom, quantity, via=(), depth=0)
    return found


def _explode_into(
    found: list[ExplodedComponent],
    bom: BillOfMaterials,
    quantity: Decimal,
    *,
    via: tuple[str, ...],
    depth: int,
) -> None:
    if depth > MAX_DEPTH:
        return
    factor = quantity / _bom_output(bom)
    lines = _lines(bom)
    sub_boms = boms_by_product(bom.company_id, {line.product_id for line in lines})
    for line in lines:
        needed = _in_unit(line.quantity, line.uom_id, line.product.uom_id) * factor
        sub = sub_boms.get(line.product_id)
        if sub is not None and sub.kind == BomKind.KIT:
            _explode_into(found, sub, needed, via=(*via, line.product.name), depth=depth + 1)
            continue
        found.append(
            ExplodedComponent(
                product_id=line.product_id,
                product_name=line.product.name,
                quantity=qty_round(needed),
                uom_code=line.product.uom.code,
                sub_bom_id=sub.pk if sub is not None else None,
                via=via,
            )
        )


@dataclass(frozen=True)
class BomCostNode:
    """One row of the structure and cost report: a product, how much, its stock cost and rolled-up cost."""

    product_id: int
    product_name: str
    quantity: Decimal  # in the product's unit
    uom_code: str
    kind: str  # "product" (the top), "component", "kit", "subassembly"
    unit_cost: Decimal  # the current stock unit cost (inventory), company currency
    cost: Decimal  # rolled up: the sum of the children's when it has a BOM, else quantity x unit cost
    depth: int
    children: tuple[BomCostNode, ...] = field(default=())

    @property
    def rolled_unit_cost(self) -> Decimal:
        return (self.cost / self.quantity).quantize(Decimal("0.000001")) if self.quantity else Decimal(0)

    def flattened(self) -> list[BomCostNode]:
        """The node and its descendants, depth first (how the report screen lists them)."""
        rows = [self]
        for child in self.children:
            rows.extend(child.flattened())
        return rows


def bom_cost_report(bom: BillOfMaterials, quantity: Decimal | None = None) -> BomCostNode:
    """The multi-level structure of ``bom`` for ``quantity`` (default: one batch) with costs rolled up.

    A node with a BOM (kit or sub-assembly) costs what its components cost; a leaf costs its quantity
    at the current unit cost in stock. Each node also shows its own stock unit cost, so a sub-assembly
    bought or made earlier can be compared with what making it now would cost.
    """
    bom = BillOfMaterials.all_companies.select_related("product__uom", "uom").get(pk=bom.pk)
    costs: dict[int, Decimal] = {}

    def unit_cost(product_id: int) -> Decimal:
        if product_id not in costs:
            costs[product_id] = product_unit_cost(bom.company_id, product_id)
        return costs[product_id]

    def node(current: BillOfMaterials, qty: Decimal, kind: str, depth: int) -> BomCostNode:
        factor = qty / _bom_output(current)
        lines = _lines(current)
        sub_boms = boms_by_product(current.company_id, {line.product_id for line in lines})
        children = []
        for line in lines:
            needed = _in_unit(line.quantity, line.uom_id, line.product.uom_id) * factor
            sub = sub_boms.get(line.product_id)
            if sub is not None and depth < MAX_DEPTH:
                children.append(
                    node(sub, needed, "kit" if sub.kind == BomKind.KIT else "subassembly", depth + 1)
                )
                continue
            price = unit_cost(line.product_id)
            children.append(
                BomCostNode(
                    product_id=line.product_id,
                    product_name=line.product.name,
                    quantity=qty_round(needed),
                    uom_code=line.product.uom.code,
                    kind="component",
                    unit_cost=price,
                    cost=(needed * price).quantize(Decimal("0.000001")),
                    depth=depth + 1,
                )
            )
        return BomCostNode(
            product_id=current.product_id,
            product_name=current.product.name,
            quantity=qty_round(qty),
            uom_code=current.product.uom.code,
            kind=kind,
            unit_cost=unit_cost(current.product_id),
            cost=sum((child.cost for child in children), Decimal(0)),
            depth=depth,
            children=tuple(children),
        )

    return node(bom, quantity if quantity is not None else _bom_output(bom), "product", 0)


@dataclass(frozen=True)
class ComponentAvailability:
    """One component of an order: what it needs, what is reserved for it, what the warehouse has."""

    component_id: int
    product_id: int
    product_name: str
    uom_code: str
    quantity: Decimal
    reserved: Decimal
    consumed: Decimal
    available: Decimal  # free stock in the warehouse, beyond what is reserved
    sub_bom_id: int | None

    @property
    def shortage(self) -> Decimal:
        """What is still missing for this order (nothing once it is reserved or consumed)."""
        missing = self.quantity - self.reserved - self.consumed
        return missing if missing > 0 else Decimal(0)


def order_availability(order: ManufacturingOrder) -> tuple[str, list[ComponentAvailability]]:
    """The order's availability ("ready", "waiting", or "" when not confirmed) and each component's."""
    components = list(
        OrderComponent.all_companies.filter(order=order)
        .select_related("product__uom")
        .order_by("sequence", "pk")
    )
    reserved: dict[str, Decimal] = defaultdict(Decimal)
    transfer = transfer_get(order.consume_transfer_id) if order.consume_transfer_id else None
    if transfer is not None:
        for move in transfer.moves:
            if move.state not in ("done", "cancelled"):
                reserved[move.origin_key] += move.quantity_reserved
    levels = stock_levels(order.company_id, sorted({c.product_id for c in components})) if components else {}
    rows = [
        ComponentAvailability(
            component_id=component.pk,
            product_id=component.product_id,
            product_name=component.product.name,
            uom_code=component.product.uom.code,
            quantity=component.quantity,
            reserved=reserved.get(component.origin_key, Decimal(0)),
            consumed=component.quantity_consumed,
            available=levels[component.product_id].available
            if component.product_id in levels
            else Decimal(0),
            sub_bom_id=component.sub_bom_id,
        )
        for component in components
    ]
    if order.state != "confirmed":
        return "", rows
    if transfer is not None and transfer.state in ("ready", "waiting"):
        return transfer.state, rows
    # Only components inventory moves count (it skips services and consumables, which need no stock).
    moved = {move.origin_key for move in transfer.moves} if transfer is not None else set()
    ready = all(row.shortage == 0 for row, c in zip(rows, components, strict=True) if c.origin_key in moved)
    return ("ready" if ready else "waiting"), rows


def orders_all() -> QuerySet[ManufacturingOrder]:
    """Orders in the caller's company scope, with what list screens show."""
    return ManufacturingOrder.objects.select_related("product", "product__uom", "bom", "company")
