"""The knowledge base's public face: what the helpdesk, the assistant, the portal and the demo call.

Functions take and return plain values and frozen dataclasses, never ORM objects.

- ``articles_search(*, company_id, query, language=None, public_only=True, limit=5)``: ranked
  retrieval that works on Thai and Khmer (no spaces between words), see ``retrieval``.
- ``article_get(article_id)`` -> ``ArticleInfo``; ``article_public_url(article_id)``.
- ``articles_import(*, company, items, by)``: published articles from plain data (demo, tests).
- ``embedder_installed(embedder)``: use a sentence embedder to re-rank (tests, the assistant's bench).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from concord.core.errors import NotFound
from concord.modules.knowledge import text as kb_text
from concord.modules.knowledge.models import Article
from concord.modules.knowledge.retrieval import Embedder, embedder_installed, rank_articles
from concord.modules.knowledge.services.importing import ArticleImportItem, articles_import

__all__ = [
    "ArticleHit",
    "ArticleImportItem",
    "ArticleInfo",
    "Embedder",
    "article_get",
    "article_public_url",
    "articles_import",
    "articles_search",
    "embedder_installed",
]


@dataclass(frozen=True)
class ArticleHit:
    """An article that answers a query: ``url`` is its help-centre page when public, else the agents' page;
    ``snippet`` is plain text (escape it when showing it)."""

    article_id: int
    title: str
    url: str
    snippet: str
    score: float
    language: str


@dataclass(frozen=True)
class ArticleInfo:
    """An article as other modules see it; ``body_html`` is safe to show as it is."""

    id: int
    company_id: int
    title: str
    body: str
    body_html: str
    language: str
    visibility: str
    state: str
    category_id: int | None
    category_name: str
    translation_key: str
    version_number: int
    published_at: dt.datetime | None
    helpful_count: int
    not_helpful_count: int
    url: str
    public_url: str | None


def articles_search(
    *,
    company_id: int,
    query: str,
    language: str | None = None,
    public_only: bool = True,
    limit: int = 5,
) -> list[ArticleHit]:
    """The company's published articles that best answer ``query``, best first (at most ``limit``).

    ``public_only`` (the default, for customers) leaves out internal articles; agents' callers pass
    False. ``language`` ("en", "th", "km") is preferred, not required; without it the query's script
    decides. Drafts and archived articles are never found.
    """
    return [
        ArticleHit(
            article_id=found.article_id,
            title=found.title,
            url=found.url,
            snippet=found.snippet,
            score=found.score,
            language=found.language,
        )
        for found in rank_articles(
            company_id=company_id, query=query, language=language, public_only=public_only, limit=limit
        )
    ]


def _public_url(article: Article) -> str | None:
    if not article.is_public:
        return None
    return reverse("knowledge:help-article", args=[article.company.code, article.pk, article.slug])


def article_get(article_id: int) -> ArticleInfo:
    """The article ``article_id`` in its current version (NotFound when there is none)."""
    article = (
        Article.all_companies.select_related("current_version", "category", "company")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise NotFound(_("There is no such article."))
    version = article.current_version
    body = version.body if version is not None else ""
    return ArticleInfo(
        id=article.pk,
        company_id=article.company_id,
        title=article.title,
        body=body,
        body_html=kb_text.body_html(body),
        language=article.language,
        visibility=article.visibility,
        state=article.state,
        category_id=article.category_id,
        category_name=article.category.name_in(article.language) if article.category is not None else "",
        translation_key=article.translation_key,
        version_number=version.number if version is not None else 0,
        published_at=article.published_at,
        helpful_count=article.helpful_count,
        not_helpful_count=article.not_helpful_count,
        url=reverse("knowledge:article-detail", args=[article.pk]),
        public_url=_public_url(article),
    )


def article_public_url(article_id: int) -> str | None:
    """The help-centre path of a published public article; None when the public may not read it."""
    article = Article.all_companies.select_related("company").filter(pk=article_id).first()
    if article is None:
        raise NotFound(_("There is no such article."))
    return _public_url(article)
