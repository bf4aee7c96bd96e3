from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    """Sales: price lists, quotations, sales orders, and the order-to-cash flow into stock and the books."""

    name = "concord.modules.sales"
    label = "sales"
    verbose_name = _("Sales")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.modules.sales import registration

        registration.register_all()
