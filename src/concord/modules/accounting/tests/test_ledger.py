"""The ledger's rules: balanced, numbered, immutable once posted, closed periods, reversals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from concord.core.errors import ValidationFailed
from concord.modules.accounting.errors import (
    EntryNotBalancedError,
    InvalidAccountError,
    PeriodLockedError,
    PostedEntryError,
)
from concord.modules.accounting.models import Account, EntryState, FiscalPeriod, JournalEntry, JournalLine
from concord.modules.accounting.services.entries import (
    LineSpec,
    entry_create,
    entry_delete,
    entry_post,
    entry_reverse,
)
from concord.modules.accounting.services.setup import accounting_setup, fiscal_period_set_state, lock_date_set

from .conftest import TODAY, account, balance, journal

pytestmark = pytest.mark.django_db


def _cash_sale(books, amount="100.00", **kwargs):
    return [
        LineSpec(account_id=account(books, "cash").pk, debit=Decimal(amount)),
        LineSpec(account_id=account(books, "income").pk, credit=Decimal(amount)),
    ]


def test_posting_numbers_entries_gaplessly_per_journal_and_year(books, accountant):
    misc = journal(books, "MISC")
    first = entry_create(
        company=books, journal=misc, date=TODAY, lines=_cash_sale(books), by=accountant, post=True
    )
    second = entry_create(
        company=books, journal=misc, date=TODAY, lines=_cash_sale(books), by=accountant, post=True
    )
    assert (first.number, second.number) == ("MISC/2026/00001", "MISC/2026/00002")
    assert first.state == EntryState.POSTED
    assert set(JournalLine.objects.filter(entry=first).values_list("posted", flat=True)) == {True}
    assert balance(books, "cash") == Decimal("200.00")


def test_unbalanced_entry_is_refused_and_nothing_is_written(books, accountant):
    lines = [
        LineSpec(account_id=account(books, "cash").pk, debit=Decimal("100")),
        LineSpec(account_id=account(books, "income").pk, credit=Decimal("99.99")),
    ]
    with pytest.raises(EntryNotBalancedError, match=r"differ by 0\.01"):
        entry_create(
            company=books, journal=journal(books, "MISC"), date=TODAY, lines=lines, by=accountant, post=True
        )
    assert not JournalEntry.objects.exists()


def test_a_draft_may_be_unbalanced_but_cannot_post(books, accountant):
    lines = [
        LineSpec(account_id=account(books, "cash").pk, debit=Decimal("100")),
        LineSpec(account_id=account(books, "income").pk, credit=Decimal("90")),
    ]
    draft = entry_create(
        company=books, journal=journal(books, "MISC"), date=TODAY, lines=lines, by=accountant
    )
    with pytest.raises(EntryNotBalancedError):
        entry_post(entry=draft, by=accountant)
    draft.refresh_from_db()
    assert draft.state == EntryState.DRAFT
    assert draft.number == ""
    entry_delete(entry=draft, by=accountant)
    assert not JournalEntry.objects.exists()


def test_account_of_another_company_is_refused(books, accountant, make_company):
    other = make_company(name="Other", code="other")
    accounting_setup(company=other, template="th_npae", by=None, fiscal_year=2026)
    lines = [
        LineSpec(account_id=account(other, "cash").pk, debit=Decimal("10")),
        LineSpec(account_id=account(books, "income").pk, credit=Decimal("10")),
    ]
    with pytest.raises(InvalidAccountError, match="does not belong"):
        entry_create(
            company=books, journal=journal(books, "MISC"), date=TODAY, lines=lines, by=accountant, post=True
        )
    with pytest.raises(InvalidAccountError):
        entry_create(
            company=books, journal=journal(other, "MISC"), date=TODAY, lines=_cash_sale(books), by=accountant
        )
    assert not JournalEntry.objects.exists()


def test_group_accounts_and_bad_amounts_are_refused(books, accountant):
    group = Account.objects.filter(company=books, is_group=True).order_by("code")[0]
    lines = [
        LineSpec(account_id=group.pk, debit=Decimal("1")),
        LineSpec(account_id=account(books, "income").pk, credit=Decimal("1")),
    ]
    with pytest.raises(InvalidAccountError, match="heading"):
        entry_create(company=books, journal=journal(books, "MISC"), date=TODAY, lines=lines, by=accountant)
    negative = [
        LineSpec(account_id=account(books, "cash").pk, debit=Decimal("-5")),
        LineSpec(account_id=account(books, "income").pk, credit=Decimal("-5")),
    ]
    with pytest.raises(ValidationFailed, match="positive debit"):
        entry_create(company=books, journal=journal(books, "MISC"), date=TODAY, lines=negative, by=accountant)
    with pytest.raises(ValidationFailed, match="at least two lines"):
        entry_create(
            company=books, journal=journal(books, "MISC"), date=TODAY, lines=negative[:1], by=accountant
        )


def test_lock_date_and_closed_periods_stop_posting(books, accountant):
    lock_date_set(company=books, lock_date=dt.date(2026, 2, 28), by=accountant)
    with pytest.raises(PeriodLockedError, match="locked up to 2026-02-28"):
        entry_create(
            company=books,
            journal=journal(books, "MISC"),
            date=dt.date(2026, 2, 28),
            lines=_cash_sale(books),
            by=accountant,
            post=True,
        )
    entry_create(
        company=books,
        journal=journal(books, "MISC"),
        date=dt.date(2026, 3, 1),
        lines=_cash_sale(books),
        by=accountant,
        post=True,
    )
    march = FiscalPeriod.objects.get(company=books, name="2026-03")
    fiscal_period_set_state(period=march, state="closed", by=accountant)
    with pytest.raises(PeriodLockedError, match="closed"):
        entry_create(
            company=books,
            journal=journal(books, "MISC"),
            date=TODAY,
            lines=_cash_sale(books),
            by=accountant,
            post=True,
        )
    assert JournalEntry.objects.count() == 1


def test_posted_entries_are_immutable_in_services_and_in_the_database(books, accountant):
    entry = entry_create(
        company=books,
        journal=journal(books, "MISC"),
        date=TODAY,
        lines=_cash_sale(books),
        by=accountant,
        post=True,
    )
    with pytest.raises(PostedEntryError):
        entry_post(entry=entry, by=accountant)
    with pytest.raises(PostedEntryError, match="reverse it"):
        entry_delete(entry=entry, by=accountant)
    line = JournalLine.objects.filter(entry=entry).order_by("pk")[0]
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        JournalLine.objects.filter(pk=line.pk).update(debit=Decimal("1"), credit=Decimal(0))
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(date=dt.date(2026, 1, 1))
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        JournalLine.objects.create(
            company=books,
            entry=entry,
            journal=entry.journal,
            account=account(books, "cash"),
            date=TODAY,
            debit=Decimal("5"),
            currency="THB",
        )
    # reconciliation columns stay writable
    JournalLine.objects.filter(pk=line.pk).update(reconciled=False)
    entry.refresh_from_db()
    assert entry.date == TODAY
    assert balance(books, "cash") == Decimal("100.00")


@pytest.mark.postgres_only
def test_postgresql_also_refuses_deleting_posted_rows(books, accountant):
    entry = entry_create(
        company=books,
        journal=journal(books, "MISC"),
        date=TODAY,
        lines=_cash_sale(books),
        by=accountant,
        post=True,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalLine.objects.filter(entry=entry).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()


def test_reversal_mirrors_the_entry_and_only_once(books, accountant):
    entry = entry_create(
        company=books,
        journal=journal(books, "MISC"),
        date=TODAY,
        lines=_cash_sale(books),
        by=accountant,
        post=True,
    )
    reversal = entry_reverse(entry=entry, by=accountant, reason="typo")
    assert reversal.reversal_of_id == entry.pk
    assert reversal.state == EntryState.POSTED
    assert balance(books, "cash") == 0
    assert balance(books, "income") == 0
    with pytest.raises(PostedEntryError, match="already reversed"):
        entry_reverse(entry=entry, by=accountant)


def test_setup_is_idempotent_and_refuses_a_second_chart(books):
    assert accounting_setup(company=books, template="th_npae", by=None).chart_template == "th_npae"
    with pytest.raises(Exception, match="already keeps its books"):
        accounting_setup(company=books, template="kh", by=None)


def test_a_fiscal_year_may_start_in_any_month_and_never_overlaps(books, accountant):
    from concord.modules.accounting.services.setup import fiscal_year_create

    april = fiscal_year_create(company=books, year=2027, start_month=4, by=accountant)
    assert (april.name, april.date_start, april.date_end) == (
        "2027/2028",
        dt.date(2027, 4, 1),
        dt.date(2028, 3, 31),
    )
    periods = list(april.periods.order_by("date_start").values_list("name", flat=True))
    assert periods[0] == "2027-04"
    assert periods[-1] == "2028-03"
    assert len(periods) == 12
    assert fiscal_year_create(company=books, year=2027, start_month=4, by=accountant) == april
    with pytest.raises(Exception, match="overlaps"):
        fiscal_year_create(company=books, year=2027, start_month=1, by=accountant)
