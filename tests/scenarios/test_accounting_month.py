"""A month of a small Thai business, booked through the services and checked against figures worked out
by hand: a capital injection, a purchase, two sales, rent paid with 5% withholding tax, a supplier paid,
a bank statement imported and reconciled (a customer's transfer and a bank fee), a customer paying with
3% withheld. Afterwards the trial balance, the P&L, the balance sheet and the VAT report must show exactly
the numbers below, the customer's 360° page the invoices and payments, and the certificate must render.

Hand computation (THB):
    bank          500,000 - 20,400 - 32,100 + 37,878 - 150 + 10,400 = 495,628
    VAT input     2,100 + 1,400 = 3,500        VAT output   2,478 + 700 = 3,178
    WHT prepaid   300 (withheld by the customer)  WHT payable  1,000 (withheld from the landlord)
    sales         35,400 + 10,000 = 45,400     cost of sales 30,000
    expenses      rent 20,000 + bank fee 150 = 20,150
    net profit    45,400 - 30,000 - 20,150 = -4,750
    assets        495,628 + 3,500 + 300 = 499,428 = liabilities 4,178 + equity 500,000 - 4,750
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from concord.core.identity.roles import Role
from concord.modules.accounting.bank.matching import suggestions_for
from concord.modules.accounting.bank.services import statement_import, statement_line_reconcile
from concord.modules.accounting.bank_formats import CsvMapping
from concord.modules.accounting.models import InvoiceState, Journal, JournalLine, Tax, WithholdingCertificate
from concord.modules.accounting.reports.queries import (
    balance_sheet,
    profit_and_loss,
    trial_balance,
    vat_report,
)
from concord.modules.accounting.services._support import default_account
from concord.modules.accounting.services.entries import LineSpec, entry_create
from concord.modules.accounting.services.invoices import InvoiceLineInput, invoice_create, invoice_post
from concord.modules.accounting.services.payments import payment_register
from concord.modules.accounting.services.setup import accounting_setup

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
D = Decimal


def day(n: int) -> dt.date:
    return dt.date(2026, 3, n)


def balance(company, role: str) -> Decimal:
    lines = JournalLine.objects.filter(company=company, posted=True, account=default_account(company, role))
    return sum((line.debit - line.credit for line in lines), D(0))


def test_a_month_of_a_small_business(company, make_user, make_partner, client) -> None:
    accountant = make_user(company=company, roles=(Role.ACCOUNTANT,), username="accountant")
    accounting_setup(company=company, template="th_npae", by=accountant, fiscal_year=2026)
    vat = Tax.objects.get(company=company, code="VAT7")
    bank = Journal.objects.get(company=company, code="BNK1")
    foods = make_partner(company, "Chao Phraya Foods Co., Ltd.", is_supplier=False, payment_terms_days=30)
    cafe = make_partner(company, "Doi Tung Cafe Co., Ltd.", is_supplier=False)
    steel = make_partner(company, "Isan Steel Works Co., Ltd.", is_customer=False)
    landlord = make_partner(company, "Sukhumvit Property Co., Ltd.", is_customer=False)

    def invoice(kind, partner, when, *, line, account_role=None):
        description, quantity, price = line
        account_id = default_account(company, account_role).pk if account_role else None
        draft = invoice_create(
            company=company,
            kind=kind,
            partner_id=partner.pk,
            by=accountant,
            date=when,
            lines=[
                InvoiceLineInput(description, D(quantity), D(price), account_id=account_id, tax_ids=(vat.pk,))
            ],
        )
        return invoice_post(invoice=draft, by=accountant)

    # 1 March: the owners put 500,000 in the bank
    entry_create(
        company=company,
        journal=Journal.objects.get(company=company, code="MISC"),
        date=MARCH,
        by=accountant,
        post=True,
        ref="Capital",
        lines=[
            LineSpec(account_id=default_account(company, "bank").pk, debit=D(500000)),
            LineSpec(account_id=default_account(company, "opening_balance").pk, credit=D(500000)),
        ],
    )
    # 3 March: 100 woks bought at 300 (+ VAT 2,100)
    woks = invoice(
        "in_invoice",
        steel,
        day(3),
        line=("Carbon steel wok 36 cm", "100", "300"),
        account_role="cost_of_sales",
    )
    assert woks.amount_total == D("32100.00")
    # 5 and 10 March: two sales
    sale_a = invoice("out_invoice", foods, day(5), line=("Carbon steel wok 36 cm", "60", "590"))
    sale_b = invoice("out_invoice", cafe, day(10), line=("Installation, hours", "10", "1000"))
    assert (sale_a.number, sale_b.number) == ("INV/2026/00001", "INV/2026/00002")
    assert (sale_a.amount_total, sale_b.amount_total) == (D("37878.00"), D("10700.00"))
    # 15 March: the rent, paid the same day with 5% withheld on 20,000
    rent = invoice("in_invoice", landlord, day(15), line=("Shop rent March", "1", "20000"))
    rent_paid = payment_register(
        company=company,
        partner_id=landlord.pk,
        journal=bank,
        amount=D("20400"),
        date=day(15),
        by=accountant,
        invoices=[rent],
        wht_tax=Tax.objects.get(company=company, code="WHT5"),
    )
    assert rent_paid.wht_amount == D("1000.00")
    certificate = WithholdingCertificate.objects.get(payment=rent_paid)
    assert (certificate.form, certificate.base, certificate.amount) == ("PND53", D("20000.00"), D("1000.00"))
    # 20 March: the steel supplier is paid in full
    payment_register(
        company=company,
        partner_id=steel.pk,
        journal=bank,
        amount=D("32100"),
        date=day(20),
        by=accountant,
        invoices=[woks],
    )

    # 25 March: the bank statement comes in: the first customer's transfer and a fee
    csv = (
        b"Date,Amount,Reference,Description\n"
        b"2026-03-24,37878.00,INV/2026/00001,CHAO PHRAYA FOODS CO LTD\n"
        b"2026-03-25,-150.00,FEE-0325,Monthly account fee\n"
    )
    statement = statement_import(
        company=company,
        journal=bank,
        data=csv,
        filename="march.csv",
        by=accountant,
        mapping=CsvMapping(date="Date", amount="Amount", reference="Reference", description="Description"),
    )
    transfer, fee = statement.lines.order_by("date")
    best = suggestions_for(transfer)[0]
    assert best.kind == "invoices"
    assert best.ids == (sale_a.pk,)
    statement_line_reconcile(line=transfer, by=accountant, invoices=[sale_a])
    statement_line_reconcile(
        line=fee, by=accountant, counter_account_id=default_account(company, "expense").pk
    )
    # 28 March: the cafe pays 10,400, having withheld 3% on 10,000
    payment_register(
        company=company,
        partner_id=cafe.pk,
        journal=bank,
        amount=D("10400"),
        date=day(28),
        by=accountant,
        invoices=[sale_b],
        wht_tax=Tax.objects.get(company=company, code="WHT3"),
    )

    for document in (sale_a, sale_b, woks, rent):
        document.refresh_from_db()
        assert document.state == InvoiceState.PAID, document
    transfer.refresh_from_db()
    fee.refresh_from_db()
    assert transfer.state == fee.state == "reconciled"

    # the ledger, account by account
    assert balance(company, "bank") == D("495628.00")
    assert balance(company, "receivable") == 0
    assert balance(company, "payable") == 0
    assert balance(company, "vat_input") == D("3500.00")
    assert balance(company, "vat_output") == D("-3178.00")
    assert balance(company, "wht_payable") == D("-1000.00")
    assert balance(company, "wht_prepaid") == D("300.00")
    assert balance(company, "income") == D("-45400.00")
    assert balance(company, "cost_of_sales") == D("30000.00")
    assert balance(company, "expense") == D("20150.00")

    tb = trial_balance(company=company, date_from=MARCH, date_to=day(31))
    assert tb.is_balanced
    assert tb.debit == tb.credit
    pnl = profit_and_loss(company=company, date_from=MARCH, date_to=day(31))
    assert (pnl.income.total, pnl.cost_of_sales.total, pnl.gross_profit) == (
        D("45400.00"),
        D("30000.00"),
        D("15400.00"),
    )
    assert pnl.operating_expenses.total == D("20150.00")
    assert pnl.net_profit == D("-4750.00")
    bs = balance_sheet(company=company, as_of=day(31))
    assert bs.total_assets == D("499428.00")
    assert bs.total_liabilities == D("4178.00")
    assert bs.current_year_earnings == D("-4750.00")
    assert bs.total_equity == D("495250.00")
    assert bs.is_balanced
    vat_march = vat_report(company=company, date_from=MARCH, date_to=day(31))
    assert (vat_march.output_base, vat_march.output_tax) == (D("45400.00"), D("3178.00"))
    assert (vat_march.input_base, vat_march.input_tax) == (D("50000.00"), D("3500.00"))
    assert vat_march.net_vat == D("-322.00")
    assert (vat_march.withheld_by_customers, vat_march.withheld_from_suppliers) == (D("300.00"), D("1000.00"))

    # the customer's 360° view shows the invoice, paid, and a zero balance
    client.force_login(accountant, backend="concord.core.identity.backends.RoleBackend")
    overview = client.get(f"/api/v1/parties/{foods.pk}/overview").json()
    assert D(overview["header"]["balance"]) == 0
    panel = next(p for p in overview["panels"] if p["key"] == "accounting.invoices")
    assert [(row["number"], row["state"]) for row in panel["data"]["invoices"]] == [
        ("INV/2026/00001", "paid")
    ]
    moments = {(entry["title"], entry["detail"]) for entry in overview["timeline"]}
    assert ("Invoice posted", "INV/2026/00001 · THB37,878.00") in moments
    assert ("Invoice paid in full", "INV/2026/00001") in moments
    assert any(title == "Payment received" and detail.startswith("BNK1/2026/") for title, detail in moments)
    # and the withholding tax certificate prints
    pdf = client.get(f"/accounting/wht-certificates/{certificate.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
