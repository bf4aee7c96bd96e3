"""The report selectors, in one place: each takes a company and its filters and returns a frozen
dataclass of rows and totals, summed by the database (see ``_base``). Views, the API and exports use
these names; the selectors live in ``ledger``, ``statements``, ``partners`` and ``taxes``."""

from __future__ import annotations

from concord.modules.accounting.reports._base import MAX_LINES, AccountInfo, accounts_of, fiscal_year_start
from concord.modules.accounting.reports.fx import FxRevaluation, FxRevaluationRow, fx_revaluation
from concord.modules.accounting.reports.ledger import (
    GeneralLedger,
    GeneralLedgerAccount,
    GeneralLedgerLine,
    TrialBalance,
    TrialBalanceRow,
    general_ledger,
    trial_balance,
)
from concord.modules.accounting.reports.partners import (
    AGING_BUCKETS,
    AGING_KINDS,
    AgedBalances,
    AgedPartner,
    AgingAmounts,
    PartnerLedger,
    PartnerLedgerLine,
    aged_balances,
    partner_ledger,
    partners_with_ledger,
)
from concord.modules.accounting.reports.statements import (
    BalanceSheet,
    CashFlow,
    CashFlowLine,
    ProfitAndLoss,
    StatementRow,
    StatementSection,
    balance_sheet,
    cash_flow,
    profit_and_loss,
)
from concord.modules.accounting.reports.taxes import VatReport, VatRow, WithholdingRow, vat_report

__all__ = [
    "AGING_BUCKETS",
    "AGING_KINDS",
    "MAX_LINES",
    "AccountInfo",
    "AgedBalances",
    "AgedPartner",
    "AgingAmounts",
    "BalanceSheet",
    "CashFlow",
    "CashFlowLine",
    "FxRevaluation",
    "FxRevaluationRow",
    "GeneralLedger",
    "GeneralLedgerAccount",
    "GeneralLedgerLine",
    "PartnerLedger",
    "PartnerLedgerLine",
    "ProfitAndLoss",
    "StatementRow",
    "StatementSection",
    "TrialBalance",
    "TrialBalanceRow",
    "VatReport",
    "VatRow",
    "WithholdingRow",
    "accounts_of",
    "aged_balances",
    "balance_sheet",
    "cash_flow",
    "fiscal_year_start",
    "fx_revaluation",
    "general_ledger",
    "partner_ledger",
    "partners_with_ledger",
    "profit_and_loss",
    "trial_balance",
    "vat_report",
]
