from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MoneyConfig(AppConfig):
    """Currencies, amounts and exchange rates."""

    name = "concord.core.money"
    label = "money"
    verbose_name = _("Money and currencies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.core.money import importing  # noqa: F401 - importing it registers the exchange-rate importer
        from concord.core.registry import NavItem, registry

        registry.nav_items.register(
            "money.rates",
            NavItem(
                office="back",
                label=_("Exchange rates"),
                url_name="money:rates",
                icon="currency-exchange",
                permission="currencies.view",
                order=900,
            ),
        )
