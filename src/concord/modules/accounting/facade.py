"""Accounting's public face: what sales, inventory, purchasing and payroll call.

Functions take ids and plain values and return frozen dataclasses, never ORM objects. They run inside
the caller's transaction (each is atomic and joins an outer one), so "confirm the delivery and raise
its invoice" commits both or neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from concord.core.errors import NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.modules.accounting.models import (
    AccountingSettings,
    Invoice,
    Journal,
    JournalKind,
    JournalLine,
)
from concord.modules.accounting.services import entries as entry_services
from concord.modules.accounting.services import invoices as invoice_services
from concord.modules.accounting.services._support import default_account
from concord.modules.accounting.services.invoices import InvoiceLineInput

__all__ = [
    "EntryInfo",
    "InvoiceInfo",
    "InvoiceLineInput",
    "LedgerLine",
    "account_balance",
    "books_ready",
    "default_account_id",
    "invoice_cancel",
    "invoice_create_from_lines",
    "invoice_get",
    "invoice_post",
    "ledger_entry_post",
    "partner_balance",
]


@dataclass(frozen=True)
class InvoiceInfo:
    """An invoice as other modules see it."""

    id: int
    company_id: int
    kind: str
    partner_id: int
    number: str
    date: dt.date
    due_date: dt.date | None
    currency: str
    state: str
    amount_untaxed: Decimal
    amount_tax: Decimal
    amount_total: Decimal
    amount_residual: Decimal
    source_key: str


@dataclass(frozen=True)
class LedgerLine:
    """A line another module posts (stock valuation, payroll): account by id or by default role."""

    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    account_id: int | None = None
    account_role: str = ""  # e.g. "inventory", "cost_of_sales" when account_id is None
    partner_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class EntryInfo:
    id: int
    number: str
    date: dt.date
    state: str


def _info(invoice: Invoice) -> InvoiceInfo:
    return InvoiceInfo(
        id=invoice.pk,
        company_id=invoice.company_id,
        kind=invoice.kind,
        partner_id=invoice.partner_id,
        number=invoice.number,
        date=invoice.date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        state=invoice.state,
        amount_untaxed=invoice.amount_untaxed,
        amount_tax=invoice.amount_tax,
        amount_total=invoice.amount_total,
        amount_residual=invoice.amount_residual,
        source_key=invoice.source_key,
    )


def _company(company_id: int) -> Company:
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("There is no such company."))
    return company


def _invoice(invoice_id: int) -> Invoice:
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(_("There is no invoice %(id)s.") % {"id": invoice_id})
    return invoice


def invoice_get(invoice_id: int) -> InvoiceInfo | None:
    """The invoice with this id in the caller's company scope, or None."""
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    return _info(invoice) if invoice is not None else None


@transaction.atomic
def invoice_create_from_lines(
    *,
    company_id: int,
    kind: str,
    partner_id: int,
    lines: Sequence[InvoiceLineInput],
    by: Any,
    date: dt.date | None = None,
    currency: str | None = None,
    origin: str = "",
    source_key: str = "",
    post: bool = False,
) -> InvoiceInfo:
    """Create (and with ``post`` post) an invoice from another module's lines.

    With ``source_key`` (e.g. ``"sales.order:42:delivery:7"``) the call is idempotent: a second call
    answers with the invoice the first one made, so a retried request never invoices twice.
    """
    invoice = invoice_services.invoice_create(
        company=_company(company_id),
        kind=kind,
        partner_id=partner_id,
        lines=lines,
        by=by,
        date=date,
        currency=currency,
        origin=origin,
        source_key=source_key,
    )
    if post and invoice.is_draft:
        invoice = invoice_services.invoice_post(invoice=invoice, by=by)
    return _info(invoice)


def invoice_post(invoice_id: int, *, by: Any) -> InvoiceInfo:
    """Post a draft invoice of the caller's companies."""
    return _info(invoice_services.invoice_post(invoice=_invoice(invoice_id), by=by))


def invoice_cancel(invoice_id: int, *, by: Any, reason: str = "") -> InvoiceInfo:
    """Cancel an invoice (a posted one by reversal)."""
    return _info(invoice_services.invoice_cancel(invoice=_invoice(invoice_id), by=by, reason=reason))


def books_ready(company_id: int) -> bool:
    """Whether the company has a chart of accounts set up (so other modules can post to it)."""
    return AccountingSettings.objects.filter(company_id=company_id).exists()


def default_account_id(company_id: int, role: str) -> int:
    """The id of the company's default account for ``role`` (inventory, cost_of_sales, receivable...)."""
    return default_account(_company(company_id), role).pk


@transaction.atomic
def ledger_entry_post(
    *,
    company_id: int,
    date: dt.date,
    lines: Sequence[LedgerLine],
    by: Any,
    journal_kind: str = JournalKind.GENERAL,
    ref: str = "",
    origin: str = "",
) -> EntryInfo:
    """Post a balanced entry on the company's first journal of ``journal_kind`` (stock, payroll)."""
    company = _company(company_id)
    journal = (
        Journal.all_companies.filter(company_id=company.pk, kind=journal_kind, is_active=True)
        .order_by("pk")
        .first()
    )
    if journal is None:
        raise ValidationFailed(
            _("No active %(kind)s journal.") % {"kind": journal_kind}, field="journal_kind"
        )
    specs = []
    for line in lines:
        account_id = (
            line.account_id if line.account_id is not None else default_account(company, line.account_role).pk
        )
        specs.append(
            entry_services.LineSpec(
                account_id=account_id,
                debit=line.debit,
                credit=line.credit,
                partner_id=line.partner_id,
                label=line.label,
            )
        )
    entry = entry_services.entry_create(
        company=company, journal=journal, date=date, lines=specs, by=by, ref=ref, origin=origin, post=True
    )
    return EntryInfo(id=entry.pk, number=entry.number, date=entry.date, state=entry.state)


def account_balance(*, company_id: int, account_id: int, as_of: dt.date | None = None) -> Decimal:
    """Debit minus credit posted on one account of the company (up to ``as_of``)."""
    lines = JournalLine.all_companies.filter(company_id=company_id, account_id=account_id, posted=True)
    if as_of is not None:
        lines = lines.filter(date__lte=as_of)
    sums = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))  # two sums: exact on SQLite too
    return (sums["debit"] or Decimal(0)) - (sums["credit"] or Decimal(0))


def partner_balance(*, company_id: int, partner_id: int) -> Decimal:
    """What the partner owes the company (receivable) minus what the company owes it (payable), posted."""
    total = JournalLine.all_companies.filter(
        company_id=company_id,
        partner_id=partner_id,
        posted=True,
        account__subtype__in=("receivable", "payable"),
    ).aggregate(balance=Sum(F("debit") - F("credit")))["balance"]
    return total or Decimal(0)
