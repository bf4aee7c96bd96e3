"""Phrase matching for the skills: per-language phrase lists, scored 0..1.

English is matched on lower-cased text with word boundaries; Thai and Khmer have no spaces between
words, so their phrases are plain substrings of the text with spaces removed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

# A phrase with its weight (0..1): the best matching phrase gives the skill's score.
Phrases = Mapping[str, Sequence[tuple[str, float]]]

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str, language: str) -> str:
    """Lower-cased text; Thai and Khmer without spaces, English with single spaces between words."""
    lowered = (text or "").casefold()
    if language in ("th", "km"):
        return _SPACES.sub("", lowered)
    return " " + _SPACES.sub(" ", _NOT_WORD.sub(" ", lowered)).strip() + " "


def phrase_score(text: str, language: str, phrases: Phrases) -> float:
    """The weight of the best phrase of ``language`` (and of English, for mixed messages) in ``text``."""
    best = 0.0
    for lang in dict.fromkeys((language, "en")):
        normal = normalise(text, lang)
        for phrase, weight in phrases.get(lang, ()):
            if weight <= best:
                continue
            needle = _SPACES.sub("", phrase.casefold()) if lang in ("th", "km") else f" {phrase.casefold()} "
            if needle.strip() and needle in normal:
                best = weight
    return best


def word_count(text: str) -> int:
    """Words in an English text; for Thai/Khmer roughly the characters divided by four."""
    stripped = (text or "").strip()
    if not stripped:
        return 0
    spaced = len(stripped.split())
    return max(spaced, len(_SPACES.sub("", stripped)) // 4 if not stripped.isascii() else spaced)
