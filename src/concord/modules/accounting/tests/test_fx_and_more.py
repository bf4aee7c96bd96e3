"""Unrealised exchange differences, tax groups, payment terms and the facade's idempotency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from concord.core.money.services import exchange_rate_set
from concord.modules.accounting import facade
from concord.modules.accounting.models import Invoice, JournalLine, PaymentTerm, Tax
from concord.modules.accounting.reports.queries import fx_revaluation
from concord.modules.accounting.services.invoices import InvoiceLineInput, invoice_create, invoice_post
from concord.modules.accounting.services.payments import payment_register

from .conftest import TODAY, journal, tax

pytestmark = pytest.mark.django_db


def test_unrealised_exchange_difference_of_open_foreign_items(books, customer, vendor, accountant, client):
    exchange_rate_set(
        company=books, currency="USD", rate_date=dt.date(2026, 3, 1), rate=Decimal("35"), by=accountant
    )
    sale = invoice_create(
        company=books,
        kind="out_invoice",
        partner_id=customer.pk,
        by=accountant,
        date=TODAY,
        currency="USD",
        lines=[InvoiceLineInput("Consulting", Decimal("1"), Decimal("1000"), tax_ids=())],
    )
    invoice_post(invoice=sale, by=accountant)
    bill = invoice_create(
        company=books,
        kind="in_invoice",
        partner_id=vendor.pk,
        by=accountant,
        date=TODAY,
        currency="USD",
        lines=[InvoiceLineInput("Steel", Decimal("1"), Decimal("400"), tax_ids=())],
    )
    invoice_post(invoice=bill, by=accountant)
    # a quarter of the sale is paid at the same rate; the rest stays open
    payment_register(
        company=books,
        partner_id=customer.pk,
        journal=journal(books, "BNK1"),
        amount=Decimal("250"),
        date=TODAY,
        by=accountant,
        invoices=[sale],
    )
    exchange_rate_set(
        company=books, currency="USD", rate_date=dt.date(2026, 3, 31), rate=Decimal("36"), by=accountant
    )

    report = fx_revaluation(company=books, as_of=dt.date(2026, 3, 31))
    rows = {row.partner_name: row for row in report.rows}
    owed = rows[customer.name]
    assert (owed.open_in_currency, owed.booked, owed.revalued, owed.difference) == (
        Decimal("750.00"),
        Decimal("26250.00"),
        Decimal("27000.00"),
        Decimal("750.00"),
    )
    owing = rows[vendor.name]
    assert (owing.open_in_currency, owing.booked, owing.difference) == (
        Decimal("-400.00"),
        Decimal("-14000.00"),
        Decimal("-400.00"),
    )
    assert report.difference == Decimal("350.00")
    assert report.missing_rates == ()
    before_rates = fx_revaluation(company=books, as_of=dt.date(2026, 2, 1))
    assert before_rates.rows == ()  # nothing was open yet

    client.force_login(accountant, backend="concord.core.identity.backends.RoleBackend")
    page = client.get(reverse("accounting:report-fx-revaluation"), {"as_of": "2026-03-31"})
    assert page.status_code == 200
    assert "Unrealised" in page.content.decode()
    api = client.get("/api/v1/accounting/reports/fx-revaluation", {"as_of": "2026-03-31"}).json()
    assert Decimal(api["difference"]) == Decimal("350.00")
    assert (
        client.get(
            reverse("accounting:report-fx-revaluation"), {"as_of": "2026-03-31", "export": "csv"}
        ).status_code
        == 200
    )


def test_a_tax_group_applies_each_of_its_taxes(books, customer, accountant):
    vat = tax(books, "VAT7")
    duty = Tax.objects.create(
        company=books,
        code="DUTY2",
        name="Excise 2%",
        kind="other",
        amount=Decimal("2"),
        sale_account=vat.sale_account,
        purchase_account=vat.purchase_account,
    )
    group = Tax.objects.create(
        company=books, code="VATDUTY", name="VAT and excise", amount_type="group", amount=Decimal(0)
    )
    group.children.set([vat, duty])
    invoice = invoice_create(
        company=books,
        kind="out_invoice",
        partner_id=customer.pk,
        by=accountant,
        date=TODAY,
        lines=[InvoiceLineInput("Spirits", Decimal("1"), Decimal("1000"), tax_ids=(group.pk,))],
    )
    assert invoice.amount_tax == Decimal("90.00")
    assert sorted(invoice.lines.get().taxes.values_list("code", flat=True)) == ["DUTY2", "VAT7"]
    invoice_post(invoice=invoice, by=accountant)
    taxed = JournalLine.objects.filter(entry__invoice=invoice).exclude(tax=None)
    assert sorted(taxed.values_list("tax__code", "credit")) == [
        ("DUTY2", Decimal("20.000000")),
        ("VAT7", Decimal("70.000000")),
    ]


def test_due_date_from_the_payment_term(books, customer, accountant):
    eom = PaymentTerm.objects.get(company=books, name="End of following month")
    invoice = invoice_create(
        company=books,
        kind="out_invoice",
        partner_id=customer.pk,
        by=accountant,
        date=dt.date(2026, 3, 10),
        payment_term=eom,
        lines=[InvoiceLineInput("Wok", Decimal("1"), Decimal("100"))],
    )
    assert invoice_post(invoice=invoice, by=accountant).due_date == dt.date(2026, 4, 30)


def test_facade_invoice_from_lines_is_idempotent_by_source_key(books, customer, accountant):
    lines = [facade.InvoiceLineInput("Delivery 7: woks", Decimal("3"), Decimal("590"))]
    first = facade.invoice_create_from_lines(
        company_id=books.pk,
        kind="out_invoice",
        partner_id=customer.pk,
        lines=lines,
        by=accountant,
        date=TODAY,
        source_key="sales.order:42:delivery:7",
        post=True,
    )
    again = facade.invoice_create_from_lines(
        company_id=books.pk,
        kind="out_invoice",
        partner_id=customer.pk,
        lines=lines,
        by=accountant,
        date=TODAY,
        source_key="sales.order:42:delivery:7",
        post=True,
    )
    assert again == first
    assert first.state == "posted"
    assert first.amount_total == Decimal("1893.90")
    assert Invoice.objects.filter(source_key="sales.order:42:delivery:7").count() == 1
    assert facade.partner_balance(company_id=books.pk, partner_id=customer.pk) == Decimal("1893.90")
    entry = facade.ledger_entry_post(
        company_id=books.pk,
        date=TODAY,
        by=accountant,
        origin="inventory:valuation",
        lines=[
            facade.LedgerLine(debit=Decimal("100"), account_role="cost_of_sales"),
            facade.LedgerLine(credit=Decimal("100"), account_role="inventory"),
        ],
    )
    assert entry.number == "MISC/2026/00001"
