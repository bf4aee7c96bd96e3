from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    """List screens: filters, sorting, saved filters per user, CSV/XLSX export."""

    name = "concord.core.lists"
    label = "lists"
    verbose_name = _("Lists")
    default_auto_field = "django.db.models.BigAutoField"
