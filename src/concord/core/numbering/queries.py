"""Reading sequences without taking a number."""

from __future__ import annotations

import datetime as dt

from concord.core.identity.models import Company
from concord.core.numbering.models import DEFAULT_PATTERN, Sequence
from concord.core.numbering.patterns import format_document_number, validate_pattern
from concord.core.numbering.services import checked_doc_type, document_year

__all__ = ["sequence_peek"]


def sequence_peek(*, company: Company, doc_type: str, on_date: dt.date, pattern: str | None = None) -> str:
    """The number ``sequence_next`` would give now, without taking it (to show "will be INV/2026/00042").

    Only a preview: another transaction may take that number first.
    """
    code = checked_doc_type(doc_type)
    year = document_year(on_date)
    sequence = Sequence.all_companies.filter(company=company, doc_type=code, year=year).first()
    if sequence is None:
        chosen = validate_pattern(pattern) if pattern is not None else DEFAULT_PATTERN
        return format_document_number(chosen, doc_type=code, year=year, number=1)
    return format_document_number(sequence.pattern, doc_type=code, year=year, number=sequence.next_number)
