"""Taking gapless document numbers.

Gapless means every number of a sequence ends up on a committed document, in order, none twice. Two
things give that: the number is taken inside the *caller's* transaction (so a document that fails to
save rolls its number back with it) and the sequence row is locked (``SELECT ... FOR UPDATE``) until
that transaction ends, so concurrent callers queue instead of reading the same counter. On SQLite the
row lock is a no-op, but Concord opens SQLite transactions with ``BEGIN IMMEDIATE``: writers queue on
the database lock, which gives the same guarantee.

The price is that documents of one type and year are numbered one transaction at a time: keep the
work between ``sequence_next`` and the commit short.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.numbering.errors import NumberingOutsideTransactionError
from concord.core.numbering.models import DEFAULT_PATTERN, Sequence
from concord.core.numbering.patterns import format_document_number, validate_pattern

__all__ = ["document_year", "sequence_next"]

_DOC_TYPE_MAX_LENGTH = 20


def document_year(on_date: dt.date) -> int:
    """The Gregorian year a document dated ``on_date`` is numbered in (a datetime counts in local time)."""
    if isinstance(on_date, dt.datetime):
        return (timezone.localtime(on_date) if timezone.is_aware(on_date) else on_date).year
    return on_date.year


def checked_doc_type(doc_type: str) -> str:
    code = doc_type.strip() if isinstance(doc_type, str) else ""
    if not code or len(code) > _DOC_TYPE_MAX_LENGTH:
        raise ValidationFailed(
            gettext("A document type is 1 to %(max)d characters, e.g. INV.") % {"max": _DOC_TYPE_MAX_LENGTH},
            field="doc_type",
        )
    return code


def _locked_sequence(*, company: Company, doc_type: str, year: int, pattern: str | None) -> Sequence:
    """The sequence row, locked until the caller's transaction ends; created on first use."""
    key = {"company": company, "doc_type": doc_type, "year": year}
    rows = Sequence.all_companies.select_for_update()  # the manager is typed Any in CompanyOwned
    sequence: Sequence | None = rows.filter(**key).first()
    if sequence is not None:
        return sequence
    new_pattern = validate_pattern(pattern) if pattern is not None else DEFAULT_PATTERN
    try:
        # A savepoint: when another transaction creates the same row first, only this insert fails
        # (on PostgreSQL it waits for that transaction, then raises) and the caller's work survives.
        with transaction.atomic():
            created: Sequence = Sequence.all_companies.create(**key, pattern=new_pattern)
    except IntegrityError:
        existing: Sequence = rows.get(**key)
        return existing
    return created


def sequence_next(*, company: Company, doc_type: str, on_date: dt.date, pattern: str | None = None) -> str:
    """Take the next number of ``company``'s ``doc_type`` for ``on_date``'s year: "INV/2026/00001".

    Call it inside the transaction that saves the document carrying the number: the number is
    consumed only if that transaction commits. ``pattern`` is used when this call starts the year's
    sequence; an existing sequence keeps the pattern stored on it, so one year's numbers look alike.
    """
    if not transaction.get_connection().in_atomic_block:
        raise NumberingOutsideTransactionError(
            "sequence_next() must run inside the caller's transaction.atomic(), the one that saves the "
            "numbered document; otherwise a failed save would leave a gap in the numbering"
        )
    code = checked_doc_type(doc_type)
    year = document_year(on_date)
    sequence = _locked_sequence(company=company, doc_type=code, year=year, pattern=pattern)
    number = sequence.next_number
    sequence.next_number = number + 1
    sequence.save(update_fields=["next_number"])
    return format_document_number(sequence.pattern, doc_type=code, year=year, number=number)
