"""What manufacturing registers at start-up: permissions, navigation, API, event describers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = ("view", "add", "change", "produce", "cancel", "settings")


def _permissions() -> None:
    from concord.core.identity.permissions import PermissionArea, register_area
    from concord.core.identity.roles import Role

    everything = frozenset(ACTIONS)
    register_area(
        PermissionArea(
            area="manufacturing",
            label=_("Manufacturing"),
            actions=ACTIONS,
            grants={
                Role.MANAGER: everything,
                Role.WAREHOUSE: everything - {"settings"},
                Role.ACCOUNTANT: frozenset({"view"}),
            },
        )
    )


def _navigation() -> None:
    from concord.core.registry import NavItem, registry

    items = [
        ("manufacturing-orders", _("Manufacturing"), "manufacturing:orders", 60),
        ("manufacturing-boms", _("Bills of materials"), "manufacturing:boms", 61),
    ]
    for key, label, url_name, order in items:
        registry.nav_items.register(
            key,
            NavItem(
                office="back", label=label, url_name=url_name, permission="manufacturing.view", order=order
            ),
        )


def _event_describers() -> None:
    from concord.core.registry import registry
    from concord.modules.manufacturing.describers import EVENT_DESCRIBERS

    for event_type, describe in EVENT_DESCRIBERS.items():
        registry.event_describers.register(event_type, describe)


def register_all() -> None:
    """Called once from the app's ``ready()``."""
    from concord.core.registry import registry
    from concord.modules.manufacturing.rest import router

    _permissions()
    _navigation()
    _event_describers()
    registry.api_routers.register("manufacturing", router)
