from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    """Inventory: warehouses, locations, stock moves and quants, reservations, lots, valuation, reordering."""

    name = "concord.modules.inventory"
    label = "inventory"
    verbose_name = _("Inventory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.modules.inventory import registration

        registration.register_all()
