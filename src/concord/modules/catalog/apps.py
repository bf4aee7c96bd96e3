from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """The catalog: products, categories, units of measure and prices."""

    name = "concord.modules.catalog"
    label = "catalog"
    verbose_name = _("Catalog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.core.dataio.specs import importer_register
        from concord.core.identity.permissions import PermissionArea, register_area
        from concord.core.identity.roles import Role
        from concord.core.registry import NavItem, registry
        from concord.core.search.facade import search_kind_register
        from concord.modules.catalog.importing import ProductImport
        from concord.modules.catalog.indexing import SEARCH_KIND, product_search_documents
        from concord.modules.catalog.rest import router

        view = frozenset({"view"})
        edit = frozenset({"view", "add", "change"})
        register_area(
            PermissionArea(
                area="catalog",
                label=_("Products and prices"),
                grants={
                    Role.MANAGER: edit | {"delete"},
                    Role.WAREHOUSE: edit,
                    Role.ACCOUNTANT: view | {"change"},  # keeps costs and prices right
                    Role.SALES: view,
                    Role.SUPPORT: view,
                    Role.MARKETING: view,
                },
            )
        )
        for office, order in (("front", 30), ("back", 30)):
            registry.nav_items.register(
                f"catalog-products-{office}",
                NavItem(
                    office=office,
                    label=_("Products"),
                    url_name="catalog:list",
                    permission="catalog.view",
                    order=order,
                ),
            )
        registry.nav_items.register(
            "catalog-categories",
            NavItem(
                office="back",
                label=_("Product categories"),
                url_name="catalog:categories",
                permission="catalog.view",
                order=31,
            ),
        )
        registry.nav_items.register(
            "catalog-units",
            NavItem(
                office="back",
                label=_("Units of measure"),
                url_name="catalog:units",
                permission="catalog.view",
                order=32,
            ),
        )
        search_kind_register(
            kind=SEARCH_KIND, label=_("Products"), permission="catalog.view", reindex=product_search_documents
        )
        registry.api_routers.register("catalog", router)
        importer_register(ProductImport())
