"""The matched fragment of a hit, escaped and with ``<mark>`` around each match (HTML-safe)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["highlight_fragment", "match_spans"]

# Characters of context kept on each side of the first match when a long text is cut to a snippet.
SNIPPET_CONTEXT = 40
ELLIPSIS = "…"


def match_spans(text: str, terms: Iterable[str], *, prefix_only: bool = False) -> list[tuple[int, int]]:
    """Where ``terms`` occur in ``text`` (case-insensitively), merged and in order.

    With ``prefix_only`` a term counts only at the start of the text or of a word (after whitespace).
    """
    folded = text.lower()
    if len(folded) != len(text):  # a few characters change length when lowered; match them as written
        folded = text
    spans: list[tuple[int, int]] = []
    for term in terms:
        needle = term.lower() if folded is not text else term
        if not needle:
            continue
        start = folded.find(needle)
        while start != -1:
            if not prefix_only or start == 0 or text[start - 1].isspace():
                spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped, each span wrapped in ``<mark>``: escaping piece by piece keeps tags out."""
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return "".join(parts)


def highlight_fragment(
    fields: Sequence[str], terms: Sequence[str], *, prefix_only: bool = False, max_length: int = 160
) -> SafeString:
    """The first field (in the order given: title first) holding a match, with the matches marked.

    A long field is cut around its first match. With no match anywhere (the index matched a variant,
    e.g. the digits of a phone number), the first field is returned escaped, unmarked.
    """
    for text in fields:
        if not text:
            continue
        spans = match_spans(text, terms, prefix_only=prefix_only)
        if not spans:
            continue
        if len(text) <= max_length:
            return mark_safe(_marked(text, spans))  # noqa: S308 - every piece of text went through escape()
        first_start = spans[0][0]
        cut_start = max(0, first_start - SNIPPET_CONTEXT)
        cut_end = min(len(text), cut_start + max_length)
        window = [(max(s, cut_start) - cut_start, min(e, cut_end) - cut_start) for s, e in spans]
        window = [(s, e) for s, e in window if s < e]
        snippet = _marked(text[cut_start:cut_end], window)
        before = ELLIPSIS if cut_start > 0 else ""
        after = ELLIPSIS if cut_end < len(text) else ""
        return mark_safe(f"{before}{snippet}{after}")  # noqa: S308 - built from escaped pieces above
    first = next((text for text in fields if text), "")
    return escape(first[:max_length])
