from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """CRM: leads, qualification into parties and opportunities, pipelines and their stages."""

    name = "concord.modules.crm"
    label = "crm"
    verbose_name = _("CRM")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.modules.crm import registration

        registration.register_all()
