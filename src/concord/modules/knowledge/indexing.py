"""How an article appears in the global search: its ``SearchDocument``, kept in sync by the services."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from concord.core.search.facade import SearchDocument, search_index, search_unindex
from concord.modules.knowledge import text as kb_text
from concord.modules.knowledge.models import Article, ArticleState

SEARCH_KIND = "knowledge.article"

__all__ = ["SEARCH_KIND", "article_index", "article_search_document", "article_search_documents"]


def article_search_document(article: Article) -> SearchDocument:
    """Title as title; category, language and status as subtitle; the plain body as text."""
    body = article.current_version.body if article.current_version is not None else ""
    category = article.category.name if article.category is not None else ""
    subtitle = " · ".join(
        part for part in (category, article.get_language_display(), article.get_state_display()) if part
    )
    return SearchDocument(
        kind=SEARCH_KIND,
        object_id=str(article.pk),
        company_id=article.company_id,
        title=article.title,
        subtitle=subtitle,
        codes=(article.slug,),
        text=kb_text.body_plain(body),
        url=reverse("knowledge:article-detail", args=[article.pk]),
    )


def article_index(article: Article) -> None:
    """Upsert (or, once archived, remove) ``article``'s entry; call inside the writing transaction."""
    if article.state == ArticleState.ARCHIVED:
        search_unindex(kind=SEARCH_KIND, object_id=str(article.pk))
    else:
        search_index(article_search_document(article))


def article_search_documents() -> Iterator[SearchDocument]:
    """Every article not archived, of every company, for a full rebuild of the search index."""
    articles = (
        Article.all_companies.exclude(state=ArticleState.ARCHIVED)
        .select_related("current_version", "category")
        .order_by("pk")
    )
    for article in articles.iterator(chunk_size=500):
        yield article_search_document(article)
