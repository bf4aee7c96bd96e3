"""Any report of the selectors laid out as a ``ReportDocument`` (see ``tables``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from concord.core.identity.models import Company
from concord.modules.accounting.reports import layout_ledgers, layout_statements
from concord.modules.accounting.reports import queries as q
from concord.modules.accounting.reports.tables import ReportDocument

__all__ = ["document_for"]

_BUILDERS: dict[type[Any], Callable[[Any, Company], ReportDocument]] = {
    q.TrialBalance: layout_ledgers.trial_balance_document,
    q.GeneralLedger: layout_ledgers.general_ledger_document,
    q.PartnerLedger: layout_ledgers.partner_ledger_document,
    q.AgedBalances: layout_ledgers.aged_document,
    q.ProfitAndLoss: layout_statements.profit_and_loss_document,
    q.BalanceSheet: layout_statements.balance_sheet_document,
    q.CashFlow: layout_statements.cash_flow_document,
    q.VatReport: layout_statements.vat_document,
    q.FxRevaluation: layout_ledgers.fx_revaluation_document,
}


def document_for(report: Any, *, company: Company) -> ReportDocument:
    """The tables of any report dataclass the selectors return."""
    return _BUILDERS[type(report)](report, company)
