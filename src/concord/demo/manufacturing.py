"""Demo manufacturing: per company a wok starter set made of a pan, a handle kit (a phantom kit of a
handle and screws) and a lid (a sub-assembly with its own BOM), and a few manufacturing orders.

Products are found by internal reference, BOMs by product, orders by their source document
("DEMO-MO-1"), so reloading the demo creates only what is missing. The components the done order
consumes are received once (inventory's ``source_key`` keeps that idempotent); an order is produced
only when its components are in stock, so the step works before inventory's own demo data exists.
"""

from __future__ import annotations

from decimal import Decimal

from concord.core.identity.models import Company
from concord.demo.steps import DemoContext, demo_step
from concord.modules.catalog.models import Product
from concord.modules.catalog.services import product_create
from concord.modules.inventory.facade import StockLine, receipt_create, transfer_validate
from concord.modules.manufacturing.models import BillOfMaterials, BomKind, ManufacturingOrder, OrderState
from concord.modules.manufacturing.queries import order_availability
from concord.modules.manufacturing.services.boms import BomLineInput, bom_create
from concord.modules.manufacturing.services.orders import order_confirm, order_create, order_produce

# internal ref, name, cost per unit (company currency)
PARTS = [
    ("MFG-SET", "Wok starter set", "0"),
    ("MFG-PAN", "Carbon steel pan 36 cm", "240"),
    ("MFG-HKIT", "Wok handle kit", "0"),
    ("MFG-HANDLE", "Bamboo wok handle", "45"),
    ("MFG-SCREW", "Stainless screw M5", "1.5"),
    ("MFG-LID", "Glass wok lid", "0"),
    ("MFG-GLASS", "Tempered glass disc 36 cm", "80"),
    ("MFG-KNOB", "Lid knob", "12"),
]
# Each BOM: the product it makes, its kind, its components with their quantities.
STRUCTURE = [
    ("MFG-HKIT", BomKind.KIT, [("MFG-HANDLE", "1"), ("MFG-SCREW", "2")]),
    ("MFG-LID", BomKind.NORMAL, [("MFG-GLASS", "1"), ("MFG-KNOB", "1")]),
    ("MFG-SET", BomKind.NORMAL, [("MFG-PAN", "1"), ("MFG-HKIT", "1"), ("MFG-LID", "1")]),
]
# (source document, product, quantity, how far it goes): lids are made first, then sets from them.
ORDERS = [
    ("DEMO-MO-LID", "MFG-LID", "8", "done"),
    ("DEMO-MO-1", "MFG-SET", "5", "done"),
    ("DEMO-MO-2", "MFG-SET", "20", "confirmed"),
    ("DEMO-MO-3", "MFG-SET", "3", "draft"),
]
COMPONENTS_IN_STOCK = {
    "MFG-PAN": "10",
    "MFG-HANDLE": "10",
    "MFG-SCREW": "20",
    "MFG-GLASS": "10",
    "MFG-KNOB": "10",
}


def _products(ctx: DemoContext, company: Company) -> dict[str, Product]:
    found = {
        p.internal_ref: p
        for p in Product.all_companies.filter(company=company, internal_ref__in=[ref for ref, _, _ in PARTS])
    }
    for ref, name, cost in PARTS:
        if ref not in found:
            found[ref] = product_create(
                company=company, by=ctx.by, name=name, internal_ref=ref, purchase_price=cost
            )
            ctx.count("products")
    return found


def _boms(ctx: DemoContext, company: Company, products: dict[str, Product]) -> None:
    made = set(
        BillOfMaterials.all_companies.filter(company=company, is_active=True).values_list(
            "product_id", flat=True
        )
    )
    for ref, kind, lines in STRUCTURE:
        if products[ref].pk in made:
            continue
        bom_create(
            company=company,
            product_id=products[ref].pk,
            kind=kind,
            code=ref.removeprefix("MFG-"),
            lines=[BomLineInput(products[part].pk, Decimal(qty)) for part, qty in lines],
            by=ctx.by,
        )
        ctx.count("manufacturing bills of materials")


def _components_received(ctx: DemoContext, company: Company, products: dict[str, Product]) -> None:
    receipt = receipt_create(
        company_id=company.pk,
        lines=[
            StockLine(
                product_id=products[ref].pk,
                quantity=Decimal(qty),
                unit_cost=Decimal(next(cost for r, _, cost in PARTS if r == ref)),
            )
            for ref, qty in COMPONENTS_IN_STOCK.items()
        ],
        by=ctx.by,
        origin="DEMO-MFG",
        source_key="demo:manufacturing:components",
    )
    if receipt.state not in ("done", "cancelled"):
        transfer_validate(receipt.id, by=ctx.by)
        ctx.count("component receipts")


def _orders(ctx: DemoContext, company: Company, products: dict[str, Product]) -> None:
    for origin, ref, quantity, goal in ORDERS:
        order = ManufacturingOrder.all_companies.filter(company=company, origin=origin).first()
        if order is None:
            order = order_create(
                company=company,
                product_id=products[ref].pk,
                quantity=Decimal(quantity),
                by=ctx.by,
                planned_date=ctx.today,
                origin=origin,
            )
            ctx.count("manufacturing orders")
        if goal == "draft":
            continue
        if order.state == OrderState.DRAFT:
            order = order_confirm(order=order, by=ctx.by)
        # Produced only when every component is reserved: without stock the order waits.
        if goal == "done" and order.state == OrderState.CONFIRMED and order_availability(order)[0] == "ready":
            order_produce(order=order, by=ctx.by)
            ctx.count("manufacturing orders done")


@demo_step(order=260, key="manufacturing.orders")
def manufacturing_orders(ctx: DemoContext) -> None:
    """Per company: the wok set's two-level structure and orders (one done when its components are in)."""
    for company in ctx.companies.values():
        products = _products(ctx, company)
        _boms(ctx, company, products)
        _components_received(ctx, company, products)
        _orders(ctx, company, products)
