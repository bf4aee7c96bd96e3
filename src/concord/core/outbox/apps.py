from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Transactional outbox: events written with the change, delivered after commit."""

    name = "concord.core.outbox"
    label = "outbox"
    verbose_name = _("Event outbox")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.core.registry import NavItem, registry

        registry.nav_items.register(
            "outbox",
            NavItem(
                office="back",
                label=_("Event outbox"),
                url_name="outbox:list",
                icon="inbox",
                permission="outbox.view",
                order=910,
            ),
        )
