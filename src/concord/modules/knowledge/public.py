"""The public help centre: ``/knowledge/help/<company code>/``, no sign-in.

Only published public articles ever show: every read goes through the ``public_*`` selectors, which
name the company and filter on state and visibility. The visitor's language is ``?lang=`` (the
language switch), else the site language, else the company's; a page shows each article in that
language where a translation exists. "Was this helpful?" is one vote per visitor (a hash of a random
token kept in the visitor's session), sent by htmx, with a per-IP limit against scripted voting.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from concord.core.errors import DomainError
from concord.core.identity.models import Company
from concord.modules.knowledge import text as kb_text
from concord.modules.knowledge.facade import articles_search
from concord.modules.knowledge.models import LANGUAGE_CODES, Article, ArticleLanguage, ArticleVote
from concord.modules.knowledge.queries import (
    article_translations,
    public_article,
    public_articles,
    public_categories,
    public_company,
)
from concord.modules.knowledge.services.votes import article_vote

__all__ = ["VOTE_RATE_LIMIT", "VOTE_RATE_WINDOW_SECONDS"]

VOTE_RATE_LIMIT = 30
VOTE_RATE_WINDOW_SECONDS = 600
RELATED_LIMIT = 5
_VOTER_SESSION_KEY = "knowledge_voter"


def _company(code: str) -> Company:
    company = public_company(code)
    if company is None:
        raise Http404
    return company


def _language(request: HttpRequest, company: Company) -> str:
    for candidate in (request.GET.get("lang", ""), translation.get_language() or "", company.language):
        code = (candidate or "")[:2].lower()
        if code in LANGUAGE_CODES:
            return code
    return "en"


def _page(
    request: HttpRequest, template: str, company: Company, language: str, **context: Any
) -> HttpResponse:
    with translation.override(language):
        return render(
            request,
            template,
            {
                "company": company,
                "language": language,
                "help_languages": ArticleLanguage.choices,
                **context,
            },
        )


@require_GET
def help_home(request: HttpRequest, code: str) -> HttpResponse:
    company = _company(code)
    language = _language(request, company)
    articles = public_articles(company, language=language, fallback_language=company.language)
    categories = public_categories(company)
    sections = [
        {
            "category": category,
            "name": category.name_in(language),
            "articles": [a for a in articles if a.category_id == category.pk],
        }
        for category in categories
    ]
    loose = [a for a in articles if a.category_id is None]
    return _page(request, "knowledge/help/home.html", company, language, sections=sections, loose=loose)


@require_GET
def help_category(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    company = _company(code)
    language = _language(request, company)
    category = next((c for c in public_categories(company) if c.pk == pk), None)
    if category is None:
        raise Http404
    articles = public_articles(
        company, language=language, category_id=category.pk, fallback_language=company.language
    )
    return _page(
        request,
        "knowledge/help/category.html",
        company,
        language,
        category=category,
        category_name=category.name_in(language),
        articles=articles,
    )


@require_GET
def help_search(request: HttpRequest, code: str) -> HttpResponse:
    company = _company(code)
    language = _language(request, company)
    query = (request.GET.get("q") or "").strip()[:200]
    hits = articles_search(company_id=company.pk, query=query, language=language, limit=10) if query else []
    return _page(request, "knowledge/help/search.html", company, language, query=query, hits=hits)


def _voter_key(request: HttpRequest, *, create: bool) -> str:
    token = request.session.get(_VOTER_SESSION_KEY)
    if not token:
        if not create:
            return ""
        token = secrets.token_hex(16)
        request.session[_VOTER_SESSION_KEY] = token
    return hashlib.sha256(f"{settings.SECRET_KEY}:knowledge-voter:{token}".encode()).hexdigest()


def _current_vote(request: HttpRequest, article: Article) -> bool | None:
    key = _voter_key(request, create=False)
    if not key:
        return None
    vote = ArticleVote.all_companies.filter(article_id=article.pk, voter_key=key).first()
    return vote.helpful if vote is not None else None


@require_GET
def help_article(request: HttpRequest, code: str, pk: int, slug: str = "") -> HttpResponse:
    company = _company(code)
    article = public_article(company, pk)
    if article is None:
        raise Http404
    if slug != article.slug:
        return redirect("knowledge:help-article", code=company.code, pk=article.pk, slug=article.slug)
    version = article.current_version
    related = [
        hit
        for hit in articles_search(
            company_id=company.pk, query=article.title, language=article.language, limit=RELATED_LIMIT + 1
        )
        if hit.article_id != article.pk
    ][:RELATED_LIMIT]
    return _page(
        request,
        "knowledge/help/article.html",
        company,
        article.language,
        article=article,
        body_html=kb_text.body_html(version.body if version else ""),
        category_name=article.category.name_in(article.language) if article.category else "",
        translations=article_translations(article, public_only=True),
        related=related,
        vote=_current_vote(request, article),
    )


def _over_limit(request: HttpRequest) -> bool:
    key = f"knowledge.vote:{request.META.get('REMOTE_ADDR') or 'unknown'}"
    if cache.add(key, 1, timeout=VOTE_RATE_WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=VOTE_RATE_WINDOW_SECONDS)
        return False
    return count > VOTE_RATE_LIMIT


@require_POST
def help_vote(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Record "Yes" or "No" (``helpful=yes|no``); answers the vote box (htmx) or back to the article."""
    company = _company(code)
    article = public_article(company, pk)
    if article is None:
        raise Http404
    answer = request.POST.get("helpful", "")
    if answer not in ("yes", "no"):
        return HttpResponse(status=400)
    status = 200
    vote: bool | None
    if _over_limit(request):
        status, vote = 429, _current_vote(request, article)
    else:
        try:
            vote = article_vote(
                article=article, helpful=answer == "yes", voter_key=_voter_key(request, create=True)
            ).helpful
        except DomainError:
            raise Http404 from None
    if not getattr(request, "htmx", False):
        return redirect("knowledge:help-article", code=company.code, pk=article.pk, slug=article.slug)
    with translation.override(article.language):
        return render(
            request,
            "knowledge/help/partials/vote.html",
            {"company": company, "article": article, "vote": vote, "limited": status == 429},
            status=status,
        )
