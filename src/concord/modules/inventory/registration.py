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


def _navigation() -> None:
    from concord.core.registry import NavItem, registry

    items = [
        ("inventory-dashboard", _("Inventory"), "inventory:dashboard", 50),
        ("inventory-transfers", _("Transfers"), "inventory:transfers", 51),
        ("inventory-stock", _("Stock"), "inventory:stock", 52),
        ("inventory-lots", _("Lots and serial numbers"), "inventory:lots", 53),
        ("inventory-counts", _("Counts"), "inventory:counts", 54),
        ("inventory-reorder", _("Reorder rules"), "inventory:reorder", 55),
        ("inventory-valuation", _("Valuation"), "inventory:valuation", 56),
        ("inventory-settings", _("Inventory settings"), "inventory:settings", 57),
    ]
    for key, label, url_name, order in items:
        registry.nav_items.register(
            key,
            NavItem(office="back", label=label, url_name=url_name, permission="inventory.view", order=order),
        )


def _panels() -> None:
    from concord.core.registry import PartyPanel, ProductPanel, registry
    from concord.modules.inventory.panels import party_panel_context, party_panel_data, product_panel_context

    registry.party_panels.register(
        "inventory.deliveries",
        PartyPanel(
            key="inventory.deliveries",
            title=_("Deliveries"),
            template="inventory/party_panel.html",
            context=party_panel_context,
            data=party_panel_data,
            permission="inventory.view",
            order=50,
        ),
    )
    registry.product_panels.register(
        "inventory.stock",
        ProductPanel(
            key="inventory.stock",
            title=_("Stock by location"),
            template="inventory/product_panel.html",
            context=product_panel_context,
            permission="inventory.view",
            order=20,
        ),
    )


def register_all() -> None:
    """Called once from ``InventoryConfig.ready()``."""
    from concord.core.registry import registry
    from concord.modules.inventory.rest import router

    _permissions()
    _navigation()
    _panels()
    registry.api_routers.register("inventory", router)
