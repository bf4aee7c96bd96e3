"""Screens of the shell itself: home dashboard, office and company switches, global search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from concord.core.identity.models import User
from concord.core.registry import registry
from concord.core.web.context_processors import notification_count
from concord.core.web.queries import dashboard_counts
from concord.core.web.search import QUERY_MAX_LENGTH, search_everywhere
from concord.core.web.session import active_company_set, office_set, user_companies


@dataclass(frozen=True)
class RenderedWidget:
    """A dashboard widget drawn for this request."""

    key: str
    title: Any
    html: SafeString


def _redirect_back(request: HttpRequest) -> HttpResponseRedirect:
    """Back to the page the form was on (``next``), if it is on this site; else home."""
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:home")
    return HttpResponseRedirect(target)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required has ruled out the anonymous user
    held = {role for roles in user.active_memberships().roles.values() for role in roles}
    if len(held) == 1 and not user.is_superuser and (only := next(iter(held))) in registry.role_homes:
        # e.g. a portal customer signing in lands in the portal, not on the staff home
        return HttpResponseRedirect(reverse(registry.role_homes.get(only)))
    company_ids = [company.pk for company in user_companies(request)]
    widgets = [
        RenderedWidget(
            key=key,
            title=widget.title,
            html=render_to_string(widget.template, widget.context(request), request=request),
        )
        for key, widget in sorted(registry.dashboard_widgets.items(), key=lambda pair: pair[1].order)
        if not widget.permission or request.user.has_perm(widget.permission)
    ]
    return render(
        request,
        "web/home.html",
        {
            "counts": dashboard_counts(user=user, company_ids=company_ids),
            "widgets": widgets,
        },
    )


@login_required
@require_POST
def office_switch(request: HttpRequest) -> HttpResponse:
    try:
        office_set(request, office=request.POST.get("office", ""))
    except ValueError as exc:
        raise BadRequest("unknown office") from exc
    return _redirect_back(request)


@login_required
@require_POST
def company_switch(request: HttpRequest) -> HttpResponse:
    try:
        company_id = int(request.POST.get("company", ""))
    except ValueError as exc:
        raise BadRequest("company must be a number") from exc
    try:
        active_company_set(request, company_id=company_id)
    except LookupError as exc:
        raise PermissionDenied from exc
    return _redirect_back(request)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    results = search_everywhere(request=request, query=query)
    return render(
        request,
        "web/search.html",
        {
            "query": query,
            "search_query": query,
            "results": results,
            "hit_count": sum(len(result.hits) for result in results),
        },
    )


@login_required
@require_GET
def bell_count(request: HttpRequest) -> HttpResponse:
    """The bell's badge, loaded by htmx after the page and every minute (pages pay nothing for it)."""
    return render(request, "web/partials/bell_count.html", {"count": notification_count(request)})
