"""What the knowledge base registers at start-up: permissions, navigation, search, API, describers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _permissions() -> None:
    from concord.core.identity.permissions import PermissionArea, register_area
    from concord.core.identity.roles import Role

    actions = ("view", "add", "change", "publish", "settings")
    register_area(
        PermissionArea(
            area="knowledge",
            label=_("Knowledge base"),
            actions=actions,
            grants={
                Role.MANAGER: frozenset(actions),
                Role.SUPPORT: frozenset({"view", "add", "change", "publish"}),
                Role.SALES: frozenset({"view"}),
                Role.MARKETING: frozenset({"view"}),
            },
        )
    )


def _navigation() -> None:
    from concord.core.registry import NavItem, registry

    registry.nav_items.register(
        "knowledge-articles",
        NavItem(
            office="front",
            label=_("Knowledge base"),
            url_name="knowledge:articles",
            permission="knowledge.view",
            order=40,
        ),
    )
    registry.nav_items.register(
        "knowledge-categories",
        NavItem(
            office="front",
            label=_("Article categories"),
            url_name="knowledge:categories",
            permission="knowledge.settings",
            order=41,
        ),
    )


def _search() -> None:
    from concord.core.search.facade import search_kind_register
    from concord.modules.knowledge.indexing import SEARCH_KIND, article_search_documents

    search_kind_register(
        kind=SEARCH_KIND,
        label=_("Knowledge base"),
        permission="knowledge.view",
        reindex=article_search_documents,
    )


def _event_describers() -> None:
    from concord.core.registry import registry
    from concord.modules.knowledge.describers import EVENT_DESCRIBERS

    for event_type, describe in EVENT_DESCRIBERS.items():
        registry.event_describers.register(event_type, describe)


def register_all() -> None:
    """Called once from the app's ``ready()``."""
    from concord.core.registry import registry
    from concord.modules.knowledge.rest import router

    _permissions()
    _navigation()
    _search()
    _event_describers()
    registry.api_routers.register("knowledge", router)
