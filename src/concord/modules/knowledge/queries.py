"""Reads of the knowledge base: the agents' lists and the public help centre's pages.

The help centre is anonymous, so its selectors name the company explicitly and use the unscoped
manager (a signed-in visitor of another company's help centre must see it too), and only ever return
published public articles.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from concord.core.identity.models import Company
from concord.modules.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleState,
    ArticleVersion,
    ArticleVisibility,
)

__all__ = [
    "article_translations",
    "article_versions",
    "articles_for_list",
    "categories_of",
    "public_article",
    "public_articles",
    "public_categories",
    "public_company",
]


def articles_for_list() -> QuerySet[Article]:
    """The articles of the companies in scope, with what the list shows."""
    return Article.objects.select_related("category", "current_version")


def categories_of(company: Company | int) -> QuerySet[ArticleCategory]:
    company_id = company if isinstance(company, int) else company.pk
    return ArticleCategory.all_companies.filter(company_id=company_id).select_related("parent")


def article_versions(article: Article) -> QuerySet[ArticleVersion]:
    """Newest first, with their authors."""
    return (
        ArticleVersion.all_companies.filter(article_id=article.pk)
        .select_related("author")
        .order_by("-number")
    )


def article_translations(article: Article, *, public_only: bool = False) -> list[Article]:
    """The same article in the other languages (published public ones only when ``public_only``)."""
    rows = Article.all_companies.filter(
        company_id=article.company_id, translation_key=article.translation_key
    ).exclude(pk=article.pk)
    if public_only:
        rows = rows.filter(state=ArticleState.PUBLISHED, visibility=ArticleVisibility.PUBLIC)
    return list(rows.order_by("language"))


def public_company(code: str) -> Company | None:
    """The active company whose help centre is at ``code``."""
    return Company.objects.filter(code=code, is_active=True).first()


def _public_rows(company: Company) -> QuerySet[Article]:
    return Article.all_companies.filter(
        company_id=company.pk, state=ArticleState.PUBLISHED, visibility=ArticleVisibility.PUBLIC
    )


def public_article(company: Company, article_id: int) -> Article | None:
    """A published public article of ``company`` (None for anything else: drafts, internal, others')."""
    return _public_rows(company).select_related("current_version", "category").filter(pk=article_id).first()


def public_articles(
    company: Company, *, language: str, category_id: int | None = None, fallback_language: str = "en"
) -> list[Article]:
    """One article per translation group, in ``language`` where it exists (else the fallback, else any)."""
    rows = _public_rows(company).select_related("category")
    if category_id is not None:
        rows = rows.filter(category_id=category_id)
    preference = {language: 0, fallback_language: 1}
    chosen: dict[str, Article] = {}
    for article in rows.order_by("-published_at", "pk"):
        held = chosen.get(article.translation_key)
        if held is None or preference.get(article.language, 2) < preference.get(held.language, 2):
            chosen[article.translation_key] = article
    return sorted(chosen.values(), key=lambda article: (article.title.casefold(), article.pk))


def public_categories(company: Company) -> list[ArticleCategory]:
    """The categories holding at least one published public article."""
    live = _public_rows(company).values("category_id")
    return list(
        ArticleCategory.all_companies.filter(Q(company_id=company.pk) & Q(pk__in=live)).order_by(
            "sequence", "name", "pk"
        )
    )
