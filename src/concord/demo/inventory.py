"""Demo stock: each company's warehouse with shelves, goods received from suppliers at a cost, some
deliveries shipped, some reserved and waiting, a lot-tracked product, reorder rules and a count.

Every write goes through inventory's services, each transfer found again by its ``source_key``
("demo:inv:..."), so reloading the demo creates only what is missing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from concord.core.money.money import Money
from concord.demo.steps import DemoContext, demo_step
from concord.modules.catalog.facade import price_for_uom
from concord.modules.catalog.models import Product, ProductKind
from concord.modules.inventory.errors import InsufficientStockError
from concord.modules.inventory.models import InventoryCount, Location, ReorderRule, Transfer, TransferState
from concord.modules.inventory.services.counts import count_apply, count_create, count_set
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.reorder import reorder_rule_save
from concord.modules.inventory.services.setup import location_create, product_tracking_set, warehouse_default
from concord.modules.inventory.services.transfers import transfer_create, transfer_validate
from concord.modules.parties.models import Party


def _receipt_cost(product: Product, company_currency: str) -> Decimal:
    """A unit cost per stock unit: the purchase price restated from its purchase unit, else 60% of the sale price."""
    if product.purchase_price and product.purchase_currency == company_currency:
        price = Money(product.purchase_price, company_currency)
        return price_for_uom(price, product.purchase_uom_id, product.uom_id).amount
    if product.sale_price and product.sale_currency == company_currency:
        return (product.sale_price * Decimal("0.6")).quantize(Decimal("0.01"))
    return Decimal(10)


@demo_step(order=205, key="inventory.stock")
def stock(ctx: DemoContext) -> None:
    """Warehouses, receipts, deliveries in every state, a tracked product, reorder rules and a count."""
    for company in ctx.companies.values():
        rng = ctx.rng(f"inventory:{company.code}")
        warehouse = warehouse_default(company)
        if warehouse.stock_location is None:
            continue
        _shelves(ctx, company, warehouse.stock_location)
        # The first 40 goods (the catalog's, made before manufacturing's): enough stock to show, and the
        # large demo's thousands of products do not each get a receipt line.
        goods = list(
            Product.objects.filter(company=company, kind=ProductKind.GOODS, is_active=True).order_by("pk")[
                :40
            ]
        )
        vendors = list(
            Party.objects.filter(company=company, is_supplier=True, is_active=True).order_by("pk")[:5]
        )
        customers = list(
            Party.objects.filter(company=company, is_customer=True, is_active=True).order_by("pk")[:12]
        )
        if not goods or not vendors or not customers:
            continue
        # Purchasing's demo buys the first eight goods without lots: track one after them.
        tracked = goods[min(8, len(goods) - 1)]
        product_tracking_set(company=company, product_id=tracked.pk, tracking="lot", by=ctx.by)
        for batch in range(2):
            key = f"demo:inv:{company.code}:receipt:{batch}"
            if Transfer.objects.filter(company=company, source_key=key).exists():
                continue
            lines = [
                StockLine(
                    product_id=p.pk,
                    quantity=Decimal(rng.randint(20, 80)),
                    unit_cost=_receipt_cost(p, company.currency),
                    lot_name=f"LOT-{ctx.today:%y%m}-{batch + 1}" if p.pk == tracked.pk else "",
                )
                for p in goods
            ]
            receipt = transfer_create(
                company=company,
                kind="receipt",
                lines=lines,
                by=ctx.by,
                partner_id=vendors[batch % len(vendors)].pk,
                source_key=key,
                origin=f"PO demo {batch + 1}",
            )
            transfer_validate(transfer=receipt, by=ctx.by)
            ctx.count("stock receipts")
        # An open receipt (incoming), deliveries done, ready and waiting.
        key = f"demo:inv:{company.code}:receipt:open"
        if not Transfer.objects.filter(company=company, source_key=key).exists():
            transfer_create(
                company=company,
                kind="receipt",
                by=ctx.by,
                partner_id=vendors[-1].pk,
                source_key=key,
                lines=[
                    StockLine(
                        product_id=p.pk, quantity=Decimal(25), unit_cost=_receipt_cost(p, company.currency)
                    )
                    for p in goods[:3]
                ],
            )
            ctx.count("stock receipts")
        for number in range(10):
            key = f"demo:inv:{company.code}:delivery:{number}"
            if Transfer.objects.filter(company=company, source_key=key).exists():
                continue
            chosen = rng.sample(goods, k=min(len(goods), rng.randint(1, 4)))
            lines = [StockLine(product_id=p.pk, quantity=Decimal(rng.randint(1, 6))) for p in chosen]
            try:
                delivery = transfer_create(
                    company=company,
                    kind="delivery",
                    lines=lines,
                    by=ctx.by,
                    partner_id=customers[number % len(customers)].pk,
                    source_key=key,
                    allow_backorder=True,
                    origin=f"SO demo {number + 1}",
                )
            except InsufficientStockError:
                continue
            if number < 6 and delivery.state == TransferState.READY:
                transfer_validate(transfer=delivery, by=ctx.by)
            ctx.count("deliveries")
        waiting_key = f"demo:inv:{company.code}:delivery:backorder"
        if not Transfer.objects.filter(company=company, source_key=waiting_key).exists():
            transfer_create(
                company=company,
                kind="delivery",
                by=ctx.by,
                partner_id=customers[0].pk,
                source_key=waiting_key,
                allow_backorder=True,
                origin="SO demo large",
                lines=[StockLine(product_id=goods[1 % len(goods)].pk, quantity=Decimal(500))],
            )
            ctx.count("deliveries")
        _rules_and_count(ctx, company, warehouse, goods, vendors)


def _rules_and_count(
    ctx: DemoContext, company: Any, warehouse: Any, goods: list[Product], vendors: list[Party]
) -> None:
    for product in goods[:3]:
        if not ReorderRule.objects.filter(
            company=company, product_id=product.pk, warehouse=warehouse
        ).exists():
            reorder_rule_save(
                company=company,
                product_id=product.pk,
                warehouse=warehouse,
                min_quantity=30,
                max_quantity=120,
                multiple_quantity=10,
                vendor_id=vendors[0].pk,
                lead_time_days=7,
                safety_stock=5,
                by=ctx.by,
            )
            ctx.count("reorder rules")
    if not InventoryCount.objects.filter(company=company).exists():
        count = count_create(
            company=company,
            location=warehouse.stock_location,
            by=ctx.by,
            product_ids=[p.pk for p in goods[2:5]],
        )
        lines = list(count.lines.all())
        if lines:
            count_set(count=count, counted={lines[0].pk: max(lines[0].expected_quantity - 2, 0)}, by=ctx.by)
            count_apply(count=count, by=ctx.by)
        ctx.count("stock counts")


def _shelves(ctx: DemoContext, company: Any, stock_location: Location) -> None:
    for shelf in ("A1", "A2", "B1"):
        if not Location.objects.filter(
            company=company, full_name=f"{stock_location.full_name}/{shelf}"
        ).exists():
            location_create(company=company, name=shelf, parent=stock_location, by=ctx.by)
