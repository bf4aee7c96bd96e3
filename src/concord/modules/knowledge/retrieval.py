"""Ranked retrieval over a company's published articles, for the help centre, agents and the assistant.

The core search index finds substrings; this ranks whole articles: the query's features (words, or
Thai/Khmer character 3-grams, see ``text.features``) weighted by how rare they are in the company's
articles (IDF), their coverage of the title (weighted x2) and of the body, a bonus when the query
appears whole in the title or body, a bonus for the wanted language, and helpful votes to break ties.

The articles are scored in memory. Each process keeps one prepared index per company, checked
against a one-query stamp of the company's articles (latest change, count, votes) on every search, so
an article published in another process is seen at once and no two processes can disagree for long
(the architecture forbids in-process caches that must agree).

Optional semantic re-rank: with ``sentence_transformers`` importable and ``CONCORD_EMBEDDING_MODEL``
naming a local directory, the top 20 are re-ordered by cosine similarity. Nothing is ever downloaded.
Tests install a fake with ``embedder_installed``.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.db.models import Count, Max, Sum
from django.urls import reverse

from concord.modules.knowledge import text as kb_text
from concord.modules.knowledge.models import Article, ArticleState, ArticleVisibility

__all__ = [
    "RERANK_DEPTH",
    "Embedder",
    "RankedArticle",
    "embedder_installed",
    "index_forget",
    "rank_articles",
]

logger = logging.getLogger(__name__)

RERANK_DEPTH = 20
MAX_QUERY_CHARS = 200
_TITLE_WEIGHT = 2.0
_BODY_WEIGHT = 1.0
_TITLE_PHRASE_BONUS = 1.0
_BODY_PHRASE_BONUS = 0.3
_LANGUAGE_BONUS = 0.25
_MIN_COVERAGE = 0.34  # below this share of the query's weight, an article is not an answer
_EMBED_TEXT_CHARS = 600


class Embedder(Protocol):
    """Turns texts into vectors (a sentence-transformers model, or a test's fake)."""

    def encode(self, sentences: list[str]) -> Any: ...


@dataclass(frozen=True)
class _Doc:
    article_id: int
    title: str
    plain: str
    language: str
    is_public: bool
    helpful: int
    not_helpful: int
    url: str
    public_url: str
    title_compact: str
    body_compact: str
    title_features: frozenset[str]
    body_features: frozenset[str]


@dataclass
class _CompanyIndex:
    stamp: tuple[Any, ...]
    docs: list[_Doc]
    idf: dict[str, float]
    vectors: dict[int, list[float]] = field(default_factory=dict)


@dataclass(frozen=True)
class RankedArticle:
    """One article found, with its score (higher is better) and a plain-text snippet."""

    article_id: int
    title: str
    url: str
    public_url: str
    snippet: str
    score: float
    language: str
    is_public: bool


_indexes: dict[int, _CompanyIndex] = {}
_lock = threading.Lock()


def _compact(value: str) -> str:
    return "".join(kb_text.normalise(value).split())


def _stamp(company_id: int) -> tuple[Any, ...]:
    found = Article.all_companies.filter(company_id=company_id).aggregate(
        changed=Max("updated_at"), count=Count("pk"), up=Sum("helpful_count"), down=Sum("not_helpful_count")
    )
    return (found["changed"], found["count"], found["up"], found["down"])


def _build(company_id: int, stamp: tuple[Any, ...]) -> _CompanyIndex:
    rows = (
        Article.all_companies.filter(company_id=company_id, state=ArticleState.PUBLISHED)
        .select_related("current_version", "company")
        .order_by("pk")
    )
    docs: list[_Doc] = []
    frequency: Counter[str] = Counter()
    for article in rows:
        version = article.current_version
        body = version.body if version is not None else ""
        plain = kb_text.body_plain(body)
        title_features = frozenset(kb_text.features(article.title))
        body_features = frozenset(kb_text.features(plain))
        frequency.update(title_features | body_features)
        is_public = article.visibility == ArticleVisibility.PUBLIC
        public_url = (
            reverse("knowledge:help-article", args=[article.company.code, article.pk, article.slug])
            if is_public
            else ""
        )
        docs.append(
            _Doc(
                article_id=article.pk,
                title=article.title,
                plain=plain,
                language=article.language,
                is_public=is_public,
                helpful=article.helpful_count,
                not_helpful=article.not_helpful_count,
                url=reverse("knowledge:article-detail", args=[article.pk]),
                public_url=public_url,
                title_compact=_compact(article.title),
                body_compact=_compact(plain),
                title_features=title_features,
                body_features=body_features,
            )
        )
    total = len(docs)
    idf = {feature: math.log(1 + total / (1 + count)) + 0.1 for feature, count in frequency.items()}
    return _CompanyIndex(stamp=stamp, docs=docs, idf=idf)


def _company_index(company_id: int) -> _CompanyIndex:
    stamp = _stamp(company_id)
    with _lock:
        index = _indexes.get(company_id)
        if index is not None and index.stamp == stamp:
            return index
    index = _build(company_id, stamp)
    with _lock:
        _indexes[company_id] = index
    return index


def index_forget(company_id: int | None = None) -> None:
    """Drop the prepared index of one company (all when None); the stamp makes this rarely needed."""
    with _lock:
        if company_id is None:
            _indexes.clear()
        else:
            _indexes.pop(company_id, None)


# --------------------------------------------------------------------------- optional embeddings
_override: list[Embedder | None] = []
_default: dict[str, Embedder | None] = {}


@contextmanager
def embedder_installed(embedder: Embedder | None) -> Iterator[None]:
    """Use ``embedder`` for re-ranking inside the block (None: no re-ranking), whatever is installed."""
    _override.append(embedder)
    index_forget()
    try:
        yield
    finally:
        _override.pop()
        index_forget()


def _configured_embedder() -> Embedder | None:
    """The local sentence-transformers model of ``CONCORD_EMBEDDING_MODEL``, loaded once; else None."""
    path = os.environ.get("CONCORD_EMBEDDING_MODEL", "").strip()
    if not path:
        return None
    if path in _default:
        return _default[path]
    model: Embedder | None = None
    if Path(path).is_dir() and importlib.util.find_spec("sentence_transformers") is not None:
        try:
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]  # optional extra

            model = SentenceTransformer(path, local_files_only=True)
        except Exception:  # an optional re-ranker must never break search
            logger.exception("knowledge: could not load the embedding model at %s", path)
            model = None
    _default[path] = model
    return model


def _embedder() -> Embedder | None:
    if _override:
        return _override[-1]
    return _configured_embedder()


def _vector(raw: Any) -> list[float]:
    return [float(value) for value in raw]


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def _rerank(
    index: _CompanyIndex, query: str, ranked: list[tuple[float, _Doc]], embedder: Embedder
) -> list[tuple[float, _Doc]]:
    """The top ``RERANK_DEPTH`` re-ordered by cosine similarity to the query (the rest after them)."""
    head, tail = ranked[:RERANK_DEPTH], ranked[RERANK_DEPTH:]
    try:
        missing = [doc for _score, doc in head if doc.article_id not in index.vectors]
        if missing:
            encoded = embedder.encode([f"{doc.title}\n{doc.plain[:_EMBED_TEXT_CHARS]}" for doc in missing])
            for doc, vector in zip(missing, encoded, strict=True):
                index.vectors[doc.article_id] = _vector(vector)
        query_vector = _vector(embedder.encode([query])[0])
    except Exception:  # an optional re-ranker must never break search
        logger.exception("knowledge: semantic re-rank failed; keeping the lexical order")
        return ranked
    similarity = {doc.article_id: _cosine(query_vector, index.vectors[doc.article_id]) for _s, doc in head}
    head = sorted(head, key=lambda pair: -similarity[pair[1].article_id])
    return head + tail


# --------------------------------------------------------------------------- ranking
def _score(
    doc: _Doc, weights: dict[str, float], total: float, compact: str, language: str | None
) -> float | None:
    title_cover = sum(weight for feature, weight in weights.items() if feature in doc.title_features) / total
    body_cover = sum(weight for feature, weight in weights.items() if feature in doc.body_features) / total
    in_title = len(compact) >= 2 and compact in doc.title_compact
    in_body = len(compact) >= 3 and compact in doc.body_compact
    if max(title_cover, body_cover) < _MIN_COVERAGE and not (in_title or in_body):
        return None
    score = _TITLE_WEIGHT * title_cover + _BODY_WEIGHT * body_cover
    score += _TITLE_PHRASE_BONUS if in_title else 0.0
    score += _BODY_PHRASE_BONUS if in_body else 0.0
    if language and doc.language == language:
        score += _LANGUAGE_BONUS
    return round(score, 4)


def rank_articles(
    *, company_id: int, query: str, language: str | None = None, public_only: bool = True, limit: int = 5
) -> list[RankedArticle]:
    """The company's published articles that answer ``query``, best first (see the module docstring)."""
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    limit = max(0, min(int(limit), 50))
    if not query or limit == 0:
        return []
    index = _company_index(company_id)
    wanted = language or kb_text.detect_language(query)
    query_features = kb_text.features(query)
    compact = _compact(query)
    if not query_features and not compact:
        return []
    # A feature unknown to every article still counts (it is what the query asks), as a rare one.
    rare = math.log(1 + len(index.docs)) + 0.1
    weights = {feature: index.idf.get(feature, rare) for feature in dict.fromkeys(query_features)}
    total = sum(weights.values()) or 1.0
    ranked: list[tuple[float, _Doc]] = []
    for doc in index.docs:
        if public_only and not doc.is_public:
            continue
        score = _score(doc, weights, total, compact, wanted)
        if score is not None:
            ranked.append((score, doc))
    ranked.sort(key=lambda pair: (-pair[0], -(pair[1].helpful - pair[1].not_helpful), pair[1].article_id))
    embedder = _embedder()
    if embedder is not None and len(ranked) > 1:
        ranked = _rerank(index, query, ranked, embedder)
    terms = [kb_text.normalise(word) for word in query.split()] + list(weights)
    return [
        RankedArticle(
            article_id=doc.article_id,
            title=doc.title,
            url=doc.public_url if public_only else (doc.public_url or doc.url),
            public_url=doc.public_url,
            snippet=kb_text.snippet(doc.plain, terms),
            score=score,
            language=doc.language,
            is_public=doc.is_public,
        )
        for score, doc in ranked[:limit]
    ]
