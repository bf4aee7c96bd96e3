"""What accounting registers at start-up: permissions, navigation, API, panels, handlers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _permissions() -> None:
    from concord.core.identity.permissions import PermissionArea, register_area
    from concord.core.identity.roles import Role

    actions = ("view", "add", "change", "delete", "post", "cancel", "reconcile", "settings", "reports")
    everything = frozenset(actions)
    register_area(
        PermissionArea(
            area="accounting",
            label=_("Accounting"),
            actions=actions,
            grants={
                Role.ACCOUNTANT: everything,
                Role.MANAGER: everything,
                Role.SALES: frozenset({"view", "add"}),
                Role.SUPPORT: frozenset({"view"}),
                Role.WAREHOUSE: frozenset({"view"}),
            },
        )
    )


def register_all() -> None:
    """Called once from ``AccountingConfig.ready()``."""
    from concord.core.registry import registry
    from concord.modules.accounting.bank import registration as bank
    from concord.modules.accounting.documents import registration as documents
    from concord.modules.accounting.reports import registration as reports
    from concord.modules.accounting.rest import router

    _permissions()
    registry.api_routers.register("accounting", router)
    reports.register()
    bank.register()
    documents.register()
