"""The financial statements: profit and loss, balance sheet, and the cash flow statement (indirect)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from concord.core.identity.models import Company
from concord.modules.accounting.reports._base import (
    ZERO,
    AccountInfo,
    Rounder,
    accounts_of,
    check_period,
    debit_minus_credit,
    fiscal_year_start,
    posted_lines,
    rounder,
    sum_if,
)

__all__ = [
    "BalanceSheet",
    "CashFlow",
    "CashFlowLine",
    "ProfitAndLoss",
    "StatementRow",
    "StatementSection",
    "balance_sheet",
    "cash_flow",
    "profit_and_loss",
]

PROFIT_AND_LOSS_TYPES = frozenset({"income", "expense"})
CASH_SUBTYPES = frozenset({"bank", "cash"})
# Balance-sheet sections by subtype; an account whose subtype fits none falls back on its type.
BALANCE_SHEET_SECTIONS: dict[str, frozenset[str]] = {
    "current_assets": frozenset({"receivable", "bank", "cash", "inventory", "current_asset"}),
    "non_current_assets": frozenset({"non_current_asset"}),
    "current_liabilities": frozenset({"payable", "current_liability"}),
    "non_current_liabilities": frozenset({"non_current_liability"}),
    "equity": frozenset({"equity", "retained_earnings"}),
}
_TYPE_FALLBACK = {"asset": "current_assets", "liability": "current_liabilities", "equity": "equity"}
# Working-capital lines of the operating cash flow, by subtype (fallback by type as above).
OPERATING_LINES: dict[str, frozenset[str]] = {
    "receivables": frozenset({"receivable"}),
    "inventory": frozenset({"inventory"}),
    "other_current_assets": frozenset({"current_asset"}),
    "payables": frozenset({"payable"}),
    "other_current_liabilities": frozenset({"current_liability"}),
}
_CASH_FLOW_TYPE_FALLBACK = {
    "asset": "other_current_assets",
    "liability": "other_current_liabilities",
    "equity": "equity",
}


@dataclass(frozen=True)
class StatementRow:
    """An account on a statement, with its amount in the section's natural sign."""

    account_id: int
    code: str
    name: str
    local_name: str
    amount: Decimal


@dataclass(frozen=True)
class StatementSection:
    """A section of a statement (``key`` names it, e.g. ``"income"``) and its total."""

    key: str
    rows: tuple[StatementRow, ...]
    total: Decimal


def _section(
    key: str,
    accounts: Iterable[AccountInfo],
    balances: dict[int, Decimal],
    *,
    credit_positive: bool,
    money: Rounder,
) -> StatementSection:
    rows = []
    for account in accounts:
        amount = balances.get(account.id, ZERO)
        if amount:
            rows.append(
                StatementRow(
                    account_id=account.id,
                    code=account.code,
                    name=account.name,
                    local_name=account.local_name,
                    amount=-amount if credit_positive else amount,
                )
            )
    return StatementSection(key=key, rows=tuple(rows), total=money(sum((row.amount for row in rows), ZERO)))


def _balances_by_account(money: Rounder, lines: Any, **columns: Any) -> dict[str, dict[int, Decimal]]:
    """``{column: {account id: rounded sum}}`` from one grouped query of ``lines``."""
    found: dict[str, dict[int, Decimal]] = {name: {} for name in columns}
    for row in lines.values("account_id").annotate(**columns).order_by():
        for name in columns:
            found[name][row["account_id"]] = money(row[name])
    return found


# --------------------------------------------------------------------------- profit and loss
@dataclass(frozen=True)
class ProfitAndLoss:
    """Income and expenses of a period, income sections credit positive and expense sections debit
    positive: gross profit, operating profit and net profit (positive is a profit)."""

    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    income: StatementSection
    cost_of_sales: StatementSection
    gross_profit: Decimal
    operating_expenses: StatementSection
    operating_profit: Decimal
    other_income: StatementSection
    other_expenses: StatementSection
    net_profit: Decimal


def profit_and_loss(*, company: Company, date_from: dt.date, date_to: dt.date) -> ProfitAndLoss:
    """The P&L of the period by subtype sections. Two queries (the chart, the sums per account)."""
    check_period(date_from, date_to)
    money = rounder(company.currency)
    chart = accounts_of(company)
    accounts = [account for account in chart.values() if account.account_type in PROFIT_AND_LOSS_TYPES]
    lines = posted_lines(company).filter(
        date__gte=date_from, date__lte=date_to, account_id__in=[account.id for account in accounts]
    )
    balances = _balances_by_account(money, lines, balance=sum_if(None, debit_minus_credit()))["balance"]

    def section(key: str, subtypes: set[str], *, credit_positive: bool) -> StatementSection:
        chosen = [account for account in accounts if account.subtype in subtypes]
        return _section(key, chosen, balances, credit_positive=credit_positive, money=money)

    known = {"income", "other_income", "cost_of_sales", "expense", "depreciation", "other_expense"}
    income = section("income", {"income"}, credit_positive=True)
    cost_of_sales = section("cost_of_sales", {"cost_of_sales"}, credit_positive=False)
    # An account with an unexpected subtype still counts: as operating expense (or other income).
    odd_expense = {account.subtype for account in accounts if account.subtype not in known}
    operating_expenses = section(
        "operating_expenses", {"expense", "depreciation", *odd_expense}, credit_positive=False
    )
    other_income = section("other_income", {"other_income"}, credit_positive=True)
    other_expenses = section("other_expenses", {"other_expense"}, credit_positive=False)
    gross_profit = income.total - cost_of_sales.total
    operating_profit = gross_profit - operating_expenses.total
    return ProfitAndLoss(
        company_id=company.pk,
        currency=company.currency,
        date_from=date_from,
        date_to=date_to,
        income=income,
        cost_of_sales=cost_of_sales,
        gross_profit=gross_profit,
        operating_expenses=operating_expenses,
        operating_profit=operating_profit,
        other_income=other_income,
        other_expenses=other_expenses,
        net_profit=operating_profit + other_income.total - other_expenses.total,
    )


# --------------------------------------------------------------------------- balance sheet
@dataclass(frozen=True)
class BalanceSheet:
    """Assets, liabilities and equity on a date; assets debit positive, the others credit positive.

    ``current_year_earnings`` is the profit since the start of the fiscal year, and
    ``previous_years_earnings`` the profit of earlier years not yet closed into retained earnings, so
    ``total_assets == total_liabilities_and_equity`` exactly.
    """

    company_id: int
    currency: str
    as_of: dt.date
    fiscal_year_start: dt.date
    current_assets: StatementSection
    non_current_assets: StatementSection
    total_assets: Decimal
    current_liabilities: StatementSection
    non_current_liabilities: StatementSection
    total_liabilities: Decimal
    equity: StatementSection
    previous_years_earnings: Decimal
    current_year_earnings: Decimal
    total_equity: Decimal
    total_liabilities_and_equity: Decimal

    @property
    def is_balanced(self) -> bool:
        return self.total_assets == self.total_liabilities_and_equity


def _balance_sheet_section(account: AccountInfo) -> str:
    for key, subtypes in BALANCE_SHEET_SECTIONS.items():
        if account.subtype in subtypes:
            return key
    return _TYPE_FALLBACK.get(account.account_type, "current_assets")


def balance_sheet(*, company: Company, as_of: dt.date) -> BalanceSheet:
    """The balance sheet on ``as_of``. Three queries (fiscal year, chart, sums per account)."""
    money = rounder(company.currency)
    year_start = fiscal_year_start(company, as_of)
    chart = accounts_of(company)
    sums = _balances_by_account(
        money,
        posted_lines(company).filter(date__lte=as_of),
        balance=sum_if(None, debit_minus_credit()),
        this_year=sum_if(Q(date__gte=year_start), debit_minus_credit()),
    )
    balances, this_year = sums["balance"], sums["this_year"]
    grouped: dict[str, list[AccountInfo]] = {key: [] for key in BALANCE_SHEET_SECTIONS}
    current_year = previous_years = ZERO
    for account in chart.values():
        if account.account_type in PROFIT_AND_LOSS_TYPES:
            current_year -= this_year.get(account.id, ZERO)
            previous_years -= balances.get(account.id, ZERO) - this_year.get(account.id, ZERO)
        else:
            grouped[_balance_sheet_section(account)].append(account)
    sections = {
        key: _section(key, accounts, balances, credit_positive=not key.endswith("assets"), money=money)
        for key, accounts in grouped.items()
    }
    total_assets = sections["current_assets"].total + sections["non_current_assets"].total
    total_liabilities = sections["current_liabilities"].total + sections["non_current_liabilities"].total
    current_year, previous_years = money(current_year), money(previous_years)
    total_equity = sections["equity"].total + previous_years + current_year
    return BalanceSheet(
        company_id=company.pk,
        currency=company.currency,
        as_of=as_of,
        fiscal_year_start=year_start,
        current_assets=sections["current_assets"],
        non_current_assets=sections["non_current_assets"],
        total_assets=total_assets,
        current_liabilities=sections["current_liabilities"],
        non_current_liabilities=sections["non_current_liabilities"],
        total_liabilities=total_liabilities,
        equity=sections["equity"],
        previous_years_earnings=previous_years,
        current_year_earnings=current_year,
        total_equity=total_equity,
        total_liabilities_and_equity=total_liabilities + total_equity,
    )


# --------------------------------------------------------------------------- cash flow
@dataclass(frozen=True)
class CashFlowLine:
    """One line of the cash flow statement (``key`` names it); positive brings cash in."""

    key: str
    amount: Decimal


@dataclass(frozen=True)
class CashFlow:
    """The indirect cash flow of a period: net profit adjusted by the change of every balance-sheet
    account that is not cash, by activity. ``net_change`` must equal ``cash_change``, the movement of
    the bank and cash accounts; ``reconciles`` says whether it does."""

    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    net_profit: Decimal
    operating: tuple[CashFlowLine, ...]
    operating_total: Decimal
    investing: tuple[CashFlowLine, ...]
    investing_total: Decimal
    financing: tuple[CashFlowLine, ...]
    financing_total: Decimal
    net_change: Decimal
    cash_opening: Decimal
    cash_closing: Decimal
    cash_change: Decimal

    @property
    def reconciles(self) -> bool:
        return self.net_change == self.cash_change


def _cash_flow_line(account: AccountInfo) -> str:
    for key, subtypes in OPERATING_LINES.items():
        if account.subtype in subtypes:
            return key
    if account.subtype == "non_current_asset":
        return "non_current_assets"
    if account.subtype == "non_current_liability":
        return "non_current_liabilities"
    if account.subtype in ("equity", "retained_earnings"):
        return "equity"
    return _CASH_FLOW_TYPE_FALLBACK.get(account.account_type, "other_current_assets")


def cash_flow(*, company: Company, date_from: dt.date, date_to: dt.date) -> CashFlow:
    """The cash flow statement of the period (indirect method, simple). Two queries.

    Depreciation (expense on ``depreciation`` accounts) is added back in operating activities and taken
    out of the change in non-current assets, where its credit to accumulated depreciation sits.
    """
    check_period(date_from, date_to)
    money = rounder(company.currency)
    chart = accounts_of(company)
    sums = _balances_by_account(
        money,
        posted_lines(company).filter(date__lte=date_to),
        movement=sum_if(Q(date__gte=date_from), debit_minus_credit()),
        before=sum_if(Q(date__lt=date_from), debit_minus_credit()),
    )
    movement, before = sums["movement"], sums["before"]
    effects = dict.fromkeys(
        (*OPERATING_LINES, "non_current_assets", "non_current_liabilities", "equity"), ZERO
    )
    net_profit = depreciation = cash_opening = cash_change = ZERO
    for account in chart.values():
        moved = movement.get(account.id, ZERO)
        if account.subtype in CASH_SUBTYPES:
            cash_opening += before.get(account.id, ZERO)
            cash_change += moved
        elif account.account_type in PROFIT_AND_LOSS_TYPES:
            net_profit -= moved
            if account.subtype == "depreciation":
                depreciation += moved
        else:
            effects[_cash_flow_line(account)] -= moved  # more assets used cash; more liabilities brought it
    net_profit, cash_opening, cash_change = money(net_profit), money(cash_opening), money(cash_change)
    operating = (
        CashFlowLine("depreciation", money(depreciation)),
        *(CashFlowLine(key, money(effects[key])) for key in OPERATING_LINES),
    )
    investing = (CashFlowLine("non_current_assets", money(effects["non_current_assets"] - depreciation)),)
    financing = (
        CashFlowLine("non_current_liabilities", money(effects["non_current_liabilities"])),
        CashFlowLine("equity", money(effects["equity"])),
    )
    operating_total = net_profit + sum((line.amount for line in operating), ZERO)
    investing_total = money(sum((line.amount for line in investing), ZERO))
    financing_total = money(sum((line.amount for line in financing), ZERO))
    return CashFlow(
        company_id=company.pk,
        currency=company.currency,
        date_from=date_from,
        date_to=date_to,
        net_profit=net_profit,
        operating=operating,
        operating_total=operating_total,
        investing=investing,
        investing_total=investing_total,
        financing=financing,
        financing_total=financing_total,
        net_change=operating_total + investing_total + financing_total,
        cash_opening=cash_opening,
        cash_closing=cash_opening + cash_change,
        cash_change=cash_change,
    )
