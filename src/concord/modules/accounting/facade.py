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
    "LineAmountsInfo",
    "PartnerCredit",
    "PaymentInfo",
    "TaxChoice",
    "account_balance",
    "books_ready",
    "default_account_id",
    "invoice_cancel",
    "invoice_create_from_lines",
    "invoice_get",
    "invoice_payment_register",
    "invoice_post",
    "invoices_by_source",
    "ledger_entry_post",
    "partner_balance",
    "partner_credit",
    "sale_line_amounts",
    "sale_taxes",
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


# ------------------------------------------------------------------------- for sales (and the portal)
@dataclass(frozen=True)
class PartnerCredit:
    """What a customer owes on posted customer invoices (company currency) and how much of it is late."""

    receivable_open: Decimal
    overdue_amount: Decimal
    overdue_count: int
    currency: str


@dataclass(frozen=True)
class LineAmountsInfo:
    """One document line's amounts as the invoice will compute them, and the taxes it carries."""

    subtotal: Decimal
    tax: Decimal
    total: Decimal
    tax_ids: tuple[int, ...]


@dataclass(frozen=True)
class TaxChoice:
    """A tax a sale line may carry."""

    id: int
    code: str
    name: str
    amount: Decimal
    amount_type: str
    price_include: bool


@dataclass(frozen=True)
class PaymentInfo:
    id: int
    number: str
    amount: Decimal
    currency: str


def invoices_by_source(company_id: int, source_prefix: str) -> list[InvoiceInfo]:
    """Invoices whose ``source_key`` is ``source_prefix`` or starts with it and ":" (oldest first).

    ``"sales.order:1"`` finds that order's invoices (``"sales.order:1:order"``...), never order 10's.
    """
    from django.db.models import Q

    rows = Invoice.all_companies.filter(company_id=company_id).filter(
        Q(source_key=source_prefix) | Q(source_key__startswith=f"{source_prefix}:")
    )
    return [_info(invoice) for invoice in rows.order_by("pk")]


def partner_credit(company_id: int, partner_id: int, as_of: dt.date) -> PartnerCredit:
    """Open residuals of the partner's posted customer invoices (less open credit notes), in company
    currency at each invoice's rate; overdue: due before ``as_of``. One query."""
    from django.db.models import Count, DecimalField, ExpressionWrapper, Q

    from concord.modules.accounting.models import InvoiceKind, InvoiceState

    company = _company(company_id)
    open_states = (InvoiceState.POSTED, InvoiceState.PARTIAL)
    residual = ExpressionWrapper(F("amount_residual") * F("rate"), output_field=DecimalField())
    rows = Invoice.all_companies.filter(
        company_id=company_id,
        partner_id=partner_id,
        state__in=open_states,
        kind__in=(InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.CUSTOMER_CREDIT_NOTE),
    )
    invoice = Q(kind=InvoiceKind.CUSTOMER_INVOICE)
    late = invoice & Q(due_date__lt=as_of) & Q(amount_residual__gt=0)
    sums = rows.aggregate(
        invoiced=Sum(residual, filter=invoice),
        credited=Sum(residual, filter=Q(kind=InvoiceKind.CUSTOMER_CREDIT_NOTE)),
        overdue=Sum(residual, filter=late),
        overdue_count=Count("pk", filter=late),
    )
    places = Decimal("0.01")
    open_amount = (sums["invoiced"] or Decimal(0)) - (sums["credited"] or Decimal(0))
    return PartnerCredit(
        receivable_open=open_amount.quantize(places),
        overdue_amount=(sums["overdue"] or Decimal(0)).quantize(places),
        overdue_count=int(sums["overdue_count"] or 0),
        currency=company.currency,
    )


def sale_taxes(company_id: int) -> list[TaxChoice]:
    """The active taxes a customer document line may carry (VAT and the like; never withholding)."""
    from concord.modules.accounting.models import Tax, TaxKind, TaxScope

    rows = (
        Tax.all_companies.filter(
            company_id=company_id, is_active=True, scope__in=[TaxScope.SALE, TaxScope.BOTH]
        )
        .exclude(kind=TaxKind.WHT)
        .order_by("code")
    )
    return [
        TaxChoice(
            id=tax.pk,
            code=tax.code,
            name=tax.name,
            amount=tax.amount,
            amount_type=tax.amount_type,
            price_include=tax.price_include,
        )
        for tax in rows
    ]


def sale_line_amounts(
    *, company_id: int, lines: Sequence[InvoiceLineInput], currency: str
) -> list[LineAmountsInfo]:
    """Untaxed, tax and total of customer document lines, computed exactly as a customer invoice of
    those lines would (the product's default taxes where ``tax_ids`` is None, groups expanded, rounded
    per line). A tax of another company, a withholding or purchase tax is a 422 on ``lines``. A
    constant number of queries whatever the number of lines."""
    from concord.modules.accounting.models import InvoiceKind
    from concord.modules.accounting.taxcalc import TaxRule, line_amounts

    company = _company(company_id)
    context = invoice_services._tax_context(company, InvoiceKind.CUSTOMER_INVOICE, lines)
    answers: list[LineAmountsInfo] = []
    for index, spec in enumerate(lines, start=1):
        chosen = invoice_services._resolve_taxes(company, InvoiceKind.CUSTOMER_INVOICE, spec, index, context)
        leaves = [leaf for tax in chosen for leaf in invoice_services._expanded(tax)]
        amounts = line_amounts(
            quantity=spec.quantity,
            unit_price=spec.unit_price,
            discount_percent=spec.discount_percent,
            taxes=[TaxRule(tax.pk, tax.amount_type, tax.amount, tax.price_include) for tax in leaves],
            currency=currency,
        )
        answers.append(
            LineAmountsInfo(
                subtotal=amounts.subtotal,
                tax=amounts.total - amounts.subtotal,
                total=amounts.total,
                tax_ids=tuple(tax.pk for tax in chosen),
            )
        )
    return answers


def invoice_payment_register(
    *, invoice_id: int, amount: Decimal, by: Any, date: dt.date | None = None, source_key: str = ""
) -> PaymentInfo:
    """Record money received for (or paid on) one invoice through the company's first bank journal."""
    from django.utils import timezone

    from concord.modules.accounting.services.payments import payment_register

    invoice = _invoice(invoice_id)
    journal = (
        Journal.all_companies.filter(company_id=invoice.company_id, kind=JournalKind.BANK, is_active=True)
        .order_by("pk")
        .first()
    )
    if journal is None:
        raise ValidationFailed(_("No active %(kind)s journal.") % {"kind": JournalKind.BANK}, field="journal")
    payment = payment_register(
        company=invoice.company,
        partner_id=invoice.partner_id,
        journal=journal,
        amount=amount,
        date=date or timezone.localdate(),
        by=by,
        invoices=[invoice],
        source_key=source_key,
    )
    return PaymentInfo(id=payment.pk, number=payment.number, amount=payment.amount, currency=payment.currency)


# ------------------------------------------------------------------------- for the customer portal
def invoices_for_partner(company_id: int, partner_id: int) -> list[InvoiceInfo]:
    """The partner's posted (or paid) customer invoices and credit notes in ``company_id``, newest first."""
    from concord.modules.accounting.models import InvoiceKind, InvoiceState

    rows = Invoice.all_companies.filter(
        company_id=company_id,
        partner_id=partner_id,
        kind__in=(InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.CUSTOMER_CREDIT_NOTE),
        state__in=(InvoiceState.POSTED, InvoiceState.PARTIAL, InvoiceState.PAID),
    )
    return [_info(invoice) for invoice in rows.order_by("-date", "-pk")]


def invoice_pdf(invoice_id: int) -> bytes:
    """The invoice's PDF (the document accounting prints); callers check who may see it first."""
    from concord.modules.accounting.documents.pdf import invoice_pdf as render_invoice_pdf

    invoice = Invoice.all_companies.filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(_("There is no invoice %(id)s.") % {"id": invoice_id})
    return render_invoice_pdf(invoice)


__all__ += ["invoice_pdf", "invoices_for_partner"]
