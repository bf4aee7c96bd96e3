from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataioConfig(AppConfig):
    """Imports from CSV and XLSX: preview with per-row errors, then an all-or-nothing background job."""

    name = "concord.core.dataio"
    label = "dataio"
    verbose_name = _("Imports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.core.identity.permissions import PermissionArea, register_area
        from concord.core.identity.roles import Role
        from concord.core.registry import NavItem, registry

        # "imports.view" only shows the Imports screen in the navigation (a nav item has one permission,
        # and importers come from many modules). Each importer still needs its own permission, e.g.
        # "parties.add", at every step: seeing the screen grants no import.
        view = frozenset({"view"})
        register_area(
            PermissionArea(
                area="imports",
                label=_("Imports"),
                actions=("view",),
                grants={
                    Role.MANAGER: view,
                    Role.SALES: view,
                    Role.MARKETING: view,
                    Role.ACCOUNTANT: view,
                    Role.WAREHOUSE: view,
                },
            )
        )
        registry.nav_items.register(
            "dataio.imports",
            NavItem(
                office="back",
                label=_("Imports"),
                url_name="dataio:index",
                icon="upload",
                permission="imports.view",
                order=850,
            ),
        )
