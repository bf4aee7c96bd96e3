"""The books every report test reads, posted through the services, with the figures worked out by hand.

Siam Trading (THB, fiscal year 2026) raised capital and earned a little in December 2025, then in 2026
borrowed, bought a van, depreciated it, invoiced two customers (one invoice at 0% VAT, one credit
note), was paid with and without withholding tax, and received two vendor bills, one paid with
withholding tax. Another company's books and a draft invoice must never show. The expected figures
below are computed in the comments of ``EXPECTED``; the reports must match them to the satang.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from concord.core.identity.models import Company, User
from concord.modules.accounting.models import Account
from concord.modules.accounting.services.entries import LineSpec, entry_create
from concord.modules.accounting.services.invoices import InvoiceLineInput, invoice_create, invoice_post
from concord.modules.accounting.services.payments import payment_register
from concord.modules.accounting.services.setup import accounting_setup

from .conftest import journal, tax

D = Decimal
YEAR_START, AS_OF = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


@dataclass(frozen=True)
class Scenario:
    company: Company
    other: Company
    customer: Any  # Chao Phraya Foods
    lanna: Any
    vendor: Any
    accountant: User


def _account_id(company: Company, code: str) -> int:
    return Account.objects.get(company=company, code=code).pk


def post_entry(company: Company, by: User, on: dt.date, *, debit: str, credit: str, amount: str) -> None:
    entry_create(
        company=company,
        journal=journal(company, "MISC"),
        date=on,
        lines=[
            LineSpec(account_id=_account_id(company, debit), debit=D(amount)),
            LineSpec(account_id=_account_id(company, credit), credit=D(amount)),
        ],
        by=by,
        post=True,
    )


def post_invoice(
    company: Company, by: User, partner: Any, amount: str, *, on: dt.date, due: dt.date, **kw: Any
) -> Any:
    taxes = kw.pop("taxes", ("VAT7",))
    invoice = invoice_create(
        company=company,
        kind=kw.pop("kind", "out_invoice"),
        partner_id=partner.pk,
        lines=[
            InvoiceLineInput(
                description="Carbon steel wok",
                quantity=D(1),
                unit_price=D(amount),
                tax_ids=tuple(tax(company, code).pk for code in taxes),
            )
        ],
        by=by,
        date=on,
        due_date=due,
    )
    return invoice_post(invoice=invoice, by=by) if kw.pop("post", True) else invoice


def pay(
    company: Company, by: User, partner: Any, amount: str, *, on: dt.date, invoices: list[Any], **kw: Any
) -> None:
    payment_register(
        company=company,
        partner_id=partner.pk,
        journal=journal(company, "BNK1"),
        amount=D(amount),
        date=on,
        by=by,
        invoices=invoices,
        **kw,
    )


def build_scenario(
    *,
    books: Company,
    customer: Any,
    vendor: Any,
    accountant: User,
    make_company: Callable[..., Company],
    make_partner: Callable[..., Any],
) -> Scenario:
    company, by, d = books, accountant, dt.date
    lanna = make_partner(company, "Lanna Crafts Co., Ltd.", payment_terms_days=30)
    # 2025: capital and a small profit that was never closed into retained earnings
    post_entry(company, by, d(2025, 12, 15), debit="1120", credit="3100", amount="50000")
    post_entry(company, by, d(2025, 12, 20), debit="1120", credit="4290", amount="5000")
    # 2026: a loan, a van, its depreciation
    post_entry(company, by, d(2026, 1, 5), debit="1120", credit="2210", amount="100000")
    post_entry(company, by, d(2026, 1, 8), debit="1240", credit="1120", amount="60000")
    post_entry(company, by, d(2026, 1, 31), debit="5385", credit="1241", amount="1000")
    # customer invoices (untaxed + 7% VAT), aged on 30 June 2026
    post_invoice(company, by, customer, "1000", on=d(2026, 6, 20), due=d(2026, 7, 20))  # I1 1,070: not due
    i2 = post_invoice(company, by, customer, "2000", on=d(2026, 5, 1), due=d(2026, 6, 15))  # 2,140: 15 days
    post_invoice(company, by, lanna, "3000", on=d(2026, 4, 1), due=d(2026, 4, 30))  # I3 3,210: 61 days
    post_invoice(company, by, lanna, "500", on=d(2026, 1, 15), due=d(2026, 2, 1))  # I4 535: 149 days
    post_invoice(company, by, customer, "400", on=d(2026, 3, 1), due=d(2026, 3, 31))  # I5 428: 91 days
    post_invoice(company, by, lanna, "300", on=d(2026, 5, 1), due=d(2026, 5, 30))  # I6 321: 31 days
    post_invoice(company, by, customer, "100", on=d(2026, 5, 1), due=d(2026, 5, 31))  # I7 107: 30 days
    i8 = post_invoice(company, by, customer, "800", on=d(2026, 2, 1), due=d(2026, 3, 3))  # 856, paid below
    # I9: an export at 0% VAT, 1,000, not due
    post_invoice(company, by, lanna, "1000", on=d(2026, 6, 10), due=d(2026, 7, 10), taxes=("VAT0",))
    # R1: a credit note of 214 left open (117 days past its date, used as its due date)
    post_invoice(company, by, lanna, "200", on=d(2026, 3, 5), due=d(2026, 3, 5), kind="out_refund")
    # a draft is not in the books
    post_invoice(company, by, customer, "9999", on=d(2026, 6, 1), due=d(2026, 6, 1), post=False)
    # I8 paid with 3% withheld by the customer: 832 + 24 withheld on the 800 base
    pay(company, by, customer, "832", on=d(2026, 2, 15), invoices=[i8], wht_tax=tax(company, "WHT3"))
    pay(company, by, customer, "1000", on=d(2026, 6, 25), invoices=[i2])  # I2 left with 1,140
    # vendor bills
    b1 = post_invoice(company, by, vendor, "10000", on=d(2026, 1, 10), due=d(2026, 2, 9), kind="in_invoice")
    # B1 paid with 3% withheld by us: 10,400 + 300 withheld on the 10,000 base
    pay(company, by, vendor, "10400", on=d(2026, 2, 20), invoices=[b1], wht_tax=tax(company, "WHT3"))
    # B2 5,350, 20 days overdue on 30 June
    post_invoice(company, by, vendor, "5000", on=d(2026, 6, 1), due=d(2026, 6, 10), kind="in_invoice")
    # another company's books: never in Siam's reports
    other = make_company(name="Mekong Imports Co., Ltd.", code="mekong")
    accounting_setup(company=other, template="th_npae", by=None, fiscal_year=2026)
    stranger = make_partner(other, "Mekong Buyer Co., Ltd.", payment_terms_days=30)
    post_entry(other, by, d(2026, 1, 5), debit="1120", credit="3100", amount="777000")
    post_invoice(other, by, stranger, "4444", on=d(2026, 6, 1), due=d(2026, 6, 1))
    return Scenario(
        company=company, other=other, customer=customer, lanna=lanna, vendor=vendor, accountant=by
    )


# Balances on 30 June 2026, debit positive (every posted line of the scenario):
#   1120 bank 55,000 (2025) + 100,000 - 60,000 + 832 - 10,400 + 1,000 = 86,432
#   1130 receivable 9,667 invoiced - 214 credit note - 856 - 1,000 paid = 7,597
#   1140 input VAT 700 + 350 = 1,050;  1160 WHT prepaid 24;  1240 van 60,000;  1241 depreciation -1,000
#   2110 payable -5,350;  2130 output VAT -(567 - 14) = -553;  2140 WHT payable -300;  2210 loan -100,000
#   3100 capital -50,000;  4100 sales -(9,100 - 200) = -8,900;  4290 (2025) -5,000
#   5385 depreciation 1,000;  5390 expenses 10,000 + 5,000 = 15,000
EXPECTED = {
    "tb_period_debit": D("199487.00"),  # every debit of 2026 (= every credit)
    "net_profit_2026": D("-7100.00"),  # 8,900 sales - 1,000 depreciation - 15,000 expenses
    "total_assets": D("154103.00"),  # current 95,103 + non-current 59,000
    "total_liabilities": D("106203.00"),  # current 6,203 + loan 100,000
    "previous_years_earnings": D("5000.00"),
    "bank_2026_change": D("31432.00"),
}
