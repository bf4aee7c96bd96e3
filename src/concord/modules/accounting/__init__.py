"""Accounting: the chart of accounts, journals, the ledger, taxes, invoices, payments, bank, reports."""
