"""Errors of document numbering."""

from __future__ import annotations

from concord.core.errors import ValidationFailed

__all__ = ["NumberingOutsideTransactionError", "SequencePatternError"]


class NumberingOutsideTransactionError(RuntimeError):
    """``sequence_next`` was called without a surrounding ``transaction.atomic()``: a programming error.

    Outside a transaction the number would be committed at once, and lost (a gap) if the document
    that was meant to carry it then failed to save.
    """


class SequencePatternError(ValidationFailed):
    """A numbering pattern that cannot format a number."""

    code = "invalid_sequence_pattern"
