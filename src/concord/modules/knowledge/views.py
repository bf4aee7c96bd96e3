"""The agents' screens of the knowledge base: articles (list, editor, detail, history, actions,
translations), categories, and the "suggested articles" partial the helpdesk's reply box loads.

Views parse, check permission in the object's company, call one service and render; the rules live in
``services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concord.core.errors import DomainError
from concord.core.identity.models import Company
from concord.core.lists.views import Column, ListScreen
from concord.core.web.session import (
    active_company_with_perm,
    has_perm_in_company,
    object_with_perm,
    user_companies,
)
from concord.modules.knowledge import text as kb_text
from concord.modules.knowledge.facade import articles_search
from concord.modules.knowledge.forms import ArticleFilter, ArticleForm, CategoryForm
from concord.modules.knowledge.models import Article, ArticleCategory, ArticleLanguage, ArticleState
from concord.modules.knowledge.queries import (
    article_translations,
    article_versions,
    articles_for_list,
    categories_of,
)
from concord.modules.knowledge.services import articles as article_services
from concord.modules.knowledge.services import categories as category_services

SUGGEST_LIMIT = 5


# --------------------------------------------------------------------------- articles
class ArticleList(ListScreen):
    """The knowledge base's articles, every language and status."""

    list_key = "knowledge.article"
    title = gettext_lazy("Knowledge base")
    permission = "knowledge.view"
    filterset_class = ArticleFilter
    ordering_fields = {
        "title": gettext_lazy("Title"),
        "updated_at": gettext_lazy("Last change"),
        "helpful_count": gettext_lazy("Helpful votes"),
    }
    default_ordering = "title"
    columns = [
        Column(key="title", label=gettext_lazy("Title"), link=True),
        Column(key="category__name", label=gettext_lazy("Category")),
        Column(key="language", label=gettext_lazy("Language"), accessor=lambda a: a.get_language_display()),
        Column(
            key="visibility", label=gettext_lazy("Visibility"), accessor=lambda a: a.get_visibility_display()
        ),
        Column(key="state", label=gettext_lazy("Status"), accessor=lambda a: a.get_state_display()),
        Column(
            key="current_version__number",
            label=gettext_lazy("Version"),
            accessor=lambda a: a.current_version.number if a.current_version else "",
            align="end",
        ),
        Column(key="helpful_count", label=gettext_lazy("Helpful votes"), align="end"),
        Column(key="updated_at", label=gettext_lazy("Last change")),
    ]
    create_url_name = "knowledge:article-create"

    def get_queryset(self) -> QuerySet[Article]:
        return articles_for_list()

    def row_url(self, obj: Article) -> str:
        return reverse("knowledge:article-detail", args=[obj.pk])


def _form_initial(article: Article) -> dict[str, Any]:
    version = article.current_version
    return {
        "title": article.title,
        "body": version.body if version is not None else "",
        "category": article.category_id,
        "language": article.language,
        "visibility": article.visibility,
        "slug": article.slug,
    }


def _editor(
    request: HttpRequest, *, company: Company, article: Article | None, source: Article | None = None
) -> HttpResponse:
    initial: dict[str, Any] = {"language": request.GET.get("language") or "en", "visibility": "internal"}
    if article is not None:
        initial = _form_initial(article)
    elif source is not None:
        initial = {**_form_initial(source), "slug": "", "language": request.GET.get("language", "")}
    form = ArticleForm(request.POST if request.method == "POST" else None, company=company, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            category = values["category"]
            try:
                if article is not None:
                    saved = article_services.article_update(
                        article=article,
                        by=request.user,
                        title=values["title"],
                        body=values["body"],
                        change_note=values["change_note"],
                        category_id=category.pk if category else None,
                        language=values["language"],
                        visibility=values["visibility"],
                        slug=values["slug"],
                    )
                elif source is not None:
                    saved = article_services.article_translation_create(
                        source=source,
                        language=values["language"],
                        by=request.user,
                        title=values["title"],
                        body=values["body"],
                        change_note=values["change_note"],
                    )
                else:
                    saved = article_services.article_create(
                        company=company,
                        title=values["title"],
                        body=values["body"],
                        by=request.user,
                        language=values["language"],
                        visibility=values["visibility"],
                        category_id=category.pk if category else None,
                        slug=values["slug"],
                        change_note=values["change_note"],
                    )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("“%(title)s” saved.") % {"title": saved.title})
                return redirect("knowledge:article-detail", pk=saved.pk)
        status = 400
    return render(
        request,
        "knowledge/article_form.html",
        {"form": form, "article": article, "source": source, "company": company},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    """A new article; ``?translation_of=<id>&language=th`` starts another language of an article."""
    source_id = request.GET.get("translation_of", "")
    if source_id:
        if not source_id.isdigit():
            raise Http404
        source = object_with_perm(
            request,
            Article.objects.select_related("company", "current_version"),
            int(source_id),
            "knowledge.add",
        )
        return _editor(request, company=source.company, article=None, source=source)
    return _editor(request, company=active_company_with_perm(request, "knowledge.add"), article=None)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = object_with_perm(
        request, Article.objects.select_related("company", "current_version"), pk, "knowledge.change"
    )
    if article.state == ArticleState.ARCHIVED:
        messages.error(request, _("An archived article cannot be edited: bring it back to draft first."))
        return redirect("knowledge:article-detail", pk=article.pk)
    return _editor(request, company=article.company, article=article)


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = object_with_perm(
        request,
        Article.objects.select_related("company", "category", "current_version", "current_version__author"),
        pk,
        "knowledge.view",
    )
    user = request.user
    translations = article_translations(article)
    have = {article.language, *(other.language for other in translations)}
    can_add = user.has_perm("knowledge.add", article)
    missing = [
        {"code": code, "label": label}
        for code, label in ArticleLanguage.choices
        if code not in have and can_add
    ]
    version = article.current_version
    can_publish = user.has_perm("knowledge.publish", article)
    return render(
        request,
        "knowledge/article_detail.html",
        {
            "article": article,
            "version": version,
            "body_html": kb_text.body_html(version.body if version else ""),
            "translations": translations,
            "missing_languages": missing,
            "public_url": reverse(
                "knowledge:help-article", args=[article.company.code, article.pk, article.slug]
            )
            if article.is_public
            else "",
            "can_change": article.state != ArticleState.ARCHIVED
            and user.has_perm("knowledge.change", article),
            "can_publish": can_publish and article.state != ArticleState.PUBLISHED,
            "can_unpublish": can_publish and article.state != ArticleState.DRAFT,
            "can_archive": can_publish and article.state != ArticleState.ARCHIVED,
        },
    )


@login_required
@require_GET
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    article = object_with_perm(
        request, Article.objects.select_related("current_version"), pk, "knowledge.view"
    )
    return render(
        request,
        "knowledge/article_history.html",
        {
            "article": article,
            "versions": article_versions(article),
            "can_restore": article.state != ArticleState.ARCHIVED
            and request.user.has_perm("knowledge.change", article),
        },
    )


@login_required
@require_GET
def article_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article = object_with_perm(request, Article.objects.all(), pk, "knowledge.view")
    version = article_versions(article).filter(number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "knowledge/article_version.html",
        {"article": article, "version": version, "body_html": kb_text.body_html(version.body)},
    )


@login_required
@require_POST
def article_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article = object_with_perm(request, Article.objects.all(), pk, "knowledge.change")
    try:
        article_services.article_version_restore(article=article, number=number, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Version %(number)d restored as a new version.") % {"number": number})
    return redirect("knowledge:article-history", pk=article.pk)


_ACTIONS: dict[str, tuple[Any, Any]] = {
    "publish": (article_services.article_publish, gettext_lazy("“%(title)s” is published.")),
    "unpublish": (article_services.article_unpublish, gettext_lazy("“%(title)s” is a draft again.")),
    "archive": (article_services.article_archive, gettext_lazy("“%(title)s” is archived.")),
}


@login_required
@require_POST
def article_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404
    service, done = _ACTIONS[action]
    article = object_with_perm(request, Article.objects.all(), pk, "knowledge.publish")
    try:
        result = service(article=article, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, str(done) % {"title": result.title})
    return redirect("knowledge:article-detail", pk=article.pk)


# --------------------------------------------------------------------------- suggestions for agents
def _suggest_company(request: HttpRequest) -> Company:
    """``?company=<id>`` (one of the user's, e.g. the ticket's company), else the active company."""
    wanted = request.GET.get("company", "")
    if wanted.isdigit():
        for company in user_companies(request):
            if company.pk == int(wanted):
                if not has_perm_in_company(request, company, "knowledge.view"):
                    raise PermissionDenied
                return company
        raise Http404
    return active_company_with_perm(request, "knowledge.view")


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """A short list of the articles (internal and public) that best match ``?q=`` (or ``?body=``)."""
    company = _suggest_company(request)
    query = (request.GET.get("q") or request.GET.get("body") or "").strip()
    language = request.GET.get("language") or None
    if language not in (None, *ArticleLanguage.values):
        language = None
    hits = (
        articles_search(
            company_id=company.pk, query=query, language=language, public_only=False, limit=SUGGEST_LIMIT
        )
        if query
        else []
    )
    return render(request, "knowledge/partials/suggestions.html", {"hits": hits, "query": query})


# --------------------------------------------------------------------------- categories
@login_required
@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, "knowledge.view")
    return render(
        request,
        "knowledge/categories.html",
        {
            "company": company,
            "categories": categories_of(company).order_by("sequence", "name"),
            "can_change": has_perm_in_company(request, company, "knowledge.settings"),
        },
    )


def _category_form_page(
    request: HttpRequest, *, company: Company, category: ArticleCategory | None
) -> HttpResponse:
    initial: dict[str, Any] = {"sequence": 10}
    if category is not None:
        initial = {
            "name": category.name,
            "name_th": category.name_th,
            "name_km": category.name_km,
            "description": category.description,
            "parent": category.parent_id,
            "sequence": category.sequence,
        }
    form = CategoryForm(
        request.POST if request.method == "POST" else None,
        company=company,
        exclude_id=category.pk if category else None,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            parent = values.pop("parent")
            values["parent_id"] = parent.pk if parent else None
            try:
                if category is None:
                    category_services.category_create(company=company, by=request.user, **values)
                else:
                    category_services.category_update(category=category, by=request.user, **values)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Category saved."))
                return redirect("knowledge:categories")
        status = 400
    return render(
        request,
        "knowledge/category_form.html",
        {"form": form, "category": category, "company": company},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_create(request: HttpRequest) -> HttpResponse:
    return _category_form_page(
        request, company=active_company_with_perm(request, "knowledge.settings"), category=None
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = object_with_perm(
        request, ArticleCategory.objects.select_related("company"), pk, "knowledge.settings"
    )
    return _category_form_page(request, company=category.company, category=category)


@login_required
@require_POST
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    category = object_with_perm(request, ArticleCategory.objects.all(), pk, "knowledge.settings")
    try:
        category_services.category_delete(category=category, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Category deleted."))
    return redirect("knowledge:categories")
