"""REST endpoints of the knowledge base, mounted at /api/v1/knowledge/.

Agents' endpoints check the permission in the article's company (area ``knowledge``): a row of a
company where the caller may not view the knowledge base answers 404, a wrong state 409, bad input a
422 naming the field. Actions are explicit endpoints (``/articles/{id}/publish``, ``unpublish``,
``archive``, ``/versions/{n}/restore``). ``/public/{company_code}/...`` needs no authentication and
only ever answers published public articles (the help centre, the chat widget).
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, FilterLookup, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import api_caller, api_company, row_for_perm, rows_for_perm
from concord.core.errors import NotFound
from concord.modules.knowledge import text as kb_text
from concord.modules.knowledge.facade import articles_search
from concord.modules.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleLanguage,
    ArticleState,
    ArticleVisibility,
)
from concord.modules.knowledge.queries import (
    article_translations,
    article_versions,
    public_article,
    public_company,
)
from concord.modules.knowledge.services import articles as article_services

router = Router(tags=["knowledge"])

M = TypeVar("M", bound=Model)

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}
_PUBLIC_ERRORS: dict[Any, Any] = {frozenset({404, 422}): ErrorOut}

VIEW = "knowledge.view"
ADD = "knowledge.add"
CHANGE = "knowledge.change"
PUBLISH = "knowledge.publish"


# --------------------------------------------------------------------------- schemas
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class ArticleIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    title: str = Field(..., max_length=200)
    body: str = ""
    language: ArticleLanguage = ArticleLanguage.EN
    visibility: ArticleVisibility = ArticleVisibility.INTERNAL
    category_id: int | None = None
    slug: str = Field("", max_length=120)
    change_note: str = Field("", max_length=300)
    translation_of: int | None = Field(
        None, description="An article id: the new one joins its translation group (another language)."
    )


class ArticlePatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    body: str | None = None
    change_note: str = Field("", max_length=300)
    language: ArticleLanguage | None = None
    visibility: ArticleVisibility | None = None
    category_id: int | None = Field(None, description="null takes the article out of its category.")
    slug: str | None = Field(None, max_length=120)


class ArticleOut(Schema):
    id: int
    company_id: int
    category_id: int | None
    title: str
    slug: str
    language: str
    translation_key: str
    visibility: str
    state: str
    version_number: int
    helpful_count: int
    not_helpful_count: int
    published_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_version_number(obj: Any) -> int:
        if isinstance(obj, dict):
            return int(obj["version_number"])
        return obj.current_version.number if obj.current_version is not None else 0


class ArticleDetailOut(ArticleOut):
    body: str
    body_html: str
    translation_ids: dict[str, int]


class VersionOut(Schema):
    number: int
    title: str
    body: str
    change_note: str
    author_id: int | None
    created_at: dt.datetime


class CategoryOut(Schema):
    id: int
    company_id: int
    name: str
    name_th: str
    name_km: str
    description: str
    parent_id: int | None
    sequence: int


class HitOut(Schema):
    article_id: int
    title: str
    url: str
    snippet: str
    score: float
    language: str


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=200)
    language: ArticleLanguage | None = None
    limit: int = Field(5, ge=1, le=20)


class AgentSearchParams(SearchParams):
    company_id: int | None = Field(None, description="Defaults to your default company.")


class PublicArticleOut(Schema):
    id: int
    title: str
    language: str
    body_html: str
    url: str
    published_at: dt.datetime | None
    translation_ids: dict[str, int]


# --------------------------------------------------------------------------- helpers
def _summary(article: Article) -> dict[str, Any]:
    version = article.current_version
    return {
        "id": article.pk,
        "company_id": article.company_id,
        "category_id": article.category_id,
        "title": article.title,
        "slug": article.slug,
        "language": article.language,
        "translation_key": article.translation_key,
        "visibility": article.visibility,
        "state": article.state,
        "version_number": version.number if version is not None else 0,
        "helpful_count": article.helpful_count,
        "not_helpful_count": article.not_helpful_count,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
    }


def _detail(article: Article) -> dict[str, Any]:
    article = Article.all_companies.select_related("current_version").get(pk=article.pk)
    body = article.current_version.body if article.current_version is not None else ""
    return {
        **_summary(article),
        "body": body,
        "body_html": kb_text.body_html(body),
        "translation_ids": {other.language: other.pk for other in article_translations(article)},
    }


def _article(request: HttpRequest, article_id: int, perm: str) -> Article:
    return row_for_perm(
        request,
        Article.objects.select_related("company", "current_version"),
        article_id,
        perm=perm,
        view_perm=VIEW,
        missing=_("There is no such article."),
    )


def _visible_rows(request: HttpRequest, rows: QuerySet[M]) -> QuerySet[M]:
    return rows_for_perm(request, rows, VIEW)


class ArticleFilters(ListFilters):
    company_id: int | None = None
    category_id: int | None = None
    language: ArticleLanguage | None = None
    state: ArticleState | None = None
    visibility: ArticleVisibility | None = None
    q: Annotated[str | None, FilterLookup("title__icontains")] = None

    ordering_fields = {"id": "pk", "title": "title", "updated": "updated_at", "helpful": "helpful_count"}
    default_ordering = ("title",)


# --------------------------------------------------------------------------- articles
@router.get("/articles", response={200: list[ArticleOut], **_READ_ERRORS})
@paginated
def article_list(request: HttpRequest, filters: Query[ArticleFilters]) -> QuerySet[Article]:
    """Articles in every language and status; filter by category, language, state, visibility, title."""
    return filters.apply(_visible_rows(request, Article.objects.select_related("current_version")))


@router.get("/articles/search", response={200: list[HitOut], **_READ_ERRORS})
def article_search(request: HttpRequest, params: Query[AgentSearchParams]) -> list[Any]:
    """Published articles (internal and public) ranked for ``q``; Thai and Khmer without spaces work."""
    company = api_company(request, params.company_id, VIEW)
    return articles_search(
        company_id=company.pk,
        query=params.q,
        language=params.language.value if params.language else None,
        public_only=False,
        limit=params.limit,
    )


@router.post("/articles", response={201: ArticleDetailOut, **_ERRORS})
def article_create(request: HttpRequest, payload: ArticleIn) -> Status[Any]:
    """Write a draft (needs ``knowledge.add``); ``translation_of`` starts another language of an article."""
    caller = api_caller(request)
    if payload.translation_of is not None:
        source = _article(request, payload.translation_of, ADD)
        article = article_services.article_translation_create(
            source=source,
            language=payload.language.value,
            by=caller,
            title=payload.title,
            body=payload.body,
            change_note=payload.change_note,
        )
        return Status(201, _detail(article))
    company = api_company(request, payload.company_id, ADD)
    article = article_services.article_create(
        company=company,
        title=payload.title,
        body=payload.body,
        by=caller,
        language=payload.language.value,
        visibility=payload.visibility.value,
        category_id=payload.category_id,
        slug=payload.slug,
        change_note=payload.change_note,
    )
    return Status(201, _detail(article))


@router.get("/articles/{article_id}", response={200: ArticleDetailOut, **_READ_ERRORS})
def article_get(request: HttpRequest, article_id: int) -> dict[str, Any]:
    """One article in its current version, with its translations' ids."""
    return _detail(_article(request, article_id, VIEW))


@router.patch("/articles/{article_id}", response={200: ArticleDetailOut, **_ERRORS})
def article_update(request: HttpRequest, article_id: int, payload: ArticlePatch) -> dict[str, Any]:
    """Change the fields given; a new title or body becomes a new version. Archived: 409."""
    article = _article(request, article_id, CHANGE)
    values = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        name: (value.value if hasattr(value, "value") else value) for name, value in values.items()
    }
    if "category_id" not in changes:
        changes["category_id"] = article_services.UNSET
    return _detail(article_services.article_update(article=article, by=api_caller(request), **changes))


@router.get("/articles/{article_id}/versions", response={200: list[VersionOut], **_READ_ERRORS})
def article_version_list(request: HttpRequest, article_id: int) -> list[Any]:
    """Every saved version, newest first."""
    return list(article_versions(_article(request, article_id, VIEW)))


@router.post("/articles/{article_id}/versions/{number}/restore", response={200: ArticleDetailOut, **_ERRORS})
def article_version_restore(request: HttpRequest, article_id: int, number: int) -> dict[str, Any]:
    """Make version ``number``'s text current again (as a new version)."""
    article = _article(request, article_id, CHANGE)
    return _detail(
        article_services.article_version_restore(article=article, number=number, by=api_caller(request))
    )


@router.post("/articles/{article_id}/publish", response={200: ArticleDetailOut, **_ERRORS})
def article_publish(request: HttpRequest, article_id: int) -> dict[str, Any]:
    """Put the article live (needs ``knowledge.publish``); already published: unchanged."""
    article = _article(request, article_id, PUBLISH)
    return _detail(article_services.article_publish(article=article, by=api_caller(request)))


@router.post("/articles/{article_id}/unpublish", response={200: ArticleDetailOut, **_ERRORS})
def article_unpublish(request: HttpRequest, article_id: int) -> dict[str, Any]:
    """Back to draft (a draft already: 409)."""
    article = _article(request, article_id, PUBLISH)
    return _detail(article_services.article_unpublish(article=article, by=api_caller(request)))


@router.post("/articles/{article_id}/archive", response={200: ArticleDetailOut, **_ERRORS})
def article_archive(request: HttpRequest, article_id: int) -> dict[str, Any]:
    """Retire the article (archived already: 409)."""
    article = _article(request, article_id, PUBLISH)
    return _detail(article_services.article_archive(article=article, by=api_caller(request)))


# --------------------------------------------------------------------------- categories
@router.get("/categories", response={200: list[CategoryOut], **_READ_ERRORS})
@paginated
def category_list(request: HttpRequest, company_id: int | None = None) -> QuerySet[ArticleCategory]:
    """The categories of the companies where you may view the knowledge base."""
    rows = _visible_rows(request, ArticleCategory.objects.all())
    if company_id is not None:
        rows = rows.filter(company_id=company_id)
    return rows.order_by("company_id", "sequence", "name", "pk")


# --------------------------------------------------------------------------- public (no authentication)
def _public_company(code: str) -> Any:
    company = public_company(code)
    if company is None:
        raise NotFound(_("There is no such help centre."))
    return company


@router.get("/public/{company_code}/search", auth=None, response={200: list[HitOut], **_PUBLIC_ERRORS})
def public_search(request: HttpRequest, company_code: str, params: Query[SearchParams]) -> list[Any]:
    """The help centre's search: published public articles only, ranked for ``q``."""
    company = _public_company(company_code)
    return articles_search(
        company_id=company.pk,
        query=params.q,
        language=params.language.value if params.language else None,
        limit=params.limit,
    )


@router.get(
    "/public/{company_code}/articles/{article_id}",
    auth=None,
    response={200: PublicArticleOut, **_PUBLIC_ERRORS},
)
def public_article_get(request: HttpRequest, company_code: str, article_id: int) -> dict[str, Any]:
    """A published public article (anything else, drafts and internal ones included, is a 404)."""
    from django.urls import reverse

    company = _public_company(company_code)
    article = public_article(company, article_id)
    if article is None:
        raise NotFound(_("There is no such article."))
    body = article.current_version.body if article.current_version is not None else ""
    return {
        "id": article.pk,
        "title": article.title,
        "language": article.language,
        "body_html": kb_text.body_html(body),
        "url": reverse("knowledge:help-article", args=[company.code, article.pk, article.slug]),
        "published_at": article.published_at,
        "translation_ids": {
            other.language: other.pk for other in article_translations(article, public_only=True)
        },
    }
