"""Finding "very similar" party names among many without comparing every pair.

The party form compares one new name with the company's parties through the database. An import checks
up to 100,000 rows against the company's parties and against each other, where comparing every pair with
difflib would take hours. ``SimilarNames`` keeps an inverted index of character trigrams (which works in
Thai and Khmer, whose words are not separated), takes the few names sharing the most trigrams with the
new one, and runs difflib only on those: two name keys with a ratio of 0.9 share most of their trigrams.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict

__all__ = ["NAME_SIMILARITY", "SimilarNames", "similar_enough"]

NAME_SIMILARITY = 0.9  # difflib ratio of two name keys at or above which names count as "very similar"
_CANDIDATES = 20  # names sharing the most trigrams that difflib then compares


def _trigrams(key: str) -> set[str]:
    if len(key) < 3:
        return {key} if key else set()
    return {key[index : index + 3] for index in range(len(key) - 2)}


def similar_enough(key: str, other: str) -> bool:
    """True when two name keys are equal or at least ``NAME_SIMILARITY`` alike."""
    if key == other:
        return True
    matcher = difflib.SequenceMatcher(None, other, key, autojunk=False)
    return (
        matcher.real_quick_ratio() >= NAME_SIMILARITY
        and matcher.quick_ratio() >= NAME_SIMILARITY
        and matcher.ratio() >= NAME_SIMILARITY
    )


class SimilarNames:
    """Name keys with what they stand for (a party's name), searchable for very similar keys."""

    def __init__(self) -> None:
        self._by_trigram: defaultdict[str, set[str]] = defaultdict(set)
        self._labels: dict[str, str] = {}

    def add(self, key: str, label: str) -> None:
        if len(key) < 3 or key in self._labels:
            return  # a key this short says too little to call two names alike
        self._labels[key] = label
        for gram in _trigrams(key):
            self._by_trigram[gram].add(key)

    def find(self, key: str) -> str | None:
        """The label of a known name very similar to ``key``, or None."""
        if len(key) < 3:
            return None
        if key in self._labels:
            return self._labels[key]
        shared = Counter(other for gram in _trigrams(key) for other in self._by_trigram.get(gram, ()))
        low, high = len(key) * 0.8, len(key) * 1.25
        for other, _count in shared.most_common(_CANDIDATES):
            if low <= len(other) <= high and similar_enough(key, other):
                return self._labels[other]
        return None
