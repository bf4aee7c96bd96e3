from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingConfig(AppConfig):
    """Accounting: chart of accounts, journals, the ledger, taxes, invoices, payments, bank and reports."""

    name = "concord.modules.accounting"
    label = "accounting"
    verbose_name = _("Accounting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.modules.accounting import registration

        registration.register_all()
