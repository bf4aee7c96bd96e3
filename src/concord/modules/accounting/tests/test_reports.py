"""The report selectors against the hand-computed books of ``test_reports_scenario``, to the satang."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext

from concord.core.errors import NotFound, ValidationFailed
from concord.modules.accounting.models import Invoice, JournalLine
from concord.modules.accounting.reports import queries
from concord.modules.accounting.services.invoices import invoice_cancel

from .test_reports_scenario import AS_OF, EXPECTED, YEAR_START, Scenario, build_scenario, post_invoice

pytestmark = pytest.mark.django_db

D = Decimal
PERIOD: dict[str, Any] = {"date_from": YEAR_START, "date_to": AS_OF}


@pytest.fixture
def scenario(books, customer, vendor, accountant, make_company, make_partner) -> Scenario:
    return build_scenario(
        books=books,
        customer=customer,
        vendor=vendor,
        accountant=accountant,
        make_company=make_company,
        make_partner=make_partner,
    )


def _by_code(rows):
    return {row.code: row for row in rows}


# --------------------------------------------------------------------------- trial balance
def test_trial_balance_sums_to_zero_with_group_subtotals(scenario):
    report = queries.trial_balance(company=scenario.company, **PERIOD)
    assert report.is_balanced
    assert (report.opening, report.closing) == (D("0.00"), D("0.00"))
    assert report.debit == report.credit == EXPECTED["tb_period_debit"]
    rows = _by_code(report.rows)
    bank = rows["1120"]
    assert (bank.opening, bank.debit, bank.credit, bank.closing) == (
        D("55000.00"),
        D("101832.00"),
        D("70400.00"),
        D("86432.00"),
    )
    assert (rows["1130"].debit, rows["1130"].credit, rows["1130"].closing) == (
        D("9667.00"),
        D("2070.00"),
        D("7597.00"),
    )
    # groups add up their children, by the parent hierarchy of the chart
    assert rows["1100"].is_group
    assert rows["1100"].closing == D("95103.00")
    assert rows["1200"].closing == D("59000.00")
    assert rows["1000"].closing == EXPECTED["total_assets"]
    assert rows["2000"].closing == -EXPECTED["total_liabilities"]
    assert rows["4000"].opening == D("-5000.00")  # 2025's unclosed income
    assert (rows["1000"].level, rows["1100"].level, rows["1120"].level) == (0, 1, 2)
    # only accounts that moved; in chart order; the other company's 777,000 nowhere
    assert list(rows) == [
        "1000", "1100", "1120", "1130", "1140", "1160", "1200", "1240", "1241",
        "2000", "2100", "2110", "2130", "2140", "2200", "2210",
        "3000", "3100", "4000", "4100", "4200", "4290", "5000", "5300", "5385", "5390",
    ]  # fmt: skip
    assert all(D("777000") not in (row.opening, row.debit, row.credit) for row in report.rows)


def test_trial_balance_of_a_quiet_period_shows_balances_only(scenario):
    report = queries.trial_balance(
        company=scenario.company, date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 7, 31)
    )
    assert report.debit == report.credit == 0
    assert _by_code(report.rows)["1120"].opening == _by_code(report.rows)["1120"].closing == D("86432.00")
    assert report.is_balanced


# --------------------------------------------------------------------------- general ledger
def test_general_ledger_has_running_balances_and_pages(scenario):
    report = queries.general_ledger(company=scenario.company, **PERIOD)
    assert report.debit == report.credit == EXPECTED["tb_period_debit"]
    bank = report.accounts[0]
    assert (bank.code, bank.opening, bank.closing, bank.line_count) == (
        "1120",
        D("55000.00"),
        D("86432.00"),
        5,
    )
    assert [line.balance for line in bank.lines] == [
        D("155000.00"),
        D("95000.00"),
        D("95832.00"),
        D("85432.00"),
        D("86432.00"),
    ]
    receivable = report.accounts[1]
    assert receivable.code == "1130"
    assert receivable.lines[0].partner_name == "Lanna Crafts Co., Ltd."  # I4, the year's first invoice
    assert not report.has_more
    # one account, a page at a time: the running balance carries over from the lines before the page
    bank_only: dict[str, Any] = {"account_ids": [bank.account_id], **PERIOD}
    first = queries.general_ledger(company=scenario.company, limit=2, **bank_only)
    assert [line.balance for line in first.accounts[0].lines] == [D("155000.00"), D("95000.00")]
    assert first.has_more
    second = queries.general_ledger(company=scenario.company, limit=2, offset=2, **bank_only)
    assert [line.balance for line in second.accounts[0].lines] == [D("95832.00"), D("85432.00")]
    assert [account.code for account in second.accounts] == ["1120"]
    with pytest.raises(ValidationFailed, match="between 1 and"):
        queries.general_ledger(company=scenario.company, limit=0, **PERIOD)


def test_partner_ledger_runs_over_receivable_lines(scenario):
    report = queries.partner_ledger(company=scenario.company, partner_id=scenario.customer.pk, **PERIOD)
    assert (report.opening, report.debit, report.credit, report.closing) == (
        D("0.00"),
        D("4601.00"),
        D("1856.00"),
        D("2745.00"),
    )
    assert [line.balance for line in report.lines] == [
        D(v) for v in ("856.00", "0.00", "428.00", "2568.00", "2675.00", "3745.00", "2745.00")
    ]
    later = queries.partner_ledger(
        company=scenario.company,
        partner_id=scenario.customer.pk,
        date_from=dt.date(2026, 5, 1),
        date_to=AS_OF,
    )
    assert later.opening == D("428.00")
    assert later.lines[0].balance == D("2568.00")
    stranger = Invoice.objects.get(company=scenario.other).partner_id
    with pytest.raises(NotFound):
        queries.partner_ledger(company=scenario.company, partner_id=stranger, **PERIOD)
    assert queries.partners_with_ledger(scenario.company) == [
        (scenario.customer.pk, "Chao Phraya Foods Co., Ltd."),
        (scenario.vendor.pk, "Isan Steel Works Co., Ltd."),
        (scenario.lanna.pk, "Lanna Crafts Co., Ltd."),
    ]


# --------------------------------------------------------------------------- statements
def test_profit_and_loss_by_sections(scenario):
    report = queries.profit_and_loss(company=scenario.company, **PERIOD)
    assert [(row.code, row.amount) for row in report.income.rows] == [("4100", D("8900.00"))]
    assert report.cost_of_sales.rows == ()
    assert report.gross_profit == D("8900.00")
    assert [(row.code, row.amount) for row in report.operating_expenses.rows] == [
        ("5385", D("1000.00")),
        ("5390", D("15000.00")),
    ]
    assert report.operating_profit == D("-7100.00")
    assert report.other_income.total == report.other_expenses.total == 0
    assert report.net_profit == EXPECTED["net_profit_2026"]
    december = queries.profit_and_loss(
        company=scenario.company, date_from=dt.date(2025, 12, 1), date_to=dt.date(2025, 12, 31)
    )
    assert [(row.code, row.amount) for row in december.other_income.rows] == [("4290", D("5000.00"))]
    assert december.net_profit == D("5000.00")


def test_balance_sheet_balances_with_this_years_earnings(scenario):
    sheet = queries.balance_sheet(company=scenario.company, as_of=AS_OF)
    assert sheet.is_balanced
    assert sheet.total_assets == sheet.total_liabilities_and_equity == EXPECTED["total_assets"]
    assert sheet.total_liabilities == EXPECTED["total_liabilities"]
    assert [(row.code, row.amount) for row in sheet.current_assets.rows] == [
        ("1120", D("86432.00")),
        ("1130", D("7597.00")),
        ("1140", D("1050.00")),
        ("1160", D("24.00")),
    ]
    assert [(row.code, row.amount) for row in sheet.non_current_assets.rows] == [
        ("1240", D("60000.00")),
        ("1241", D("-1000.00")),
    ]
    assert sheet.current_liabilities.total == D("6203.00")
    assert [(row.code, row.amount) for row in sheet.equity.rows] == [("3100", D("50000.00"))]
    assert sheet.fiscal_year_start == YEAR_START
    assert sheet.previous_years_earnings == EXPECTED["previous_years_earnings"]
    # the P&L of the fiscal year so far is the balance sheet's current-year earnings
    pnl = queries.profit_and_loss(company=scenario.company, date_from=sheet.fiscal_year_start, date_to=AS_OF)
    assert sheet.current_year_earnings == pnl.net_profit == EXPECTED["net_profit_2026"]
    assert sheet.total_equity == D("47900.00")
    # at the end of 2025 (no fiscal year defined: the calendar year) the 5,000 is that year's
    old = queries.balance_sheet(company=scenario.company, as_of=dt.date(2025, 12, 31))
    assert (old.previous_years_earnings, old.current_year_earnings, old.total_assets) == (
        D("0.00"),
        D("5000.00"),
        D("55000.00"),
    )
    assert old.is_balanced


def test_cash_flow_reconciles_to_the_bank(scenario):
    flow = queries.cash_flow(company=scenario.company, **PERIOD)
    assert flow.net_profit == EXPECTED["net_profit_2026"]
    assert {line.key: line.amount for line in flow.operating} == {
        "depreciation": D("1000.00"),
        "receivables": D("-7597.00"),
        "inventory": D("0.00"),
        "other_current_assets": D("-1074.00"),
        "payables": D("5350.00"),
        "other_current_liabilities": D("853.00"),
    }
    assert flow.operating_total == D("-8568.00")
    assert flow.investing_total == D("-60000.00")  # the van; depreciation is not a cash flow
    assert flow.financing_total == D("100000.00")
    assert flow.reconciles
    # the change in cash, summed independently from the bank and cash lines of the period
    bank_change = JournalLine.objects.filter(
        company=scenario.company,
        posted=True,
        account__subtype__in=("bank", "cash"),
        date__gte=YEAR_START,
        date__lte=AS_OF,
    ).aggregate(total=Sum(F("debit") - F("credit")))["total"]
    assert flow.net_change == flow.cash_change == bank_change == EXPECTED["bank_2026_change"]
    assert (flow.cash_opening, flow.cash_closing) == (D("55000.00"), D("86432.00"))


# --------------------------------------------------------------------------- aging
def _aging(report):
    return {
        row.partner_name: tuple(
            getattr(row.amounts, f)
            for f in ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_91_120", "over_120")
        )
        for row in report.rows
    }


def test_aged_receivables_by_days_overdue(scenario):
    report = queries.aged_balances(company=scenario.company, as_of=AS_OF)
    assert _aging(report) == {
        # I1 not due; I2 15 days (1,140 left) + I7 30 days; I5 91 days
        "Chao Phraya Foods Co., Ltd.": tuple(D(v) for v in ("1070", "1247", "0", "0", "428", "0")),
        # I9 not due; I6 31 days; I3 61 days; the open credit note -214 at 117 days; I4 149 days
        "Lanna Crafts Co., Ltd.": tuple(D(v) for v in ("1000", "0", "321", "3210", "-214", "535")),
    }
    assert report.totals.total == D("7597.00")  # = the receivable account's balance
    assert [row.amounts.total for row in report.rows] == [D("2745.00"), D("4852.00")]


def test_aging_bucket_edges_120_and_121_days(scenario):
    # I4 fell due on 1 February: 120 days later it is still in 91-120, a day later over 120
    on_120 = _aging(queries.aged_balances(company=scenario.company, as_of=dt.date(2026, 6, 1)))
    on_121 = _aging(queries.aged_balances(company=scenario.company, as_of=dt.date(2026, 6, 2)))
    assert on_120["Lanna Crafts Co., Ltd."] == tuple(D(v) for v in ("0", "321", "3210", "-214", "535", "0"))
    assert on_121["Lanna Crafts Co., Ltd."][4:] == (D("0.00"), D("535.00"))


def test_aged_payables(scenario):
    report = queries.aged_balances(company=scenario.company, as_of=AS_OF, kind="payable")
    assert _aging(report) == {
        "Isan Steel Works Co., Ltd.": tuple(D(v) for v in ("0", "5350", "0", "0", "0", "0"))
    }
    with pytest.raises(ValidationFailed):
        queries.aged_balances(company=scenario.company, as_of=AS_OF, kind="both")


# --------------------------------------------------------------------------- taxes
def test_vat_report_per_rate_with_withholding(scenario):
    report = queries.vat_report(company=scenario.company, **PERIOD)
    rows = _by_code(report.rows)
    seven = rows["VAT7"]
    assert (seven.sales_base, seven.sales_tax) == (D("7900.00"), D("553.00"))  # 8,100 - the 200 credit note
    assert seven.sales_tax == (seven.sales_base * D("0.07")).quantize(D("0.01"))
    assert (seven.purchase_base, seven.purchase_tax) == (D("15000.00"), D("1050.00"))
    assert (rows["VAT0"].sales_base, rows["VAT0"].sales_tax) == (D("1000.00"), D("0.00"))
    assert (report.output_base, report.output_tax, report.input_base, report.input_tax) == (
        D("8900.00"),
        D("553.00"),
        D("15000.00"),
        D("1050.00"),
    )
    assert report.net_vat == D("-497.00")
    (wht,) = report.withholding
    assert (wht.code, wht.by_customers_base, wht.by_customers_amount) == ("WHT3", D("800.00"), D("24.00"))
    assert (wht.from_suppliers_base, wht.from_suppliers_amount) == (D("10000.00"), D("300.00"))


def test_cancelled_invoices_net_out_of_the_vat_report(scenario):
    company, by = scenario.company, scenario.accountant
    july = {"date_from": dt.date(2026, 7, 1), "date_to": dt.date(2026, 7, 31)}
    on = dt.date(2026, 7, 3)
    for taxes in (("VAT7",), ("VAT0",)):
        invoice = post_invoice(company, by, scenario.customer, "1000", on=on, due=on, taxes=taxes)
        invoice_cancel(invoice=invoice, by=by)
    report = queries.vat_report(company=company, **july)
    assert {row.code: (row.sales_base, row.sales_tax) for row in report.rows} == {
        "VAT0": (D("0.00"), D("0.00")),
        "VAT7": (D("0.00"), D("0.00")),
    }


def test_a_period_ending_before_it_starts_is_refused(scenario):
    backwards: dict[str, Any] = {"date_from": AS_OF, "date_to": YEAR_START}
    for selector in (
        queries.trial_balance,
        queries.general_ledger,
        queries.profit_and_loss,
        queries.vat_report,
        queries.cash_flow,
    ):
        with pytest.raises(ValidationFailed, match="start date") as caught:
            selector(company=scenario.company, **backwards)
        assert caught.value.field == "date_from"


# --------------------------------------------------------------------------- scale
def _queries_run(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_trial_balance_and_aging_run_a_fixed_number_of_queries(scenario):
    company = scenario.company
    calls = {
        "trial balance": lambda: queries.trial_balance(company=company, **PERIOD),
        "aging": lambda: queries.aged_balances(company=company, as_of=AS_OF),
        "general ledger": lambda: queries.general_ledger(company=company, **PERIOD),
        "balance sheet": lambda: queries.balance_sheet(company=company, as_of=AS_OF),
        "vat": lambda: queries.vat_report(company=company, **PERIOD),
    }
    before = {name: _queries_run(call) for name, call in calls.items()}
    assert before["trial balance"] == 2
    assert before["aging"] == 2
    for day in range(1, 25):  # 24 more invoices: 72 more lines, a dozen more partners' items
        on = dt.date(2026, 6, day)
        post_invoice(company, scenario.accountant, scenario.lanna, str(100 + day), on=on, due=on)
    after = {name: _queries_run(call) for name, call in calls.items()}
    assert after == before
