"""Demo books: each demo company's chart, and a few months of invoices, bills and payments in every state.

Everything goes through the accounting services (numbers, entries, audit trail, events), each document
found again by its ``source_key`` ("demo:..."), so reloading the demo creates only what is missing.
Dates are counted back from the demo's today, so some invoices are overdue, some paid, some partly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from concord.core.identity.models import Company
from concord.demo.steps import DemoContext, demo_step
from concord.modules.accounting.models import AccountingSettings, Invoice, InvoiceState, Journal, Payment, Tax
from concord.modules.accounting.services.invoices import (
    InvoiceLineInput,
    credit_note_create,
    invoice_cancel,
    invoice_create,
    invoice_post,
)
from concord.modules.accounting.services.payments import payment_register
from concord.modules.accounting.services.setup import accounting_setup, fiscal_year_create
from concord.modules.catalog.models import Product
from concord.modules.parties.models import Party

TEMPLATES = {"TH": "th_npae", "KH": "kh"}


@demo_step(order=150, key="accounting.setup")
def books(ctx: DemoContext) -> None:
    """Each company's chart of accounts (Thai or Cambodian), journals, taxes and fiscal years."""
    for company in ctx.companies.values():
        if not AccountingSettings.objects.filter(company=company).exists():
            accounting_setup(
                company=company,
                template=TEMPLATES.get(company.country, "ifrs_sme"),
                by=ctx.by,
                fiscal_year=ctx.today.year,
            )
            ctx.count("sets of books")
        fiscal_year_create(company=company, year=ctx.today.year - 1, by=ctx.by)


def _documents_per_company(ctx: DemoContext) -> int:
    return 24 if ctx.size.name == "small" else 400


def _lines(rng: Any, products: list[Any], company: Company) -> list[InvoiceLineInput]:
    chosen = rng.sample(products, k=min(len(products), rng.randint(1, 4)))
    return [
        InvoiceLineInput(
            description=product.name,
            quantity=Decimal(rng.randint(1, 12)),
            unit_price=product.sale_price
            if product.sale_currency == company.currency
            else Decimal(rng.randint(5, 90) * 10),
            product_id=product.pk,
            discount_percent=Decimal(rng.choice([0, 0, 0, 5, 10])),
        )
        for product in chosen
    ]


def _pay(
    ctx: DemoContext,
    company: Company,
    invoice: Invoice,
    *,
    amount: Decimal,
    key: str,
    on: dt.date,
    wht: Tax | None = None,
) -> None:
    if Payment.objects.filter(company=company, source_key=key).exists():
        return
    bank = Journal.objects.get(company=company, code="BNK1")
    payment_register(
        company=company,
        partner_id=invoice.partner_id,
        journal=bank,
        amount=amount,
        date=on,
        by=ctx.by,
        invoices=[invoice],
        wht_tax=wht,
        memo=invoice.number,
        source_key=key,
    )
    ctx.count("payments")


def _bills(
    ctx: DemoContext,
    company: Company,
    *,
    rng: Any,
    suppliers: list[Any],
    products: list[Any],
    services: list[Any],
    wht: Tax | None,
) -> None:
    """A bill from each supplier; two in three paid, services with withholding tax."""
    for number, supplier in enumerate(suppliers, start=1):
        key = f"demo:bill:{company.code}:{number}"
        on = ctx.today - dt.timedelta(days=rng.randint(5, 60))
        items = services if (number % 2 == 0 and services) else products
        bill = invoice_create(
            company=company,
            kind="in_invoice",
            partner_id=supplier.pk,
            by=ctx.by,
            date=on,
            source_key=key,
            ref=f"SUP-{number:04d}",
            lines=[
                InvoiceLineInput(
                    description=product.name,
                    quantity=Decimal(rng.randint(5, 40)),
                    unit_price=(product.purchase_price or Decimal(100)),
                    product_id=product.pk,
                )
                for product in rng.sample(items, k=min(len(items), 2))
            ],
        )
        if bill.is_draft:
            bill = invoice_post(invoice=bill, by=ctx.by)
            ctx.count("vendor bills")
        if number % 3 != 0 and bill.state == InvoiceState.POSTED:
            use_wht = wht if items is services else None
            settled = bill.amount_residual
            if use_wht is not None:
                settled -= (bill.amount_untaxed * use_wht.amount / 100).quantize(Decimal("0.01"))
            paid_on = min(ctx.today, on + dt.timedelta(days=20))
            _pay(ctx, company, bill, amount=settled, key=f"{key}:pay", on=paid_on, wht=use_wht)


@demo_step(order=210, key="accounting.documents")
def documents(ctx: DemoContext) -> None:
    """Customer invoices and vendor bills over the last 90 days: drafts, unpaid, partly paid, paid, cancelled."""
    for company in ctx.companies.values():
        rng = ctx.rng(f"accounting.{company.code}")
        customers = list(
            Party.objects.filter(company=company, is_customer=True, is_active=True).order_by("code")[:15]
        )
        suppliers = list(
            Party.objects.filter(company=company, is_supplier=True, is_active=True).order_by("code")[:6]
        )
        products = list(
            Product.objects.filter(company=company, is_active=True, kind="goods").order_by("internal_ref")[
                :30
            ]
        )
        services = list(
            Product.objects.filter(company=company, is_active=True, kind="service").order_by("internal_ref")[
                :5
            ]
        )
        if not customers or not products:
            continue
        wht = Tax.objects.filter(company=company, kind="wht", income_type="services").first()
        made = set(
            Invoice.objects.filter(company=company, source_key__startswith="demo:inv:").values_list(
                "source_key", flat=True
            )
        )
        for number in range(1, _documents_per_company(ctx) + 1):
            on = ctx.today - dt.timedelta(days=rng.randint(0, 90))
            key = f"demo:inv:{company.code}:{number}"
            if key in made:  # made by an earlier load, with its payments
                continue
            customer = customers[number % len(customers)]
            invoice = invoice_create(
                company=company,
                kind="out_invoice",
                partner_id=customer.pk,
                lines=_lines(rng, products, company),
                by=ctx.by,
                date=on,
                source_key=key,
                ref=f"PO-{1000 + number}",
            )
            fate = number % 8
            if fate == 0:
                ctx.count("draft invoices")
                continue
            invoice = invoice_post(invoice=invoice, by=ctx.by)
            ctx.count("invoices")
            paid_on = min(ctx.today, on + dt.timedelta(days=rng.randint(3, 40)))
            if fate in (1, 2, 3):
                _pay(ctx, company, invoice, amount=invoice.amount_residual, key=f"{key}:pay", on=paid_on)
            elif fate == 4:
                half = (invoice.amount_residual / 2).quantize(Decimal("0.01"))
                _pay(ctx, company, invoice, amount=half, key=f"{key}:pay", on=paid_on)
            elif fate == 5 and number % 16 == 5:
                invoice_cancel(invoice=invoice, by=ctx.by, reason="Demo: wrong customer")
            elif fate == 6 and number % 16 == 6:
                note = credit_note_create(
                    invoice=invoice, by=ctx.by, date=paid_on, reason="Demo: goods returned"
                )
                invoice_post(invoice=note, by=ctx.by)
        _bills(ctx, company, rng=rng, suppliers=suppliers, products=products, services=services, wht=wht)
