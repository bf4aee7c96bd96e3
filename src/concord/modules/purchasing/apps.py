from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    """Purchasing: vendor price lists, requests for quotation, purchase orders, receipts and vendor bills."""

    name = "concord.modules.purchasing"
    label = "purchasing"
    verbose_name = _("Purchasing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.modules.purchasing import registration

        registration.register_all()
