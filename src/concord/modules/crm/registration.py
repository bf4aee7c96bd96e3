"""What CRM registers at start-up: permissions, navigation, API, the 360° panel, describers, the import."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _permissions() -> None:
    from concord.core.identity.permissions import PermissionArea, register_area
    from concord.core.identity.roles import Role

    actions = ("view", "add", "change", "delete", "settings")
    everyday = frozenset({"view", "add", "change"})
    register_area(
        PermissionArea(
            area="crm",
            label=_("CRM: leads and opportunities"),
            actions=actions,
            grants={
                Role.MANAGER: frozenset(actions),
                Role.SALES: everyday,
                Role.MARKETING: everyday,
            },
        )
    )


def _navigation() -> None:
    from concord.core.registry import NavItem, registry

    items = [
        ("crm-board", _("Pipeline"), "crm:board", 10),
        ("crm-opportunities", _("Opportunities"), "crm:opportunities", 11),
        ("crm-leads", _("Leads"), "crm:leads", 12),
        ("crm-campaigns", _("Campaigns and web forms"), "crm:campaigns", 13),
        ("crm-settings", _("CRM settings"), "crm:settings", 14),
    ]
    for key, label, url_name, order in items:
        registry.nav_items.register(
            key, NavItem(office="front", label=label, url_name=url_name, permission="crm.view", order=order)
        )


def _panel() -> None:
    from concord.core.registry import PartyPanel, registry
    from concord.modules.crm.panels import panel_context, panel_data

    registry.party_panels.register(
        "crm.opportunities",
        PartyPanel(
            key="crm.opportunities",
            title=_("Opportunities"),
            template="crm/party_panel.html",
            context=panel_context,
            data=panel_data,
            permission="crm.view",
            order=30,
        ),
    )


def _event_describers() -> None:
    from concord.core.registry import registry
    from concord.modules.crm.describers import EVENT_DESCRIBERS

    for event_type, describe in EVENT_DESCRIBERS.items():
        registry.event_describers.register(event_type, describe)


def _activity_targets() -> None:
    """Its records take activities and notes (the ``{% chatter %}`` card on their pages)."""
    from concord.core.registry import ActivityTarget, registry

    registry.activity_targets.register(
        "crm.opportunity",
        ActivityTarget(
            model_label="crm.opportunity", view_permission="crm.view", change_permission="crm.change"
        ),
    )
    registry.activity_targets.register(
        "crm.lead",
        ActivityTarget(model_label="crm.lead", view_permission="crm.view", change_permission="crm.change"),
    )


def register_all() -> None:
    """Called once from the app's ``ready()``."""
    from concord.core.dataio.specs import importer_register
    from concord.core.registry import registry
    from concord.modules.crm.importing import LeadImport
    from concord.modules.crm.rest import router

    _permissions()
    _navigation()
    _panel()
    _event_describers()
    _activity_targets()
    registry.api_routers.register("crm", router)
    importer_register(LeadImport())
