from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The web shell: layout, navigation, dashboard, language switch, static assets.

    It is the last app in INSTALLED_APPS whose ``ready()`` runs, so it freezes the registry: every
    module has registered its extensions by then.
    """

    name = "concord.core.web"
    label = "web"
    verbose_name = _("Web shell")

    def ready(self) -> None:
        from concord.core.registry import NavItem, registry

        for office in ("front", "back"):
            registry.nav_items.register(
                f"home-{office}",
                NavItem(office=office, label=_("Home"), url_name="web:home", order=0),
            )
        registry.nav_items.register(
            "admin",
            NavItem(
                office="back",
                label=_("Companies & users"),
                url_name="admin:index",
                permission="users.view",
                order=900,
            ),
        )
        registry.freeze()  # last: nothing may register after start-up
