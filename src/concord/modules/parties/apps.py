from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    """Parties: the one record of every customer, supplier and contact, and the 360° view."""

    name = "concord.modules.parties"
    label = "parties"
    verbose_name = _("Parties")
    default_auto_field = "django.db.models.BigAutoField"
