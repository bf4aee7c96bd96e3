import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from concord.core.numbering.errors import NumberingOutsideTransactionError, SequencePatternError
from concord.core.numbering.models import Sequence
from concord.core.numbering.queries import sequence_peek
from concord.core.numbering.services import sequence_next

DAY = dt.date(2026, 11, 24)


class DocumentSaveError(Exception):
    """Stands for whatever makes the caller's document fail to save."""


def take(company, doc_type="INV", on_date=DAY, pattern=None):
    with transaction.atomic():
        return sequence_next(company=company, doc_type=doc_type, on_date=on_date, pattern=pattern)


def take_then_fail(company, doc_type="INV"):
    """Take a number in a transaction that then fails: raises DocumentSaveError carrying the number."""
    with transaction.atomic():
        raise DocumentSaveError(sequence_next(company=company, doc_type=doc_type, on_date=DAY))


def test_numbers_are_formatted_and_consecutive(company):
    assert [take(company) for _ in range(3)] == ["INV/2026/00001", "INV/2026/00002", "INV/2026/00003"]
    sequence = Sequence.all_companies.get(company=company, doc_type="INV", year=2026)
    assert sequence.next_number == 4


def test_sequences_are_independent_per_company_doc_type_and_year(company, make_company):
    other = make_company()
    assert take(company) == "INV/2026/00001"
    assert take(company) == "INV/2026/00002"
    assert take(other) == "INV/2026/00001"
    assert take(company, doc_type="CN") == "CN/2026/00001"
    assert take(company, on_date=dt.date(2027, 1, 1)) == "INV/2027/00001"
    assert take(company, on_date=dt.date(2026, 12, 31)) == "INV/2026/00003"
    assert Sequence.all_companies.count() == 4


def test_a_rolled_back_caller_releases_its_number(company):
    assert take(company) == "INV/2026/00001"
    with pytest.raises(DocumentSaveError) as failed:
        take_then_fail(company)
    assert failed.value.args == ("INV/2026/00002",)
    assert take(company) == "INV/2026/00002"  # no gap


def test_a_rolled_back_first_number_releases_the_new_sequence_too(company):
    with pytest.raises(DocumentSaveError):
        take_then_fail(company, doc_type="PAY")
    assert not Sequence.all_companies.filter(doc_type="PAY").exists()
    assert take(company, doc_type="PAY") == "PAY/2026/00001"


@pytest.mark.django_db(transaction=True)
def test_calling_outside_a_transaction_is_refused(company):
    with pytest.raises(NumberingOutsideTransactionError, match=r"transaction\.atomic"):
        sequence_next(company=company, doc_type="INV", on_date=DAY)
    assert not Sequence.all_companies.exists()


def test_a_pattern_applies_when_the_year_starts_and_sticks(company):
    pattern = "{doc_type}{year_be}-{number:04d}"
    assert take(company, pattern=pattern) == "INV2569-0001"  # Buddhist era 2569 = 2026
    assert take(company) == "INV2569-0002"  # the stored pattern wins
    assert take(company, on_date=dt.date(2027, 3, 1)) == "INV/2027/00001"


@pytest.mark.parametrize(
    "pattern", ["INV-{year}", "{number:05d}-{customer}", "{number.__class__}", "{number:05d", "{0}{number}"]
)
def test_bad_patterns_are_refused_before_anything_is_stored(company, pattern):
    with pytest.raises(SequencePatternError) as raised:
        take(company, pattern=pattern)
    assert raised.value.field == "pattern"
    assert not Sequence.all_companies.exists()


@pytest.mark.parametrize("doc_type", ["", "   ", "X" * 21])
def test_bad_document_types_are_refused(company, doc_type):
    from concord.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        take(company, doc_type=doc_type)


def test_peek_shows_the_next_number_without_taking_it(company):
    assert sequence_peek(company=company, doc_type="INV", on_date=DAY) == "INV/2026/00001"
    assert not Sequence.all_companies.exists()
    take(company)
    assert sequence_peek(company=company, doc_type="INV", on_date=DAY) == "INV/2026/00002"
    assert sequence_peek(company=company, doc_type="INV", on_date=DAY) == "INV/2026/00002"
    assert take(company) == "INV/2026/00002"


def test_an_aware_datetime_counts_in_local_time(company, settings):
    settings.TIME_ZONE = "Asia/Bangkok"
    new_years_eve_utc = dt.datetime(2026, 12, 31, 18, 0, tzinfo=dt.UTC)  # 01:00 on 1 January in Bangkok
    assert take(company, on_date=new_years_eve_utc) == "INV/2027/00001"


def test_database_refuses_a_second_sequence_for_the_same_year(company):
    Sequence.all_companies.create(company=company, doc_type="INV", year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sequence.all_companies.create(company=company, doc_type="INV", year=2026)
