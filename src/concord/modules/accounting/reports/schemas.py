"""The answers of the reports API: the selectors' dataclasses as ninja schemas, keys with their labels."""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from concord.modules.accounting.reports import queries
from concord.modules.accounting.reports.labels import BUCKET_LABELS, CASH_FLOW_LABELS, SECTION_LABELS

__all__ = [
    "AgedBalancesOut",
    "AgedPartnerOut",
    "AgingAmountsOut",
    "BalanceSheetOut",
    "CashFlowLineOut",
    "CashFlowOut",
    "GeneralLedgerAccountOut",
    "GeneralLedgerLineOut",
    "GeneralLedgerOut",
    "PartnerLedgerLineOut",
    "PartnerLedgerOut",
    "ProfitAndLossOut",
    "StatementRowOut",
    "StatementSectionOut",
    "TrialBalanceOut",
    "TrialBalanceRowOut",
    "VatReportOut",
    "VatRowOut",
    "WithholdingRowOut",
]


class TrialBalanceRowOut(Schema):
    account_id: int
    code: str
    name: str
    local_name: str
    account_type: str
    is_group: bool
    level: int
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal


class TrialBalanceOut(Schema):
    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    rows: list[TrialBalanceRowOut]
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    is_balanced: bool


class GeneralLedgerLineOut(Schema):
    line_id: int
    entry_id: int
    entry_number: str
    journal_code: str
    date: dt.date
    label: str
    partner_id: int | None
    partner_name: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


class GeneralLedgerAccountOut(Schema):
    account_id: int
    code: str
    name: str
    local_name: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    line_count: int
    lines: list[GeneralLedgerLineOut]


class GeneralLedgerOut(Schema):
    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    accounts: list[GeneralLedgerAccountOut]
    debit: Decimal
    credit: Decimal
    line_count: int
    offset: int
    limit: int
    has_more: bool


class PartnerLedgerLineOut(Schema):
    line_id: int
    entry_id: int
    entry_number: str
    journal_code: str
    account_code: str
    date: dt.date
    due_date: dt.date | None
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


class PartnerLedgerOut(Schema):
    company_id: int
    currency: str
    partner_id: int
    partner_name: str
    date_from: dt.date
    date_to: dt.date
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    lines: list[PartnerLedgerLineOut]
    line_count: int
    offset: int
    limit: int
    has_more: bool


class StatementRowOut(Schema):
    account_id: int
    code: str
    name: str
    local_name: str
    amount: Decimal


class StatementSectionOut(Schema):
    key: str
    label: str
    rows: list[StatementRowOut]
    total: Decimal

    @staticmethod
    def resolve_label(obj: queries.StatementSection) -> str:
        return str(SECTION_LABELS[obj.key])


class ProfitAndLossOut(Schema):
    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    income: StatementSectionOut
    cost_of_sales: StatementSectionOut
    gross_profit: Decimal
    operating_expenses: StatementSectionOut
    operating_profit: Decimal
    other_income: StatementSectionOut
    other_expenses: StatementSectionOut
    net_profit: Decimal


class BalanceSheetOut(Schema):
    company_id: int
    currency: str
    as_of: dt.date
    fiscal_year_start: dt.date
    current_assets: StatementSectionOut
    non_current_assets: StatementSectionOut
    total_assets: Decimal
    current_liabilities: StatementSectionOut
    non_current_liabilities: StatementSectionOut
    total_liabilities: Decimal
    equity: StatementSectionOut
    previous_years_earnings: Decimal
    current_year_earnings: Decimal
    total_equity: Decimal
    total_liabilities_and_equity: Decimal
    is_balanced: bool


class AgingAmountsOut(Schema):
    not_due: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_91_120: Decimal
    over_120: Decimal
    total: Decimal


class AgedPartnerOut(Schema):
    partner_id: int | None
    partner_name: str
    partner_code: str
    amounts: AgingAmountsOut


class AgedBalancesOut(Schema):
    company_id: int
    currency: str
    as_of: dt.date
    kind: str
    buckets: dict[str, str] = Field(..., description="The bucket fields and their names.")
    rows: list[AgedPartnerOut]
    totals: AgingAmountsOut

    @staticmethod
    def resolve_buckets(obj: queries.AgedBalances) -> dict[str, str]:
        return {key: str(label) for key, label in BUCKET_LABELS.items()}


class VatRowOut(Schema):
    tax_id: int
    code: str
    name: str
    rate: Decimal
    sales_base: Decimal
    sales_tax: Decimal
    purchase_base: Decimal
    purchase_tax: Decimal


class WithholdingRowOut(Schema):
    tax_id: int
    code: str
    name: str
    rate: Decimal
    income_type: str
    by_customers_base: Decimal
    by_customers_amount: Decimal
    from_suppliers_base: Decimal
    from_suppliers_amount: Decimal


class VatReportOut(Schema):
    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    rows: list[VatRowOut]
    output_base: Decimal
    output_tax: Decimal
    input_base: Decimal
    input_tax: Decimal
    net_vat: Decimal = Field(..., description="Output minus input VAT: positive to pay, negative to reclaim.")
    withholding: list[WithholdingRowOut]
    withheld_by_customers: Decimal
    withheld_from_suppliers: Decimal


class CashFlowLineOut(Schema):
    key: str
    label: str
    amount: Decimal

    @staticmethod
    def resolve_label(obj: queries.CashFlowLine) -> str:
        return str(CASH_FLOW_LABELS[obj.key])


class CashFlowOut(Schema):
    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    net_profit: Decimal
    operating: list[CashFlowLineOut]
    operating_total: Decimal
    investing: list[CashFlowLineOut]
    investing_total: Decimal
    financing: list[CashFlowLineOut]
    financing_total: Decimal
    net_change: Decimal
    cash_opening: Decimal
    cash_closing: Decimal
    cash_change: Decimal
    reconciles: bool


class FxRevaluationRowOut(Schema):
    partner_id: int | None
    partner_name: str
    account_code: str
    account_name: str
    currency: str
    open_in_currency: Decimal
    booked: Decimal
    rate: Decimal | None
    revalued: Decimal | None
    difference: Decimal | None = Field(None, description="Positive: an unrealised gain.")


class FxRevaluationOut(Schema):
    company_id: int
    currency: str
    as_of: dt.date
    rows: list[FxRevaluationRowOut]
    booked: Decimal
    revalued: Decimal
    difference: Decimal
    missing_rates: list[str] = Field(..., description="Currencies with no rate on or before as_of.")
