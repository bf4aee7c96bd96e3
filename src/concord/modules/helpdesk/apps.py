from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    """Helpdesk: teams, tickets, SLA policies, the agents' inbox and the customer channels."""

    name = "concord.modules.helpdesk"
    label = "helpdesk"
    verbose_name = _("Helpdesk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.modules.helpdesk import registration

        registration.register_all()
