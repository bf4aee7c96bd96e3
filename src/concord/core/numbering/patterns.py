"""Formatting document numbers from a sequence's pattern.

A pattern is a Python format string over four names only: ``{doc_type}``, ``{year}`` (Gregorian),
``{year_be}`` (Thai Buddhist era, year + 543) and ``{number}`` with any format spec
(``{number:05d}``). Sequences always count per *Gregorian* year: which year a document belongs to is
a fact, how the year is written on it is display, so a Thai company that writes "INV2569-0001" uses
``"{doc_type}{year_be}-{number:04d}"`` on the 2026 sequence.
"""

from __future__ import annotations

import string

from django.utils.translation import gettext

from concord.core.numbering.errors import SequencePatternError

__all__ = ["BUDDHIST_ERA_OFFSET", "format_document_number", "validate_pattern"]

BUDDHIST_ERA_OFFSET = 543
_NAMES = frozenset({"doc_type", "year", "year_be", "number"})


def validate_pattern(pattern: str) -> str:
    """``pattern`` if it only uses the allowed names and contains ``{number}``; else ``SequencePatternError``."""
    try:
        fields = [
            field for _text, field, _spec, _conv in string.Formatter().parse(pattern) if field is not None
        ]
        usable = set(fields) <= _NAMES and "number" in fields
        if usable:
            format_document_number(pattern, doc_type="INV", year=2026, number=1)
    except (ValueError, IndexError, KeyError):
        usable = False
    if not usable:
        raise SequencePatternError(
            gettext(
                "The numbering pattern %(pattern)s is not valid: it must contain {number} and may use "
                "{doc_type}, {year} and {year_be}."
            )
            % {"pattern": pattern},
            field="pattern",
        )
    return pattern


def format_document_number(pattern: str, *, doc_type: str, year: int, number: int) -> str:
    """``format_document_number("{doc_type}/{year}/{number:05d}", doc_type="INV", year=2026, number=1)`` -> "INV/2026/00001"."""
    return pattern.format(doc_type=doc_type, year=year, year_be=year + BUDDHIST_ERA_OFFSET, number=number)
