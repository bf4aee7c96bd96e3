"""Matching receivable and payable lines: partial and full reconciliation, exchange differences, undo.

A reconciliation takes an amount off a debit line's residual and off a credit line's residual on the
same account and partner. In one foreign currency the match is made in that currency; the two sides'
company-currency values then differ by the realised exchange difference, which is booked at once as an
exchange entry (gain or loss) whose receivable/payable line is born reconciled, so the account's
balance always equals the sum of its open residuals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from concord.core.errors import ValidationFailed
from concord.modules.accounting.errors import StateError
from concord.modules.accounting.events import InvoicePaid
from concord.modules.accounting.models import (
    Invoice,
    InvoiceState,
    Journal,
    JournalEntry,
    JournalKind,
    JournalLine,
    Reconciliation,
)
from concord.modules.accounting.queries import counter_open_lines
from concord.modules.accounting.services._support import ZERO, default_account, publish_for_partner, round_to

__all__ = ["invoices_refresh", "line_unreconcile", "lines_reconcile"]

_OPEN_STATES = (InvoiceState.POSTED, InvoiceState.PARTIAL, InvoiceState.PAID)


def _scaled(part: Decimal, of: Decimal, value: Decimal, currency: str) -> Decimal:
    """``value`` * part / of, rounded; exactly ``value`` when part is all of it."""
    return value if part == of else round_to(value * part / of, currency)


def _sort_key(line: JournalLine) -> tuple[Any, int]:
    return (line.due_date or line.date, line.pk)


def _exchange_journal(company_id: int, preferred: Journal | None) -> Journal:
    if preferred is not None and preferred.kind == JournalKind.GENERAL:
        return preferred
    journal = (
        Journal.all_companies.filter(company_id=company_id, kind=JournalKind.GENERAL, is_active=True)
        .order_by("pk")
        .first()
    )
    if journal is None:
        raise ValidationFailed(_("A general journal is needed to book exchange differences."))
    return journal


def _exchange_entry_post(
    debit: JournalLine, credit: JournalLine, difference: Decimal, *, by: Any, preferred: Journal | None
) -> JournalEntry:
    """Book the realised exchange difference of a match; its partner line is born reconciled."""
    from concord.modules.accounting.services.entries import LineSpec, entry_create

    company = debit.company
    counter = default_account(company, "fx_loss" if difference > 0 else "fx_gain")
    fx_entry = entry_create(
        company=company,
        journal=_exchange_journal(company.pk, preferred),
        date=max(debit.date, credit.date),
        by=by,
        ref=_("Exchange difference"),
        origin=f"reconcile:{debit.pk}-{credit.pk}",
        post=True,
        lines=[
            LineSpec(
                account_id=debit.account_id,
                partner_id=debit.partner_id,
                credit=max(difference, ZERO),
                debit=max(-difference, ZERO),
                label=_("Exchange difference"),
            ),
            LineSpec(
                account_id=counter.pk,
                debit=max(difference, ZERO),
                credit=max(-difference, ZERO),
                label=_("Exchange difference"),
            ),
        ],
    )
    JournalLine.all_companies.filter(entry_id=fx_entry.pk, account_id=debit.account_id).update(
        amount_residual=ZERO, amount_residual_currency=ZERO, reconciled=True
    )
    return fx_entry


def _pair_amounts(
    debit: JournalLine, credit: JournalLine, company_currency: str
) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """What to take off each side (company amounts, then currency amounts); None when nothing matches.

    Lines in one currency match in that currency, so their company values may differ (the exchange
    difference); lines in two currencies match in company currency.
    """
    if debit.currency == credit.currency:
        matched = min(debit.amount_residual_currency, -credit.amount_residual_currency)
        if matched <= 0:
            return None
        debit_comp = _scaled(matched, debit.amount_residual_currency, debit.amount_residual, company_currency)
        credit_comp = _scaled(
            matched, -credit.amount_residual_currency, -credit.amount_residual, company_currency
        )
        return debit_comp, credit_comp, matched, matched
    matched = min(debit.amount_residual, -credit.amount_residual)
    if matched <= 0:
        return None
    debit_cur = _scaled(matched, debit.amount_residual, debit.amount_residual_currency, debit.currency)
    credit_cur = _scaled(matched, -credit.amount_residual, -credit.amount_residual_currency, credit.currency)
    return matched, matched, debit_cur, credit_cur


def _check_reconcilable(locked: list[JournalLine]) -> None:
    first = locked[0]
    for line in locked:
        if not line.posted:
            raise ValidationFailed(_("Only posted lines can be reconciled."), field="lines")
        if (
            line.company_id != first.company_id
            or line.account_id != first.account_id
            or line.partner_id != first.partner_id
        ):
            raise ValidationFailed(
                _("Reconciled lines must share company, account and partner."), field="lines"
            )
        if not line.account.reconcile:
            raise ValidationFailed(
                _("%(account)s is not a reconcilable account.") % {"account": line.account}, field="lines"
            )


@transaction.atomic
def lines_reconcile(
    *, lines: Sequence[JournalLine], by: Any, exchange_journal: Journal | None = None
) -> list[Reconciliation]:
    """Match the open debit_lines against the open credit_lines among ``lines`` (oldest due first)."""
    if not lines:
        return []
    locked = list(
        JournalLine.all_companies.select_for_update()
        .filter(pk__in=[line.pk for line in lines])
        .select_related("account", "company")
    )
    _check_reconcilable(locked)
    company = locked[0].company
    debit_lines = sorted(
        (line for line in locked if line.amount_residual > 0 or line.amount_residual_currency > 0),
        key=_sort_key,
    )
    credit_lines = sorted(
        (line for line in locked if line.amount_residual < 0 or line.amount_residual_currency < 0),
        key=_sort_key,
    )
    made: list[Reconciliation] = []
    exchange: list[tuple[Reconciliation, Decimal, JournalLine, JournalLine]] = []
    changed: dict[int, JournalLine] = {}
    for debit in debit_lines:
        for credit in credit_lines:
            if debit.amount_residual <= 0 and debit.amount_residual_currency <= 0:
                break
            if credit.amount_residual >= 0 and credit.amount_residual_currency >= 0:
                continue
            amounts = _pair_amounts(debit, credit, company.currency)
            if amounts is None:
                continue
            debit_comp, credit_comp, debit_cur, credit_cur = amounts
            debit.amount_residual -= debit_comp
            debit.amount_residual_currency -= debit_cur
            credit.amount_residual += credit_comp
            credit.amount_residual_currency += credit_cur
            for line in (debit, credit):
                line.reconciled = line.amount_residual == 0 and line.amount_residual_currency == 0
                changed[line.pk] = line
            record = Reconciliation(
                company_id=company.pk,
                debit_line=debit,
                credit_line=credit,
                debit_amount=debit_comp,
                credit_amount=credit_comp,
                debit_amount_currency=debit_cur,
                credit_amount_currency=credit_cur,
            )
            made.append(record)
            if debit_comp != credit_comp:
                exchange.append((record, debit_comp - credit_comp, debit, credit))
    JournalLine.all_companies.bulk_update(
        list(changed.values()), ["amount_residual", "amount_residual_currency", "reconciled"]
    )
    for record, difference, debit, credit in exchange:
        record.exchange_entry = _exchange_entry_post(
            debit, credit, difference, by=by, preferred=exchange_journal
        )
    Reconciliation.all_companies.bulk_create(made)
    invoices_refresh(entry_ids={line.entry_id for line in changed.values()}, by=by)
    return made


def _refuse_undoing_a_cancellation(records: list[Reconciliation], line_ids: set[int]) -> None:
    """A match between an entry and its reversal is the cancellation itself: undoing it would reopen a
    cancelled invoice or payment behind its back (cancel the reversal's document instead)."""
    entry_of = dict(JournalLine.all_companies.filter(pk__in=line_ids).values_list("pk", "entry_id"))
    entries = {entry_of[r.debit_line_id] for r in records} | {entry_of[r.credit_line_id] for r in records}
    reversal_of = dict(
        JournalEntry.all_companies.filter(pk__in=entries, reversal_of__isnull=False).values_list(
            "pk", "reversal_of_id"
        )
    )
    for record in records:
        debit_entry, credit_entry = entry_of[record.debit_line_id], entry_of[record.credit_line_id]
        if reversal_of.get(debit_entry) == credit_entry or reversal_of.get(credit_entry) == debit_entry:
            raise StateError(
                _("This match is a cancellation (an entry against its reversal) and cannot be undone.")
            )


@transaction.atomic
def line_unreconcile(*, line: JournalLine, by: Any) -> int:
    """Undo every match of ``line`` (and reverse their exchange entries); returns how many were undone."""
    from concord.modules.accounting.services.entries import entry_reverse

    records = list(
        Reconciliation.all_companies.select_for_update(of=("self",))
        .filter(Q(debit_line_id=line.pk) | Q(credit_line_id=line.pk))
        .select_related("exchange_entry")
    )
    if not records:
        return 0
    touched = {r.debit_line_id for r in records} | {r.credit_line_id for r in records}
    _refuse_undoing_a_cancellation(records, touched)
    lines = {
        found.pk: found for found in JournalLine.all_companies.select_for_update().filter(pk__in=touched)
    }
    for record in records:
        debit, credit = lines[record.debit_line_id], lines[record.credit_line_id]
        debit.amount_residual += record.debit_amount
        debit.amount_residual_currency += record.debit_amount_currency
        credit.amount_residual -= record.credit_amount
        credit.amount_residual_currency -= record.credit_amount_currency
    for found in lines.values():
        found.reconciled = found.amount_residual == 0 and found.amount_residual_currency == 0
    JournalLine.all_companies.bulk_update(
        list(lines.values()), ["amount_residual", "amount_residual_currency", "reconciled"]
    )
    exchange_entries = [record.exchange_entry for record in records if record.exchange_entry is not None]
    Reconciliation.all_companies.filter(pk__in=[record.pk for record in records]).delete()
    for fx_entry in exchange_entries:
        reversal = entry_reverse(entry=fx_entry, by=by, reason=_("Reconciliation undone"))
        JournalLine.all_companies.filter(entry_id=reversal.pk, account__reconcile=True).update(
            amount_residual=ZERO, amount_residual_currency=ZERO, reconciled=True
        )
    invoices_refresh(entry_ids={found.entry_id for found in lines.values()}, by=by)
    return len(records)


def invoice_open_lines(invoice: Invoice) -> tuple[list[JournalLine], list[JournalLine]]:
    """The invoice's own open partner lines, and the partner's open lines on the other side of the same
    account (credit left by an overpayment or a credit note, or a vendor's refund), oldest first."""
    own = list(
        JournalLine.all_companies.filter(entry_id=invoice.entry_id, account__reconcile=True, reconciled=False)
    )
    if not own:
        return [], []
    others = counter_open_lines(invoice, account_id=own[0].account_id, owed_to_us=own[0].amount_residual > 0)
    return own, list(others.order_by("date", "pk"))


@transaction.atomic
def invoice_credits_apply(*, invoice: Invoice, by: Any) -> list[Reconciliation]:
    """Settle what is due on ``invoice`` with the partner's outstanding credit (oldest first)."""
    locked = Invoice.all_companies.select_for_update().get(pk=invoice.pk)
    if locked.state not in (InvoiceState.POSTED, InvoiceState.PARTIAL):
        raise StateError(_("%(number)s has nothing due.") % {"number": str(locked)})
    own, credits_open = invoice_open_lines(locked)
    if not credits_open:
        raise StateError(_("The partner has no outstanding credit to apply."))
    return lines_reconcile(lines=[*own, *credits_open], by=by)


def invoices_refresh(*, entry_ids: Iterable[int], by: Any) -> None:
    """Recompute amount due and paid state of the invoices whose entries are ``entry_ids``."""
    ids = list(entry_ids)
    invoices = list(
        Invoice.all_companies.select_for_update().filter(entry_id__in=ids, state__in=_OPEN_STATES)
    )
    if not invoices:
        return
    residuals = dict(
        JournalLine.all_companies.filter(
            entry_id__in=[inv.entry_id for inv in invoices], account__reconcile=True
        )
        .values_list("entry_id")
        .annotate(total=Sum("amount_residual_currency"))
        .values_list("entry_id", "total")
    )
    for invoice in invoices:
        due = abs(residuals.get(invoice.entry_id or 0, ZERO) or ZERO)
        state = (
            InvoiceState.PAID
            if due == 0
            else (InvoiceState.POSTED if due >= invoice.amount_total else InvoiceState.PARTIAL)
        )
        if due == invoice.amount_residual and state == invoice.state:
            continue
        became_paid = state == InvoiceState.PAID and invoice.state != InvoiceState.PAID
        invoice.amount_residual = due
        invoice.state = state
        invoice.save(update_fields=["amount_residual", "state", "updated_at"])
        if became_paid:
            publish_for_partner(
                InvoicePaid(
                    invoice_id=invoice.pk,
                    company_id=invoice.company_id,
                    partner_id=invoice.partner_id,
                    number=invoice.number,
                    source_key=invoice.source_key,
                ),
                by=by,
                company_id=invoice.company_id,
                partner_id=invoice.partner_id,
            )
