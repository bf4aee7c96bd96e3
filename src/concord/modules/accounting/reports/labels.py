"""The words of the reports: their titles and descriptions, section and line names, aging buckets.

The selectors return keys (``"current_assets"``, ``"days_1_30"``); screens, exports and the API turn
them into the active language's words here, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

__all__ = [
    "BUCKET_LABELS",
    "CASH_FLOW_LABELS",
    "REPORTS",
    "SECTION_LABELS",
    "ReportInfo",
    "report_info",
]


@dataclass(frozen=True)
class ReportInfo:
    """One report: its slug (URL path, export file name), URL name, title and what it shows."""

    slug: str
    url_name: str
    title: Any
    description: Any


REPORTS: tuple[ReportInfo, ...] = (
    ReportInfo(
        "trial-balance",
        "accounting:report-trial-balance",
        _("Trial balance"),
        _("Opening balance, debits, credits and closing balance of every account, with group subtotals."),
    ),
    ReportInfo(
        "general-ledger",
        "accounting:report-general-ledger",
        _("General ledger"),
        _("Every posted line per account, with the running balance."),
    ),
    ReportInfo(
        "profit-and-loss",
        "accounting:report-pnl",
        _("Profit and loss"),
        _("Income and expenses of a period: gross, operating and net profit."),
    ),
    ReportInfo(
        "balance-sheet",
        "accounting:report-balance-sheet",
        _("Balance sheet"),
        _("Assets, liabilities and equity on a date, with this year's earnings."),
    ),
    ReportInfo(
        "aged-receivable",
        "accounting:report-aged-receivable",
        _("Aged receivables"),
        _("What each customer owes, by days past the due date."),
    ),
    ReportInfo(
        "aged-payable",
        "accounting:report-aged-payable",
        _("Aged payables"),
        _("What we owe each supplier, by days past the due date."),
    ),
    ReportInfo(
        "partner-ledger",
        "accounting:report-partner-ledger",
        _("Partner ledger"),
        _("A customer's or supplier's account with us, line by line."),
    ),
    ReportInfo(
        "vat",
        "accounting:report-vat",
        _("VAT report"),
        _("Output and input VAT per rate and the net to pay, with withholding tax."),
    ),
    ReportInfo(
        "fx-revaluation",
        "accounting:report-fx-revaluation",
        _("Unrealised exchange differences"),
        _("Open foreign-currency receivables and payables revalued at a date's rate."),
    ),
    ReportInfo(
        "cash-flow",
        "accounting:report-cash-flow",
        _("Cash flow statement"),
        _("Where cash came from and went (indirect method)."),
    ),
)


def report_info(slug: str) -> ReportInfo:
    """The report with this slug (a programming error raises ``KeyError``)."""
    for info in REPORTS:
        if info.slug == slug:
            return info
    raise KeyError(slug)


SECTION_LABELS: dict[str, Any] = {
    "income": _("Operating income"),
    "cost_of_sales": _("Cost of sales"),
    "operating_expenses": _("Operating expenses"),
    "other_income": _("Other income"),
    "other_expenses": _("Other expenses"),
    "current_assets": _("Current assets"),
    "non_current_assets": _("Non-current assets"),
    "current_liabilities": _("Current liabilities"),
    "non_current_liabilities": _("Non-current liabilities"),
    "equity": _("Equity"),
}

CASH_FLOW_LABELS: dict[str, Any] = {
    "depreciation": _("Depreciation added back"),
    "receivables": _("Change in receivables"),
    "inventory": _("Change in inventory"),
    "other_current_assets": _("Change in other current assets"),
    "payables": _("Change in payables"),
    "other_current_liabilities": _("Change in other current liabilities"),
    "non_current_assets": _("Purchases and sales of non-current assets"),
    "non_current_liabilities": _("Long-term borrowing and repayment"),
    "equity": _("Capital and other equity movements"),
}

BUCKET_LABELS: dict[str, Any] = {
    "not_due": _("Not due"),
    "days_1_30": _("1-30 days"),
    "days_31_60": _("31-60 days"),
    "days_61_90": _("61-90 days"),
    "days_91_120": _("91-120 days"),
    "over_120": _("Over 120 days"),
}
