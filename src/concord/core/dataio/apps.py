from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataioConfig(AppConfig):
    """Imports from CSV and XLSX: preview with per-row errors, then an all-or-nothing background job."""

    name = "concord.core.dataio"
    label = "dataio"
    verbose_name = _("Dataio")
    default_auto_field = "django.db.models.BigAutoField"
