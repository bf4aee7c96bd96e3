from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    """Parties: the one record of every customer, supplier and contact, and the 360° view."""

    name = "concord.modules.parties"
    label = "parties"
    verbose_name = _("Parties")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.core.dataio.specs import importer_register
        from concord.core.identity.permissions import PermissionArea, register_area
        from concord.core.identity.roles import Role
        from concord.core.registry import ActivityTarget, NavItem, registry
        from concord.core.search.facade import search_kind_register
        from concord.modules.parties.importing import PartyImport
        from concord.modules.parties.indexing import SEARCH_KIND, party_search_documents
        from concord.modules.parties.panels import CONTACTS_PANEL, TIMELINE_PANEL, register_party_panel
        from concord.modules.parties.rest import router

        edit = frozenset({"view", "add", "change"})
        register_area(
            PermissionArea(
                area="parties",
                label=_("Customers, suppliers and contacts"),
                actions=("view", "add", "change", "delete", "merge"),
                grants={
                    Role.MANAGER: frozenset({"view", "add", "change", "delete", "merge"}),
                    Role.SALES: edit,
                    Role.SUPPORT: edit,
                    Role.MARKETING: edit,
                    Role.ACCOUNTANT: edit,
                    Role.WAREHOUSE: frozenset({"view"}),
                    Role.LEGAL: frozenset({"view"}),
                    Role.HR: frozenset({"view"}),
                    Role.IT: frozenset({"view"}),
                },
            )
        )
        registry.nav_items.register(
            "parties.customers",
            NavItem(
                office="front",
                label=_("Customers"),
                url_name="parties:customers",
                permission="parties.view",
                order=20,
            ),
        )
        registry.nav_items.register(
            "parties.suppliers",
            NavItem(
                office="back",
                label=_("Suppliers"),
                url_name="parties:suppliers",
                permission="parties.view",
                order=20,
            ),
        )
        search_kind_register(
            kind=SEARCH_KIND, label=_("Parties"), permission="parties.view", reindex=party_search_documents
        )
        register_party_panel(CONTACTS_PANEL)
        register_party_panel(TIMELINE_PANEL)
        registry.api_routers.register("parties", router)
        registry.activity_targets.register(
            "parties.party",
            ActivityTarget(
                model_label="parties.party",
                view_permission="parties.view",
                change_permission="parties.change",
            ),
        )
        importer_register(PartyImport())
