"""Invoices, bills and credit notes: draft from lines, post to the ledger, cancel by reversal."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.currencies import is_valid_currency
from concord.core.money.queries import exchange_rate_on
from concord.modules.accounting.errors import InvalidAccountError, StateError
from concord.modules.accounting.events import InvoiceCancelled, InvoicePosted
from concord.modules.accounting.models import (
    Account,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    Journal,
    JournalKind,
    PaymentTerm,
    Tax,
    TaxAmountType,
    TaxKind,
    TaxScope,
)
from concord.modules.accounting.services._support import (
    ZERO,
    actor,
    check_date_open,
    check_same_company,
    default_account,
    partner_of,
    publish_for_partner,
    round_to,
    settings_for,
)
from concord.modules.accounting.services.entries import LineSpec, entry_create, entry_reverse
from concord.modules.accounting.taxcalc import TaxRule, line_amounts
from concord.modules.accounting.taxes_default import default_tax_ids_by_product

__all__ = [
    "InvoiceLineInput",
    "credit_note_create",
    "invoice_cancel",
    "invoice_create",
    "invoice_delete",
    "invoice_post",
    "invoice_update",
]

CUSTOMER_KINDS = (InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.CUSTOMER_CREDIT_NOTE)
_CREDIT_NOTE_OF = {
    InvoiceKind.CUSTOMER_INVOICE: InvoiceKind.CUSTOMER_CREDIT_NOTE,
    InvoiceKind.VENDOR_BILL: InvoiceKind.VENDOR_CREDIT_NOTE,
}
MAX_LINES = 5000


@dataclass(frozen=True)
class InvoiceLineInput:
    """A line to invoice: what, how many, at what price, with which discount and taxes."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    product_id: int | None = None
    account_id: int | None = None
    discount_percent: Decimal = ZERO
    tax_ids: tuple[int, ...] | None = None  # None: the product's default taxes


def _due_date(on_date: dt.date, term: PaymentTerm | None, partner_days: int) -> dt.date:
    if term is None:
        return on_date + dt.timedelta(days=partner_days)
    start = on_date
    if term.end_of_month:
        start = on_date.replace(day=calendar.monthrange(on_date.year, on_date.month)[1])
    return start + dt.timedelta(days=term.days)


def _expanded(tax: Tax) -> list[Tax]:
    if tax.amount_type == TaxAmountType.GROUP:
        children = sorted(tax.children.all(), key=lambda child: child.pk)  # prefetched: no query
        return [leaf for child in children for leaf in _expanded(child)]
    return [tax]


@dataclass(frozen=True)
class _TaxContext:
    """Every tax the lines may use, loaded at once, and the defaults of lines that name none."""

    taxes: dict[int, Tax]
    by_product: dict[int, list[int]]
    company_default: list[int]

    def for_line(self, spec: InvoiceLineInput) -> tuple[int, ...]:
        if spec.tax_ids is not None:
            return spec.tax_ids
        if spec.product_id is not None and spec.product_id in self.by_product:
            return tuple(self.by_product[spec.product_id])
        return tuple(self.company_default)


def _tax_context(company: Company, kind: str, specs: Sequence[InvoiceLineInput]) -> _TaxContext:
    product_ids = {spec.product_id for spec in specs if spec.tax_ids is None and spec.product_id is not None}
    by_product, company_default = default_tax_ids_by_product(
        company_id=company.pk, product_ids=product_ids, customer_side=kind in CUSTOMER_KINDS
    )
    wanted = {tax_id for spec in specs for tax_id in (spec.tax_ids or ())}
    wanted |= {tax_id for ids in by_product.values() for tax_id in ids} | set(company_default)
    taxes = {
        tax.pk: tax for tax in Tax.all_companies.filter(pk__in=wanted).prefetch_related("children__children")
    }
    return _TaxContext(taxes=taxes, by_product=by_product, company_default=company_default)


def _resolve_taxes(
    company: Company, kind: str, spec: InvoiceLineInput, index: int, context: _TaxContext
) -> list[Tax]:
    customer_side = kind in CUSTOMER_KINDS
    chosen = []
    for tax_id in context.for_line(spec):
        tax = context.taxes.get(tax_id)
        if tax is None or tax.company_id != company.pk:
            raise InvalidAccountError(
                _("Line %(line)s: the tax does not belong to %(company)s.")
                % {"line": index, "company": company.name},
                field="lines",
            )
        if tax.kind == TaxKind.WHT:
            raise ValidationFailed(
                _("Line %(line)s: %(tax)s is a withholding tax; it is applied when the invoice is paid.")
                % {"line": index, "tax": tax.name},
                field="lines",
            )
        wrong_scope = tax.scope == (TaxScope.PURCHASE if customer_side else TaxScope.SALE)
        if wrong_scope or not tax.is_active:
            raise ValidationFailed(
                _("Line %(line)s: the tax %(tax)s cannot be used on this document.")
                % {"line": index, "tax": tax.name},
                field="lines",
            )
        chosen.append(tax)
    return chosen


def _product_companies(product_ids: set[int]) -> dict[int, int]:
    """Product id -> its company, in one query, read through the invoice line's own foreign key."""
    if not product_ids:
        return {}
    product_model: Any = InvoiceLine._meta.get_field("product").remote_field.model
    return dict(product_model._base_manager.filter(pk__in=product_ids).values_list("pk", "company_id"))


def _build_lines(
    company: Company, invoice: Invoice, specs: Sequence[InvoiceLineInput]
) -> list[tuple[InvoiceLine, list[Tax]]]:
    if not specs:
        raise ValidationFailed(_("An invoice needs at least one line."), field="lines")
    if len(specs) > MAX_LINES:
        raise ValidationFailed(
            _("An invoice can have at most %(max)s lines.") % {"max": MAX_LINES}, field="lines"
        )
    settings = settings_for(company)
    customer_side = invoice.kind in CUSTOMER_KINDS
    fallback = default_account(company, "income" if customer_side else "expense", settings=settings)
    account_ids = {spec.account_id for spec in specs if spec.account_id is not None}
    accounts = {a.pk: a for a in Account.all_companies.filter(pk__in=account_ids)}
    built: list[tuple[InvoiceLine, list[Tax]]] = []
    product_companies = _product_companies({spec.product_id for spec in specs if spec.product_id is not None})
    tax_context = _tax_context(company, invoice.kind, specs)
    for index, spec in enumerate(specs, start=1):
        if not spec.description.strip():
            raise ValidationFailed(
                _("Line %(line)s: a description is needed.") % {"line": index}, field="lines"
            )
        if spec.quantity <= 0:
            raise ValidationFailed(
                _("Line %(line)s: the quantity must be more than zero.") % {"line": index}, field="lines"
            )
        if spec.unit_price < 0:
            raise ValidationFailed(
                _("Line %(line)s: the unit price cannot be negative.") % {"line": index}, field="lines"
            )
        if not ZERO <= spec.discount_percent <= 100:
            raise ValidationFailed(
                _("Line %(line)s: the discount must be between 0 and 100%%.") % {"line": index}, field="lines"
            )
        account = fallback
        if spec.account_id is not None:
            found = accounts.get(spec.account_id)
            if found is None or found.company_id != company.pk or found.is_group or not found.is_active:
                raise InvalidAccountError(
                    _("Line %(line)s: choose a postable account of %(company)s.")
                    % {"line": index, "company": company.name},
                    field="lines",
                )
            account = found
        if spec.product_id is not None and product_companies.get(spec.product_id) != company.pk:
            raise InvalidAccountError(
                _("Line %(line)s: the product does not belong to %(company)s.")
                % {"line": index, "company": company.name},
                field="lines",
            )
        taxes = [
            leaf
            for tax in _resolve_taxes(company, invoice.kind, spec, index, tax_context)
            for leaf in _expanded(tax)
        ]
        amounts = line_amounts(
            quantity=spec.quantity,
            unit_price=spec.unit_price,
            discount_percent=spec.discount_percent,
            taxes=[TaxRule(tax.pk, tax.amount_type, tax.amount, tax.price_include) for tax in taxes],
            currency=invoice.currency,
        )
        line = InvoiceLine(
            company_id=company.pk,
            invoice=invoice,
            sequence=index,
            product_id=spec.product_id,
            description=spec.description.strip()[:300],
            account=account,
            quantity=spec.quantity,
            unit_price=spec.unit_price,
            discount_percent=spec.discount_percent,
            price_subtotal=amounts.subtotal,
            price_total=amounts.total,
        )
        built.append((line, taxes))
    return built


def _store_lines(invoice: Invoice, built: list[tuple[InvoiceLine, list[Tax]]]) -> None:
    lines = InvoiceLine.all_companies.bulk_create([line for line, _taxes in built], batch_size=500)
    through = InvoiceLine.taxes.through
    through.objects.bulk_create(
        [
            through(invoiceline_id=line.pk, tax_id=tax.pk)
            for line, (_l, taxes) in zip(lines, built, strict=True)
            for tax in taxes
        ],
        batch_size=1000,
    )
    untaxed = sum((line.price_subtotal for line in lines), ZERO)
    total = sum((line.price_total for line in lines), ZERO)
    invoice.amount_untaxed = untaxed
    invoice.amount_tax = total - untaxed
    invoice.amount_total = total
    invoice.amount_residual = total
    invoice.save(
        update_fields=["amount_untaxed", "amount_tax", "amount_total", "amount_residual", "updated_at"]
    )


def _active_partner(company: Company, partner_id: int) -> Any:
    """The partner of ``company``, refused when archived (no new documents for it)."""
    partner = partner_of(company, partner_id)
    if not partner.is_active:
        raise ValidationFailed(_("%(name)s is archived.") % {"name": partner.name}, field="partner_id")
    return partner


def _default_journal(company: Company, kind: str) -> Journal:
    journal_kind = JournalKind.SALE if kind in CUSTOMER_KINDS else JournalKind.PURCHASE
    journal = (
        Journal.all_companies.filter(company_id=company.pk, kind=journal_kind, is_active=True)
        .order_by("pk")
        .first()
    )
    if journal is None:
        raise ValidationFailed(_("No active %(kind)s journal.") % {"kind": journal_kind}, field="journal")
    return journal


@transaction.atomic
def invoice_create(
    *,
    company: Company,
    kind: str,
    partner_id: int,
    lines: Sequence[InvoiceLineInput],
    by: Any,
    date: dt.date | None = None,
    currency: str | None = None,
    payment_term: PaymentTerm | None = None,
    due_date: dt.date | None = None,
    journal: Journal | None = None,
    ref: str = "",
    narration: str = "",
    origin: str = "",
    source_key: str = "",
    reversed_invoice: Invoice | None = None,
) -> Invoice:
    """A draft invoice (or bill, credit note) with its lines and totals. With ``source_key``, idempotent."""
    if source_key:
        existing = Invoice.all_companies.filter(company_id=company.pk, source_key=source_key).first()
        if existing is not None:
            return existing
    if kind not in InvoiceKind.values:
        raise ValidationFailed(_("Unknown invoice kind %(kind)s.") % {"kind": kind}, field="kind")
    partner = _active_partner(company, partner_id)
    chosen_currency = (currency or partner.currency or company.currency).upper()
    if not is_valid_currency(chosen_currency):
        raise ValidationFailed(_("Unknown currency %(code)s.") % {"code": chosen_currency}, field="currency")
    if journal is None:
        journal = _default_journal(company, kind)
    else:
        check_same_company(company, journal, field="journal", what=_("journal"))
        expected = JournalKind.SALE if kind in CUSTOMER_KINDS else JournalKind.PURCHASE
        if journal.kind != expected:
            raise ValidationFailed(_("Choose a %(kind)s journal.") % {"kind": expected}, field="journal")
    if payment_term is not None:
        check_same_company(company, payment_term, field="payment_term", what=_("payment term"))
    invoice = Invoice(
        company=company,
        kind=kind,
        partner_id=partner_id,
        journal=journal,
        date=date or timezone.localdate(),
        currency=chosen_currency,
        payment_term=payment_term,
        due_date=due_date,
        ref=ref[:100],
        narration=narration,
        origin=origin[:80],
        source_key=source_key[:120],
        reversed_invoice=reversed_invoice,
        created_by=actor(by),
    )
    built = _build_lines(company, invoice, lines)
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError:
        if source_key:  # a concurrent call with the same key won the race: answer with its invoice
            return Invoice.all_companies.get(company_id=company.pk, source_key=source_key)
        raise
    _store_lines(invoice, built)
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=invoice,
        changes={
            "kind": [None, kind],
            "partner": [None, partner.name],
            "total": [None, str(invoice.amount_total)],
        },
    )
    return invoice


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.all_companies.select_for_update().select_related("company", "journal").get(pk=invoice.pk)


@transaction.atomic
def invoice_update(
    *,
    invoice: Invoice,
    by: Any,
    lines: Sequence[InvoiceLineInput] | None = None,
    date: dt.date | None = None,
    due_date: dt.date | None = None,
    payment_term: PaymentTerm | None = None,
    ref: str | None = None,
    narration: str | None = None,
) -> Invoice:
    """Change a draft: its header fields and, when given, all of its lines."""
    locked = _locked(invoice)
    if locked.state != InvoiceState.DRAFT:
        raise StateError(
            _("Only a draft can be changed; %(number)s is %(state)s.")
            % {"number": locked.number, "state": locked.get_state_display()}
        )
    changes: dict[str, list[Any]] = {}
    for name, value in (("date", date), ("due_date", due_date), ("ref", ref), ("narration", narration)):
        if value is not None and getattr(locked, name) != value:
            changes[name] = [str(getattr(locked, name)), str(value)]
            setattr(locked, name, value)
    if payment_term is not None:
        check_same_company(locked.company, payment_term, field="payment_term", what=_("payment term"))
        locked.payment_term = payment_term
        changes["payment_term"] = [None, payment_term.name]
    locked.save()
    if lines is not None:
        built = _build_lines(locked.company, locked, lines)
        InvoiceLine.all_companies.filter(invoice_id=locked.pk).delete()
        _store_lines(locked, built)
        changes["lines"] = [None, len(built)]
    if changes:
        audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def invoice_delete(*, invoice: Invoice, by: Any) -> None:
    """Delete a draft (posted invoices are cancelled, never deleted)."""
    locked = _locked(invoice)
    if locked.state != InvoiceState.DRAFT:
        raise StateError(_("A posted invoice cannot be deleted; cancel it instead."))
    audit_record(actor=by, action=AuditAction.DELETE, obj=locked, changes={})
    locked.delete()


def _partner_account_role(kind: str) -> str:
    return "receivable" if kind in CUSTOMER_KINDS else "payable"


def _entry_lines(locked: Invoice, partner: Any, rate: Decimal) -> tuple[list[LineSpec], Decimal, dt.date]:
    """The entry of an invoice: the partner's line first, one per invoice line, one per tax."""
    company = locked.company
    company_currency = company.currency
    settings = settings_for(company)
    partner_account = default_account(company, _partner_account_role(locked.kind), settings=settings)
    partner_is_debit = locked.kind in (InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.VENDOR_CREDIT_NOTE)
    customer_side = locked.kind in CUSTOMER_KINDS
    lines = list(
        InvoiceLine.all_companies.filter(invoice_id=locked.pk)
        .prefetch_related("taxes")
        .order_by("sequence", "pk")
    )
    tax_totals: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])  # tax id -> [base, amount]
    taxes_by_id: dict[int, Tax] = {}
    specs: list[LineSpec] = []

    def other_side(amount_doc: Decimal, **extra: Any) -> LineSpec:
        company_amount = round_to(amount_doc * rate, company_currency)
        signed = -amount_doc if partner_is_debit else amount_doc
        return LineSpec(
            debit=ZERO if partner_is_debit else company_amount,
            credit=company_amount if partner_is_debit else ZERO,
            amount_currency=signed,
            partner_id=locked.partner_id,
            **extra,
        )

    for line in lines:
        specs.append(other_side(line.price_subtotal, account_id=line.account_id, label=line.description))
        leaves = list(line.taxes.all())
        if leaves:
            rules = [TaxRule(tax.pk, tax.amount_type, tax.amount, tax.price_include) for tax in leaves]
            amounts = line_amounts(
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                taxes=rules,
                currency=locked.currency,
            )
            for tax, tax_amount in zip(leaves, amounts.taxes, strict=True):
                taxes_by_id[tax.pk] = tax
                tax_totals[tax.pk][0] += tax_amount.base
                tax_totals[tax.pk][1] += tax_amount.amount
    for tax_id, (base, amount) in tax_totals.items():
        tax = taxes_by_id[tax_id]
        account_id = tax.sale_account_id if customer_side else tax.purchase_account_id
        if account_id is None:
            role = "vat_output" if customer_side else "vat_input"
            account_id = default_account(company, role, settings=settings).pk
        base_company = round_to(base * rate, company_currency)
        specs.append(
            other_side(
                amount,
                account_id=account_id,
                label=tax.name,
                tax_id=tax.pk,
                tax_base=base_company,
            )
        )
    other_total = sum((spec.debit + spec.credit for spec in specs), ZERO)
    due = locked.due_date or _due_date(locked.date, locked.payment_term, partner.payment_terms_days)
    specs.insert(
        0,
        LineSpec(
            account_id=partner_account.pk,
            partner_id=locked.partner_id,
            debit=other_total if partner_is_debit else ZERO,
            credit=ZERO if partner_is_debit else other_total,
            amount_currency=locked.amount_total if partner_is_debit else -locked.amount_total,
            label=locked.ref or partner.name,
            due_date=due,
        ),
    )
    return specs, other_total, due


@transaction.atomic
def invoice_post(*, invoice: Invoice, by: Any) -> Invoice:
    """Post: number it, convert at the day's rate and write the balanced entry (partner, revenue, taxes)."""
    locked = _locked(invoice)
    if locked.state != InvoiceState.DRAFT:
        raise StateError(_("%(number)s is already posted.") % {"number": locked.number})
    company = locked.company
    if locked.amount_total <= 0:
        raise ValidationFailed(
            _("The total must be more than zero; for money owed back, make a credit note."), field="lines"
        )
    check_date_open(company, locked.date)
    partner = _active_partner(company, locked.partner_id)
    rate = exchange_rate_on(company=company, currency=locked.currency, on_date=locked.date)
    specs, other_total, due = _entry_lines(locked, partner, rate)
    doc_type = ("R" + locked.journal.code) if locked.is_credit_note else locked.journal.code
    entry = entry_create(
        company=company,
        journal=locked.journal,
        date=locked.date,
        lines=specs,
        by=by,
        currency=locked.currency,
        ref=locked.ref,
        origin=f"invoice:{locked.pk}",
        post=True,
        doc_type=doc_type,
    )
    locked.entry = entry
    locked.number = entry.number
    locked.rate = rate
    locked.due_date = due
    locked.amount_total_company = other_total
    locked.amount_residual = locked.amount_total
    locked.state = InvoiceState.POSTED
    locked.save()
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"state": ["draft", "posted"], "number": ["", locked.number]},
    )
    publish_for_partner(
        InvoicePosted(
            invoice_id=locked.pk,
            company_id=company.pk,
            partner_id=locked.partner_id,
            kind=locked.kind,
            number=locked.number,
            currency=locked.currency,
            amount_total=str(locked.amount_total),
            source_key=locked.source_key,
        ),
        by=by,
        company_id=company.pk,
        partner_id=locked.partner_id,
    )
    if locked.reversed_invoice_id is not None:
        _match_credit_note(locked, by=by)
    invoice.refresh_from_db()
    return invoice


def _match_credit_note(credit_note: Invoice, *, by: Any) -> None:
    """A posted credit note settles what is still open on the invoice it credits."""
    from concord.modules.accounting.models import JournalLine
    from concord.modules.accounting.services.reconcile import lines_reconcile

    if credit_note.reversed_invoice_id is None:
        return
    original = Invoice.all_companies.filter(pk=credit_note.reversed_invoice_id).first()
    if original is None or original.entry_id is None:
        return
    open_lines = list(
        JournalLine.all_companies.filter(
            entry_id__in=[original.entry_id, credit_note.entry_id], account__reconcile=True, reconciled=False
        )
    )
    if len(open_lines) >= 2:
        lines_reconcile(lines=open_lines, by=by)


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, by: Any, reason: str = "", date: dt.date | None = None) -> Invoice:
    """Cancel: a draft simply; a posted, unpaid invoice by a reversal entry. Paid ones need a credit note."""
    locked = _locked(invoice)
    if locked.state == InvoiceState.CANCELLED:
        raise StateError(_("%(number)s is already cancelled.") % {"number": str(locked)})
    if locked.state == InvoiceState.DRAFT:
        locked.state = InvoiceState.CANCELLED
        locked.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=locked, changes={"state": ["draft", "cancelled"]}
        )
        invoice.refresh_from_db()
        return invoice
    if locked.amount_residual != locked.amount_total:
        raise StateError(
            _("%(number)s is partly or fully paid: undo its payments first, or issue a credit note.")
            % {"number": locked.number}
        )
    if locked.entry is None:
        raise StateError(_("%(number)s has no entry to reverse.") % {"number": locked.number})
    reversal = entry_reverse(entry=locked.entry, by=by, date=date, reason=reason)
    locked.refresh_from_db()
    before = locked.state
    locked.cancel_entry = reversal
    locked.state = InvoiceState.CANCELLED
    locked.amount_residual = ZERO
    locked.save(update_fields=["cancel_entry", "state", "amount_residual", "updated_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes={"state": [before, "cancelled"]})
    publish_for_partner(
        InvoiceCancelled(
            invoice_id=locked.pk,
            company_id=locked.company_id,
            partner_id=locked.partner_id,
            number=locked.number,
            source_key=locked.source_key,
        ),
        by=by,
        company_id=locked.company_id,
        partner_id=locked.partner_id,
    )
    invoice.refresh_from_db()
    return invoice


@transaction.atomic
def credit_note_create(
    *,
    invoice: Invoice,
    by: Any,
    lines: Sequence[InvoiceLineInput] | None = None,
    date: dt.date | None = None,
    reason: str = "",
) -> Invoice:
    """A draft credit note for a posted invoice: all its lines unless ``lines`` says what to credit."""
    if invoice.kind not in _CREDIT_NOTE_OF:
        raise ValidationFailed(_("A credit note is made from an invoice or a bill."), field="invoice")
    if invoice.state in (InvoiceState.DRAFT, InvoiceState.CANCELLED):
        raise StateError(_("Only a posted invoice can be credited."))
    if lines is None:
        lines = [
            InvoiceLineInput(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                product_id=line.product_id,
                account_id=line.account_id,
                discount_percent=line.discount_percent,
                tax_ids=tuple(tax.pk for tax in line.taxes.all()),
            )
            for line in invoice.lines.all().prefetch_related("taxes")
        ]
    return invoice_create(
        company=invoice.company,
        kind=_CREDIT_NOTE_OF[InvoiceKind(invoice.kind)],
        partner_id=invoice.partner_id,
        lines=lines,
        by=by,
        date=date,
        currency=invoice.currency,
        journal=invoice.journal,
        ref=(_("Credit note for %(number)s") % {"number": invoice.number})[:100],
        narration=reason,
        reversed_invoice=invoice,
    )
