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


def _navigation() -> None:
    from concord.core.registry import NavItem, registry

    items = [
        ("accounting-invoices-front", "front", _("Invoices"), "accounting:invoices", 40),
        ("accounting-home", "back", _("Accounting"), "accounting:home", 40),
        ("accounting-invoices", "back", _("Customer invoices"), "accounting:invoices", 41),
        ("accounting-bills", "back", _("Vendor bills"), "accounting:bills", 42),
        ("accounting-payments", "back", _("Payments"), "accounting:payments", 43),
        ("accounting-entries", "back", _("Journal entries"), "accounting:entries", 46),
        ("accounting-accounts", "back", _("Chart of accounts"), "accounting:accounts", 47),
        ("accounting-taxes", "back", _("Taxes"), "accounting:taxes", 48),
        ("accounting-settings", "back", _("Accounting settings"), "accounting:settings", 49),
    ]
    for key, office, label, url_name, order in items:
        registry.nav_items.register(
            key,
            NavItem(office=office, label=label, url_name=url_name, permission="accounting.view", order=order),
        )


def _panel() -> None:
    from concord.core.registry import PartyPanel, registry
    from concord.modules.accounting.panels import panel_balance, panel_context, panel_data

    registry.party_panels.register(
        "accounting.invoices",
        PartyPanel(
            key="accounting.invoices",
            title=_("Invoices and balance"),
            template="accounting/party_panel.html",
            context=panel_context,
            data=panel_data,
            permission="accounting.view",
            order=40,
            balance=panel_balance,
        ),
    )


def _product_taxes() -> None:
    from concord.modules.accounting.taxes_default import product_tax_codes
    from concord.modules.catalog.facade import product_tax_provider_register

    product_tax_provider_register("accounting", product_tax_codes)


def _event_describers() -> None:
    from concord.core.registry import registry
    from concord.modules.accounting.describers import EVENT_DESCRIBERS

    for event_type, describe in EVENT_DESCRIBERS.items():
        registry.event_describers.register(event_type, describe)


def register_all() -> None:
    """Called once from ``AccountingConfig.ready()``."""
    from concord.core.registry import registry
    from concord.modules.accounting.bank import registration as bank
    from concord.modules.accounting.documents import registration as documents
    from concord.modules.accounting.reports import registration as reports
    from concord.modules.accounting.rest import router

    _permissions()
    _navigation()
    _panel()
    _product_taxes()
    _event_describers()
    registry.api_routers.register("accounting", router)
    reports.register()
    bank.register()
    documents.register()
