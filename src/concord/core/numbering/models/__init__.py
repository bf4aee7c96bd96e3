from concord.core.numbering.models.sequence import DEFAULT_PATTERN, Sequence

__all__ = ["DEFAULT_PATTERN", "Sequence"]
