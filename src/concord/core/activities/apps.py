from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Activities (calls, meetings, emails, to-dos) and notes on any record, and the notification bell."""

    name = "concord.core.activities"
    label = "activities"
    verbose_name = _("Activities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.core.activities import registration

        registration.register_all()
