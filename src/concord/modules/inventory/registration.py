"""What inventory registers at start-up: permissions, navigation, API, panels, event describers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _permissions() -> None:
    from concord.core.identity.permissions import PermissionArea, register_area
    from concord.core.identity.roles import Role

    actions = ("view", "add", "change", "validate", "cancel", "adjust", "settings")
    everything = frozenset(actions)
    register_area(
        PermissionArea(
            area="inventory",
            label=_("Inventory"),
            actions=actions,
            grants={
                Role.WAREHOUSE: everything,
                Role.MANAGER: everything,
                Role.ACCOUNTANT: frozenset({"view"}),
                Role.SALES: frozenset({"view"}),
                Role.SUPPORT: frozenset({"view"}),
            },
        )
    )


def register_all() -> None:
    """Called once from ``InventoryConfig.ready()``."""
    _permissions()
