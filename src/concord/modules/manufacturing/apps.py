from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManufacturingConfig(AppConfig):
    """Manufacturing: bills of materials and manufacturing orders that consume components and produce goods."""

    name = "concord.modules.manufacturing"
    label = "manufacturing"
    verbose_name = _("Manufacturing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.modules.manufacturing import registration

        registration.register_all()
