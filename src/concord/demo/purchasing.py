"""Demo purchasing: vendor price lists and purchase orders in every state, for each demo company.

Everything goes through the purchasing services (numbers, receipts through inventory, bills through
accounting, audit trail, events). Each order is found again by its ``origin`` ("demo:<company>:<n>"),
each price list entry by vendor and product, so reloading the demo creates only what is missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from concord.core.identity.models import Company
from concord.demo.steps import DemoContext, demo_step
from concord.modules.catalog.models import Product
from concord.modules.inventory.facade import transfer_validate
from concord.modules.parties.models import Party
from concord.modules.purchasing.models import OrderState, PurchaseOrder, VendorPrice
from concord.modules.purchasing.queries import order_transfers
from concord.modules.purchasing.services.bills import order_bill_create
from concord.modules.purchasing.services.orders import (
    OrderLineInput,
    order_approve,
    order_cancel,
    order_confirm,
    order_create,
)
from concord.modules.purchasing.services.pricelists import vendor_price_create
from concord.modules.purchasing.services.settings import approval_amount_of, purchasing_settings_update

# What each demo order ends as; the fourth is large enough to wait for approval.
_PLAN = ("rfq", "purchase", "done", "to_approve", "cancelled", "approved", "rfq", "purchase")
_APPROVAL_AMOUNT = Decimal(200_000)


def _orders_per_company(ctx: DemoContext) -> int:
    return len(_PLAN) if ctx.size.name == "small" else len(_PLAN) * 2


def _price_lists(ctx: DemoContext, company: Company, suppliers: list[Any], products: list[Any]) -> None:
    rng = ctx.rng(f"purchasing.prices:{company.code}")
    for index, product in enumerate(products):
        for supplier in suppliers[index % len(suppliers) :][:2]:
            if VendorPrice.objects.filter(company=company, vendor=supplier, product=product).exists():
                continue
            base = product.purchase_price or Decimal(rng.randint(20, 400))
            vendor_price_create(
                company=company,
                vendor_id=supplier.pk,
                product_id=product.pk,
                price=(base * Decimal(rng.choice(["0.9", "0.95", "1"]))).quantize(Decimal("0.01")),
                currency=company.currency,
                min_quantity=Decimal(rng.choice([0, 0, 10])),
                lead_time_days=rng.randint(2, 14),
                vendor_product_code=f"{supplier.code or 'V'}-{product.internal_ref or product.pk}",
                by=ctx.by,
            )
            ctx.count("vendor prices")


def _receive_all(order: PurchaseOrder, ctx: DemoContext) -> None:
    for transfer in order_transfers(order):
        if transfer.state not in ("done", "cancelled"):
            transfer_validate(transfer.id, by=ctx.by)


def _finish(order: PurchaseOrder, plan: str, ctx: DemoContext) -> None:
    if plan == "rfq":
        return
    if plan == "cancelled":
        order_cancel(order=order, by=ctx.by)
        return
    order = order_confirm(order=order, by=ctx.by)
    if plan == "approved" and order.state == OrderState.TO_APPROVE:
        order = order_approve(order=order, by=ctx.by)
    if plan == "done" and order.state == OrderState.PURCHASE:
        _receive_all(order, ctx)
        order_bill_create(order=order, by=ctx.by)


def _orders(ctx: DemoContext, company: Company, suppliers: list[Any], products: list[Any]) -> None:
    rng = ctx.rng(f"purchasing.orders:{company.code}")
    for number in range(1, _orders_per_company(ctx) + 1):
        origin = f"demo:{company.code}:{number}"
        plan = _PLAN[(number - 1) % len(_PLAN)]
        if PurchaseOrder.objects.filter(company=company, origin=origin).exists():
            continue
        chosen = rng.sample(products, k=min(len(products), rng.randint(1, 3)))
        big = plan in ("to_approve", "approved")
        order = order_create(
            company=company,
            vendor_id=suppliers[number % len(suppliers)].pk,
            lines=[
                OrderLineInput(
                    product_id=product.pk, quantity=Decimal(rng.randint(5, 40) * (60 if big else 1))
                )
                for product in chosen
            ],
            by=ctx.by,
            order_date=ctx.today - dt.timedelta(days=rng.randint(0, min(45, ctx.size.rate_history_days - 1))),
            origin=origin,
        )
        _finish(order, plan, ctx)
        ctx.count("purchase orders")


@demo_step(order=220, key="purchasing.orders")
def purchasing(ctx: DemoContext) -> None:
    """Each company's vendor price lists, its approval amount and orders from RFQ to done."""
    for company in ctx.companies.values():
        suppliers = list(
            Party.objects.filter(company=company, is_supplier=True, is_active=True).order_by("code")[:4]
        )
        products = list(
            Product.objects.filter(company=company, is_active=True, kind="goods").order_by("pk")[:8]
        )
        if not suppliers or not products:
            continue
        if approval_amount_of(company) is None:
            purchasing_settings_update(company=company, approval_amount=_APPROVAL_AMOUNT, by=ctx.by)
        _price_lists(ctx, company, suppliers, products)
        _orders(ctx, company, suppliers, products)
