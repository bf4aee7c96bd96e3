from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Transactional outbox: events written with the change, delivered after commit."""

    name = "concord.core.outbox"
    label = "outbox"
    verbose_name = _("Event outbox")
    default_auto_field = "django.db.models.BigAutoField"
