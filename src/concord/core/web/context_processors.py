"""Template context shared by every page of the shell: office, navigation, companies, languages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info

from concord.core.registry import NavItem, registry
from concord.core.web.session import active_company, current_office, user_companies

logger = logging.getLogger(__name__)

# Each language named in its own script, so a reader finds theirs whatever the page language is.
NATIVE_LANGUAGE_NAMES = {"en": "English", "th": "ไทย", "km": "ខ្មែរ"}


@dataclass(frozen=True)
class NavLink:
    """A navigation entry resolved for one request: its label, URL and whether it is the current page."""

    key: str
    label: Any
    url: str
    icon: str
    active: bool


@dataclass(frozen=True)
class LanguageChoice:
    """A language offered by the switcher."""

    code: str
    name: str


def nav_item_visible(item: NavItem, user: Any) -> bool:
    """Whether ``user`` may see ``item``: its permission, and staff status for Django admin links."""
    if not user.is_authenticated:
        return False
    if item.url_name.startswith("admin:") and not user.is_staff:
        return False  # the Django admin only admits staff; a link that bounces helps nobody
    return not item.permission or bool(user.has_perm(item.permission))


def nav_links(request: HttpRequest, office: str) -> list[NavLink]:
    """The navigation of ``office`` that the request's user may see, in order."""
    user = getattr(request, "user", None)
    if user is None:
        return []
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else None
    items = sorted(
        (
            (key, item)
            for key, item in registry.nav_items.items()
            if item.office == office and nav_item_visible(item, user)
        ),
        key=lambda pair: (pair[1].order, str(pair[1].label)),
    )
    links = []
    for key, item in items:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            # A broken registration must not take every page down; the registry test catches it.
            logger.exception("nav item %s points at unknown URL %s", key, item.url_name)
            continue
        links.append(
            NavLink(key=key, label=item.label, url=url, icon=item.icon, active=current == item.url_name)
        )
    return links


def language_choices() -> list[LanguageChoice]:
    return [
        LanguageChoice(
            code=code, name=NATIVE_LANGUAGE_NAMES.get(code) or get_language_info(code)["name_local"]
        )
        for code, _name in settings.LANGUAGES
    ]


def notification_count(request: HttpRequest) -> int:
    """The bell's badge: what every registered notification source counts for the signed-in user.

    Each source's count costs at most one query. Pages do not pay for it: the badge is loaded by htmx
    after the page (``web:bell_count``, again every minute), the list only when the bell opens.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    company_ids = [company.pk for company in user_companies(request)]
    return sum(source.count(user, company_ids) for source in registry.notification_sources.values())


def shell(request: HttpRequest) -> dict[str, Any]:
    """Shell context; the database-backed parts are lazy, so htmx partials that skip them cost nothing."""
    office = current_office(request)
    return {
        "office": office,
        "nav_links": SimpleLazyObject(lambda: nav_links(request, office)),
        "companies": SimpleLazyObject(lambda: user_companies(request)),
        "active_company": SimpleLazyObject(lambda: active_company(request)),
        "languages": language_choices(),
    }
