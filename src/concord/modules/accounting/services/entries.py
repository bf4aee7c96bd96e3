"""Journal entries: create, post (balanced, numbered, immutable from then on) and reverse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.numbering.services import sequence_next
from concord.core.outbox.facade import publish
from concord.modules.accounting.errors import EntryNotBalancedError, InvalidAccountError, PostedEntryError
from concord.modules.accounting.events import EntryReversed
from concord.modules.accounting.models import Account, EntryState, Journal, JournalEntry, JournalLine
from concord.modules.accounting.services._support import (
    ZERO,
    actor,
    actor_id,
    check_date_open,
    check_same_company,
    publish_for_partner,
    round_to,
)
from concord.modules.parties.facade import party_summaries

__all__ = ["LineSpec", "entry_create", "entry_delete", "entry_post", "entry_reverse"]


@dataclass(frozen=True)
class LineSpec:
    """One line of an entry to write: a debit or a credit in company currency on one account."""

    account_id: int
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    partner_id: int | None = None
    label: str = ""
    amount_currency: Decimal | None = None  # signed, in the entry's currency; None: same as debit - credit
    tax_id: int | None = None
    tax_base: Decimal = ZERO
    due_date: dt.date | None = None


def _checked_lines(
    company: Company, journal: Journal, on_date: dt.date, currency: str, specs: Sequence[LineSpec]
) -> list[JournalLine]:
    if len(specs) < 2:
        raise ValidationFailed(_("An entry needs at least two lines."), field="lines")
    accounts = {a.pk: a for a in Account.all_companies.filter(pk__in={s.account_id for s in specs})}
    partner_ids = sorted({s.partner_id for s in specs if s.partner_id is not None})
    partners = party_summaries(partner_ids) if partner_ids else {}
    lines = []
    company_currency = company.currency
    for index, spec in enumerate(specs, start=1):
        account = accounts.get(spec.account_id)
        if account is None or account.company_id != company.pk:
            raise InvalidAccountError(
                _("Line %(line)s: the account does not belong to %(company)s.")
                % {"line": index, "company": company.name},
                field="lines",
            )
        if account.is_group or not account.is_active:
            raise InvalidAccountError(
                _("Line %(line)s: %(account)s is a heading or archived account; choose a postable account.")
                % {"line": index, "account": account},
                field="lines",
            )
        if spec.partner_id is not None:
            partner = partners.get(spec.partner_id)
            if partner is None or partner.company_id != company.pk:
                raise InvalidAccountError(
                    _("Line %(line)s: the partner does not belong to %(company)s.")
                    % {"line": index, "company": company.name},
                    field="lines",
                )
        debit, credit = round_to(spec.debit, company_currency), round_to(spec.credit, company_currency)
        if debit < 0 or credit < 0 or (debit and credit):
            raise ValidationFailed(
                _("Line %(line)s: give either a positive debit or a positive credit.") % {"line": index},
                field="lines",
            )
        amount_currency = spec.amount_currency if spec.amount_currency is not None else debit - credit
        amount_currency = round_to(amount_currency, currency)
        reconcilable = account.reconcile
        lines.append(
            JournalLine(
                company_id=company.pk,
                journal_id=journal.pk,
                account_id=account.pk,
                partner_id=spec.partner_id,
                date=on_date,
                label=spec.label[:200],
                debit=debit,
                credit=credit,
                amount_currency=amount_currency,
                currency=currency,
                tax_id=spec.tax_id,
                tax_base=round_to(spec.tax_base, company_currency),
                due_date=spec.due_date,
                amount_residual=debit - credit if reconcilable else ZERO,
                amount_residual_currency=amount_currency if reconcilable else ZERO,
            )
        )
    return lines


@transaction.atomic
def entry_create(
    *,
    company: Company,
    journal: Journal,
    date: dt.date,
    lines: Sequence[LineSpec],
    by: Any,
    currency: str | None = None,
    ref: str = "",
    narration: str = "",
    origin: str = "",
    post: bool = False,
    doc_type: str | None = None,
    reversal_of: JournalEntry | None = None,
) -> JournalEntry:
    """Write a draft entry with its lines (and post it when ``post``); nothing is written on any error."""
    check_same_company(company, journal, field="journal", what=_("journal"))
    entry_currency = currency or company.currency
    built = _checked_lines(company, journal, date, entry_currency, lines)
    if post:
        _check_balanced(
            sum((line.debit for line in built), ZERO), sum((line.credit for line in built), ZERO), company
        )
        check_date_open(company, date)
    entry = JournalEntry.all_companies.create(
        company=company,
        journal=journal,
        date=date,
        ref=ref[:100],
        narration=narration,
        currency=entry_currency,
        origin=origin[:60],
        reversal_of=reversal_of,
    )
    for line in built:
        line.entry_id = entry.pk
    JournalLine.all_companies.bulk_create(built, batch_size=500)
    if post:
        _post(entry, by=by, doc_type=doc_type, checked=True)
    else:
        audit_record(actor=by, action=AuditAction.CREATE, obj=entry, changes={"lines": [None, len(built)]})
    return entry


def _check_balanced(debit: Decimal, credit: Decimal, company: Company) -> None:
    if debit != credit:
        raise EntryNotBalancedError(
            _(
                "Debits (%(debit)s) and credits (%(credit)s) differ by %(diff)s %(currency)s: the entry does not balance."
            )
            % {"debit": debit, "credit": credit, "diff": abs(debit - credit), "currency": company.currency},
            field="lines",
        )


def _post(entry: JournalEntry, *, by: Any, doc_type: str | None, checked: bool) -> JournalEntry:
    company = entry.company
    if not checked:
        totals = JournalLine.all_companies.filter(entry_id=entry.pk).aggregate(
            debit=Sum("debit"), credit=Sum("credit")
        )
        # SQLite sums decimals as floats: round to the currency before comparing
        debit = round_to(totals["debit"] or ZERO, company.currency)
        credit = round_to(totals["credit"] or ZERO, company.currency)
        _check_balanced(debit, credit, company)
        check_date_open(company, entry.date)
    entry.number = sequence_next(company=company, doc_type=doc_type or entry.journal.code, on_date=entry.date)
    JournalLine.all_companies.filter(entry_id=entry.pk).update(posted=True)
    entry.state = EntryState.POSTED
    entry.posted_at = timezone.now()
    entry.posted_by = actor(by)
    entry.save(update_fields=["number", "state", "posted_at", "posted_by"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=entry,
        changes={"state": ["draft", "posted"], "number": ["", entry.number]},
    )
    return entry


@transaction.atomic
def entry_post(*, entry: JournalEntry, by: Any, doc_type: str | None = None) -> JournalEntry:
    """Post a draft entry: it must balance and fall after the lock date; it gets its gapless number."""
    locked = (
        JournalEntry.all_companies.select_for_update().select_related("company", "journal").get(pk=entry.pk)
    )
    if locked.state != EntryState.DRAFT:
        raise PostedEntryError(_("The entry %(number)s is already posted.") % {"number": locked.number})
    _post(locked, by=by, doc_type=doc_type, checked=False)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def entry_delete(*, entry: JournalEntry, by: Any) -> None:
    """Delete a draft entry; posted entries are never deleted (reverse them)."""
    locked = JournalEntry.all_companies.select_for_update().get(pk=entry.pk)
    if locked.state != EntryState.DRAFT:
        raise PostedEntryError(
            _("The entry %(number)s is posted and cannot be deleted: reverse it instead.")
            % {"number": locked.number}
        )
    audit_record(actor=by, action=AuditAction.DELETE, obj=locked, changes={})
    locked.delete()


@transaction.atomic
def entry_reverse(
    *, entry: JournalEntry, by: Any, date: dt.date | None = None, reason: str = ""
) -> JournalEntry:
    """Post the mirror image of a posted entry and match their open receivable/payable lines."""
    from concord.modules.accounting.services.reconcile import lines_reconcile

    locked = (
        JournalEntry.all_companies.select_for_update().select_related("company", "journal").get(pk=entry.pk)
    )
    if locked.state != EntryState.POSTED:
        raise PostedEntryError(_("Only a posted entry can be reversed; delete the draft instead."))
    if JournalEntry.all_companies.filter(reversal_of_id=locked.pk).exists():
        raise PostedEntryError(_("The entry %(number)s is already reversed.") % {"number": locked.number})
    company = locked.company
    on_date = date or locked.date
    originals = list(JournalLine.all_companies.filter(entry_id=locked.pk).select_related("account"))
    specs = [
        LineSpec(
            account_id=line.account_id,
            debit=line.credit,
            credit=line.debit,
            partner_id=line.partner_id,
            label=line.label,
            amount_currency=-line.amount_currency,
            tax_id=line.tax_id,
            tax_base=-line.tax_base,
            due_date=line.due_date,
        )
        for line in originals
    ]
    reversal = entry_create(
        company=company,
        journal=locked.journal,
        date=on_date,
        lines=specs,
        by=by,
        currency=locked.currency,
        ref=(_("Reversal of %(number)s") % {"number": locked.number})[:100],
        narration=reason,
        origin=locked.origin,
        post=True,
        reversal_of=locked,
    )
    reversal_lines = list(JournalLine.all_companies.filter(entry_id=reversal.pk).order_by("pk"))
    for original, mirror in zip(originals, reversal_lines, strict=True):
        if (
            original.account.reconcile
            and not original.reconciled
            and original.amount_residual_currency == original.amount_currency
        ):
            lines_reconcile(lines=[original, mirror], by=by, exchange_journal=locked.journal)
    partner_id = next((line.partner_id for line in originals if line.partner_id), None)
    event = EntryReversed(
        entry_id=locked.pk,
        reversal_id=reversal.pk,
        company_id=company.pk,
        number=locked.number,
        reversal_number=reversal.number,
    )
    if partner_id is not None:
        publish_for_partner(event, by=by, company_id=company.pk, partner_id=partner_id)
    else:
        publish(event, company_id=company.pk, actor_id=actor_id(by), aggregate=locked)
    return reversal
