"""Accounting models, one file per aggregate."""

from concord.modules.accounting.models.bank import BankStatement, BankStatementLine, StatementLineState
from concord.modules.accounting.models.chart import (
    SUBTYPES_BY_TYPE,
    Account,
    AccountingSettings,
    AccountSubtype,
    AccountType,
    FiscalPeriod,
    FiscalYear,
    Journal,
    JournalKind,
    PeriodState,
)
from concord.modules.accounting.models.entry import EntryState, JournalEntry, JournalLine, Reconciliation
from concord.modules.accounting.models.invoice import Invoice, InvoiceKind, InvoiceLine, InvoiceState
from concord.modules.accounting.models.payment import (
    Payment,
    PaymentDirection,
    PaymentState,
    WithholdingCertificate,
)
from concord.modules.accounting.models.tax import (
    IncomeType,
    PaymentTerm,
    ProductTax,
    Tax,
    TaxAmountType,
    TaxKind,
    TaxScope,
)

__all__ = [
    "SUBTYPES_BY_TYPE",
    "Account",
    "AccountSubtype",
    "AccountType",
    "AccountingSettings",
    "BankStatement",
    "BankStatementLine",
    "EntryState",
    "FiscalPeriod",
    "FiscalYear",
    "IncomeType",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceState",
    "Journal",
    "JournalEntry",
    "JournalKind",
    "JournalLine",
    "Payment",
    "PaymentDirection",
    "PaymentState",
    "PaymentTerm",
    "PeriodState",
    "ProductTax",
    "Reconciliation",
    "StatementLineState",
    "Tax",
    "TaxAmountType",
    "TaxKind",
    "TaxScope",
    "WithholdingCertificate",
]
