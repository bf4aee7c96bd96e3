from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MoneyConfig(AppConfig):
    """Currencies, amounts and exchange rates."""

    name = "concord.core.money"
    label = "money"
    verbose_name = _("Money and currencies")
    default_auto_field = "django.db.models.BigAutoField"
