from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NumberingConfig(AppConfig):
    """Gapless document numbers per company, document type and year."""

    name = "concord.core.numbering"
    label = "numbering"
    verbose_name = _("Document numbering")
    default_auto_field = "django.db.models.BigAutoField"
