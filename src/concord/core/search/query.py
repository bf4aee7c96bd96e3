"""What a search box query means: its terms, and whether it is too short for the trigram index."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["MIN_TRIGRAM_LENGTH", "QUERY_MAX_LENGTH", "ParsedQuery", "parse_query"]

QUERY_MAX_LENGTH = 200
# A trigram index cannot find fewer than three characters (FTS5 returns nothing for them).
MIN_TRIGRAM_LENGTH = 3
# Khmer text often separates words with ZERO WIDTH SPACE; in a query it separates terms like a space.
_WORD_SEPARATORS = {"\u200b": " "}


@dataclass(frozen=True)
class ParsedQuery:
    """A cleaned query: ``prefix`` queries are matched at the start of codes and title words."""

    text: str
    terms: tuple[str, ...]
    prefix: bool

    @property
    def index_terms(self) -> tuple[str, ...]:
        """Terms long enough for the trigram index."""
        return tuple(term for term in self.terms if len(term) >= MIN_TRIGRAM_LENGTH)

    @property
    def short_terms(self) -> tuple[str, ...]:
        """Terms the index cannot find; they are matched as plain substrings."""
        return tuple(term for term in self.terms if len(term) < MIN_TRIGRAM_LENGTH)


def normalise(text: str) -> str:
    """NFC form without control characters: the index and the query agree on every character."""
    text = unicodedata.normalize("NFC", text)
    return "".join(
        _WORD_SEPARATORS.get(char, char) if unicodedata.category(char) != "Cc" else " " for char in text
    )


def parse_query(query: str) -> ParsedQuery | None:
    """The query's terms (at most ``QUERY_MAX_LENGTH`` characters are read); None when it is empty."""
    text = " ".join(normalise(query[: QUERY_MAX_LENGTH * 2]).split())[:QUERY_MAX_LENGTH].strip()
    if not text:
        return None
    terms = tuple(dict.fromkeys(text.split()))  # distinct, in order
    return ParsedQuery(text=text, terms=terms, prefix=len(text) < MIN_TRIGRAM_LENGTH)


def fts5_phrase(term: str) -> str:
    """``term`` as an FTS5 string: quoted, inner quotes doubled, so no character acts as an operator."""
    return '"' + term.replace('"', '""') + '"'


def like_escape(term: str) -> str:
    """``term`` with LIKE's wildcards escaped (the statements use ``ESCAPE '\\'``)."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
