from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who changed what, when."""

    name = "concord.core.audit"
    label = "audit"
    verbose_name = _("Audit trail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.core.registry import NavItem, registry

        registry.nav_items.register(
            "audit",
            NavItem(
                office="back",
                label=_("Audit trail"),
                url_name="audit:list",
                icon="clock-history",
                permission="audit.view",
                order=900,
            ),
        )
