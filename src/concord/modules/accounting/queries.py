"""Reads of the ledger screens and panels: querysets inside the module, plain values across it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from concord.core.identity.models import Company
from concord.modules.accounting.models import (
    Invoice,
    InvoiceKind,
    InvoiceState,
    JournalLine,
    Payment,
    Reconciliation,
    WithholdingCertificate,
)
from concord.modules.accounting.services._support import round_to

__all__ = [
    "AccountingSummary",
    "Settlement",
    "accounting_summary",
    "counter_open_lines",
    "entry_lines",
    "invoice_payments",
    "matched_entries",
    "outstanding_credit",
    "partner_invoices",
    "partner_open_items",
    "payment_certificate",
    "payment_invoices",
]

ZERO = Decimal(0)
OPEN_STATES = (InvoiceState.POSTED, InvoiceState.PARTIAL)


@dataclass(frozen=True)
class Settlement:
    """Something that settled part of an invoice: a payment, a credit note or an exchange difference."""

    kind: str
    number: str
    date: dt.date
    amount: Decimal
    url: str


def entry_lines(entry_id: int) -> QuerySet[JournalLine]:
    """The lines of an entry with their accounts and partners, in order."""
    return (
        JournalLine.objects.filter(entry_id=entry_id)
        .select_related("account", "partner", "tax")
        .order_by("pk")
    )


def matched_entries(entry_id: int) -> dict[int, Decimal]:
    """Entries matched against ``entry_id``'s lines -> amount matched (in the line's currency)."""
    matched: dict[int, Decimal] = {}
    rows = Reconciliation.objects.filter(
        Q(debit_line__entry_id=entry_id) | Q(credit_line__entry_id=entry_id)
    ).values_list(
        "debit_line__entry_id", "credit_line__entry_id", "debit_amount_currency", "credit_amount_currency"
    )
    for debit_entry, credit_entry, debit_amount, credit_amount in rows:
        if debit_entry == credit_entry:
            continue
        if debit_entry == entry_id:
            matched[credit_entry] = matched.get(credit_entry, ZERO) + debit_amount
        else:
            matched[debit_entry] = matched.get(debit_entry, ZERO) + credit_amount
    return matched


def invoice_payments(invoice: Invoice) -> list[Settlement]:
    """What settled the invoice so far (payments and credit notes), oldest first."""
    if invoice.entry_id is None:
        return []
    matched = matched_entries(invoice.entry_id)
    if not matched:
        return []
    settlements = [
        Settlement(
            "payment",
            p.number,
            p.date,
            matched[p.entry_id],
            reverse("accounting:payment-detail", args=[p.pk]),
        )
        for p in Payment.objects.filter(entry_id__in=matched)
    ]
    settlements += [
        Settlement(
            "credit_note" if inv.is_credit_note else "invoice",
            inv.number,
            inv.date,
            matched[inv.entry_id or 0],
            reverse("accounting:invoice-detail", args=[inv.pk]),
        )
        for inv in Invoice.objects.filter(entry_id__in=matched)
    ]
    return sorted(settlements, key=lambda s: (s.date, s.number))


def payment_invoices(payment: Payment) -> list[Settlement]:
    """The invoices a payment settled."""
    matched = matched_entries(payment.entry_id)
    return [
        Settlement(
            "invoice",
            inv.number,
            inv.date,
            matched[inv.entry_id or 0],
            reverse("accounting:invoice-detail", args=[inv.pk]),
        )
        for inv in Invoice.objects.filter(entry_id__in=matched).order_by("date", "pk")
    ]


def counter_open_lines(invoice: Invoice, *, account_id: int, owed_to_us: bool) -> QuerySet[JournalLine]:
    """The partner's open lines on the other side of the invoice's account that could settle it: credit
    (an overpayment, a credit note) when the partner owes us, a refund due to us when we owe them."""
    others = JournalLine.all_companies.filter(
        company_id=invoice.company_id,
        partner_id=invoice.partner_id,
        account_id=account_id,
        posted=True,
        reconciled=False,
    ).exclude(entry_id=invoice.entry_id)
    return others.filter(amount_residual__lt=0) if owed_to_us else others.filter(amount_residual__gt=0)


def outstanding_credit(invoice: Invoice) -> Decimal:
    """How much credit of the partner (company currency) could settle the invoice now; 0 when none."""
    if invoice.state not in OPEN_STATES or invoice.entry_id is None:
        return ZERO
    own_account = (
        JournalLine.objects.filter(entry_id=invoice.entry_id, account__reconcile=True)
        .values_list("account_id", "amount_residual")
        .first()
    )
    if own_account is None:
        return ZERO
    account_id, residual = own_account
    others = counter_open_lines(invoice, account_id=account_id, owed_to_us=residual > 0)
    total: Decimal = others.aggregate(total=Sum("amount_residual"))["total"] or ZERO
    return round_to(abs(total), invoice.company.currency)


def payment_certificate(payment: Payment) -> WithholdingCertificate | None:
    return WithholdingCertificate.objects.filter(payment_id=payment.pk).first()


def partner_invoices(*, partner_id: int, limit: int = 10) -> QuerySet[Invoice]:
    """The partner's latest invoices and bills (drafts included)."""
    return (
        Invoice.objects.filter(partner_id=partner_id)
        .exclude(state=InvoiceState.CANCELLED)
        .order_by("-date", "-pk")[:limit]
    )


def partner_open_items(*, company_id: int, partner_id: int) -> dict[str, Decimal | int]:
    """Open receivable and payable of a partner (company currency), what of it is overdue today, and how
    many receivable/payable lines the partner has at all (0: accounting knows nothing of them). One query.

    Reconciled lines have no residual left, so summing every line of the partner's receivable and
    payable accounts gives what is open, on the (company, partner, account) index.
    """
    today = timezone.localdate()
    base = JournalLine.objects.filter(
        company_id=company_id, partner_id=partner_id, posted=True, account__reconcile=True
    )
    totals = base.aggregate(
        receivable=Sum("amount_residual", filter=Q(account__subtype="receivable")),
        payable=Sum("amount_residual", filter=Q(account__subtype="payable")),
        overdue=Sum("amount_residual", filter=Q(account__subtype="receivable", due_date__lt=today)),
        lines=Count("pk"),
    )
    return {key: value or (0 if key == "lines" else ZERO) for key, value in totals.items()}


@dataclass(frozen=True)
class AccountingSummary:
    receivable: Decimal
    receivable_overdue: Decimal
    payable: Decimal
    drafts: int
    open_invoices: int
    open_bills: int
    currency: str


def accounting_summary(company: Company, *, as_of: dt.date) -> AccountingSummary:
    """Money owed to and by the company, and the work waiting (drafts, unpaid documents)."""
    lines = JournalLine.objects.filter(
        company=company, posted=True, reconciled=False, account__reconcile=True
    )
    totals = lines.aggregate(
        receivable=Sum("amount_residual", filter=Q(account__subtype="receivable")),
        overdue=Sum("amount_residual", filter=Q(account__subtype="receivable", due_date__lt=as_of)),
        payable=Sum("amount_residual", filter=Q(account__subtype="payable")),
    )
    counts: dict[str, Any] = Invoice.objects.filter(company=company).aggregate(
        drafts=Count("pk", filter=Q(state=InvoiceState.DRAFT)),
        open_invoices=Count("pk", filter=Q(state__in=OPEN_STATES, kind=InvoiceKind.CUSTOMER_INVOICE)),
        open_bills=Count("pk", filter=Q(state__in=OPEN_STATES, kind=InvoiceKind.VENDOR_BILL)),
    )
    return AccountingSummary(
        receivable=totals["receivable"] or ZERO,
        receivable_overdue=totals["overdue"] or ZERO,
        payable=-(totals["payable"] or ZERO),
        drafts=counts["drafts"],
        open_invoices=counts["open_invoices"],
        open_bills=counts["open_bills"],
        currency=company.currency,
    )
