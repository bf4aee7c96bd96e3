"""Demo sales: price lists and quotations and orders in every state, with their deliveries and invoices.

Everything goes through the sales services, so each order went the real way: confirming reserved stock
and made the delivery, validating the delivery (inventory's facade) invoiced it, some invoices are paid.
The demo loads in one transaction, so the outbox handler that reacts to a delivery would only run after
it commits; the step calls the same idempotent service (``order_delivery_sync``) itself. Each order is
found again by its customer reference ("demo:<company>:<n>"), so reloading creates only what is missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from concord.core.errors import DomainError
from concord.core.identity.models import Company, User
from concord.demo.steps import DemoContext, demo_step
from concord.modules.accounting.models import Invoice, Journal, Payment
from concord.modules.accounting.services.payments import payment_register
from concord.modules.catalog.models import Product
from concord.modules.crm.models import Opportunity, OpportunityStatus
from concord.modules.inventory.facade import transfer_validate
from concord.modules.parties.models import Party
from concord.modules.sales.documents.sending import order_send
from concord.modules.sales.models import OrderState, Pricelist, SaleOrder
from concord.modules.sales.services.invoicing import order_delivery_sync, order_transfers
from concord.modules.sales.services.orders import (
    OrderLineInput,
    order_cancel,
    order_confirm,
    order_create,
)
from concord.modules.sales.services.pricelists import PricelistItemInput, pricelist_create

# What each demo order ends as, in turn.
_PLAN = (
    "draft",
    "sent",
    "sale",
    "delivered",
    "paid",
    "cancelled",
    "paid",
    "delivered",
    "sent",
    "sale",
    "to_approve",
    "paid",
)


def _orders_per_company(ctx: DemoContext) -> int:
    return len(_PLAN) * (2 if ctx.size.name == "small" else 10)


def _salesperson(company: Company) -> User | None:
    return (
        User.objects.filter(memberships__company=company, memberships__role="sales", is_active=True)
        .order_by("pk")
        .first()
    )


def _wholesale_list(ctx: DemoContext, company: Company) -> None:
    name = "Wholesale"
    if Pricelist.objects.filter(company=company, name=name).exists():
        return
    pricelist_create(
        company=company,
        name=name,
        currency=company.currency,
        items=[PricelistItemInput(min_quantity=Decimal(20), discount_percent=Decimal(8))],
        by=ctx.by,
    )
    ctx.count("sales price lists")


def _pay(ctx: DemoContext, company: Company, order: SaleOrder, on: dt.date) -> None:
    bank = Journal.objects.filter(company=company, code="BNK1").first()
    if bank is None:
        return
    for invoice in Invoice.objects.filter(
        company=company, source_key__startswith=f"sales.order:{order.pk}:", state="posted"
    ):
        key = f"demo:sales-pay:{invoice.pk}"
        if invoice.amount_residual <= 0 or Payment.objects.filter(company=company, source_key=key).exists():
            continue
        payment_register(
            company=company,
            partner_id=invoice.partner_id,
            journal=bank,
            amount=invoice.amount_residual,
            date=on,
            by=ctx.by,
            invoices=[invoice],
            memo=order.number,
            source_key=key,
        )
        ctx.count("sales payments")


def _deliver(ctx: DemoContext, order: SaleOrder) -> None:
    for transfer in order_transfers(order):
        if transfer.state == "ready":  # a delivery still waiting for stock stays open
            transfer_validate(transfer.id, by=ctx.by)
            order_delivery_sync(order=order, transfer_id=transfer.id, by=ctx.by)


def _finish(ctx: DemoContext, company: Company, order: SaleOrder, plan: str, customer: Any) -> None:
    if plan == "draft":
        return
    if plan == "sent":
        email = customer.contact_points.filter(kind="email").values_list("value", flat=True).first()
        order_send(order=order, to=[email or f"buyer@{company.code}.example"], by=ctx.by)
        return
    if plan == "cancelled":
        order_cancel(order=order, by=ctx.by, reason="Demo: the customer changed their mind")
        return
    order = order_confirm(order=order, by=ctx.by, allow_backorder=True)
    if plan in ("delivered", "paid") and order.state == OrderState.SALE:
        _deliver(ctx, order)
        order.refresh_from_db()
    if plan == "paid":
        _pay(ctx, company, order, on=ctx.today)


def _opportunities_won(company: Company) -> list[int]:
    return list(
        Opportunity.objects.filter(company=company, status=OpportunityStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)[:4]
    )


def _orders(ctx: DemoContext, company: Company, customers: list[Party], products: list[Product]) -> None:
    rng = ctx.rng(f"sales.orders:{company.code}")
    salesperson = _salesperson(company)
    opportunities = _opportunities_won(company)
    made = set(
        SaleOrder.objects.filter(
            company=company, customer_ref__startswith=f"demo:{company.code}:"
        ).values_list("customer_ref", flat=True)
    )
    for number in range(1, _orders_per_company(ctx) + 1):
        ref = f"demo:{company.code}:{number}"
        plan = _PLAN[(number - 1) % len(_PLAN)]
        if ref in made:
            continue
        if plan == "to_approve":  # a customer with a small credit limit ordering a lot
            limited = [party for party in customers if party.credit_limit and party.credit_limit <= 50_000]
            customer = limited[0] if limited else customers[number % len(customers)]
            quantity_scale = 40
        else:
            customer = customers[number % len(customers)]
            quantity_scale = 1
        chosen = rng.sample(products, k=min(len(products), rng.randint(1, 4)))
        opportunity_id = opportunities.pop(0) if opportunities and plan in ("sale", "paid") else None
        try:
            order = order_create(
                company=company,
                partner_id=customer.pk,
                lines=[
                    OrderLineInput(
                        product_id=product.pk,
                        quantity=Decimal(rng.randint(1, 6) * quantity_scale),
                        discount_percent=Decimal(rng.choice((0, 0, 5))),
                    )
                    for product in chosen
                ],
                by=ctx.by,
                quote_date=ctx.today - dt.timedelta(days=rng.randint(0, 20)),
                salesperson_id=salesperson.pk if salesperson else None,
                opportunity_id=opportunity_id,
                customer_ref=ref,
            )
            _finish(ctx, company, order, plan, customer)
        except DomainError as error:  # e.g. no stock left for a product in this company's demo stock
            ctx.say(f"  sales demo order {ref} stopped early: {error}")
        ctx.count("sales orders")


@demo_step(order=240, key="sales.orders")
def sales(ctx: DemoContext) -> None:
    """Each company's price list and quotations and orders from draft to paid, with deliveries and invoices."""
    for company in ctx.companies.values():
        customers = list(
            Party.objects.filter(company=company, is_customer=True, is_active=True).order_by("code")[:12]
        )
        products = list(
            Product.objects.filter(company=company, is_active=True, kind="goods").order_by("pk")[:20]
        )
        if not customers or not products:
            continue
        _wholesale_list(ctx, company)
        _orders(ctx, company, customers, products)
