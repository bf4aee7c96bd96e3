from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Customer portal: invitations, portal sign-in and the customer's own documents and tickets."""

    name = "concord.modules.portal"
    label = "portal"
    verbose_name = _("Customer portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.modules.portal import registration

        registration.register_all()
