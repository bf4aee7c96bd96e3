from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    """Companies, users, memberships with roles, access tokens."""

    name = "concord.core.identity"
    label = "identity"
    verbose_name = _("Companies and users")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.core.identity import permissions  # noqa: F401 - registers core permissions
