"""What activities registers at start-up: its navigation item, the bell's reminders, its API router."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_all() -> None:
    """Called once from the app's ``ready()``."""
    from concord.core.activities.notifications import REMINDERS_SOURCE, reminder_items, reminders_total
    from concord.core.activities.rest import router
    from concord.core.registry import NavItem, NotificationSource, registry

    registry.nav_items.register(
        "activities-mine",
        NavItem(
            office="front",
            label=_("My activities"),
            url_name="activities:mine",
            icon="check2-square",
            order=5,
        ),
    )
    registry.notification_sources.register(
        REMINDERS_SOURCE, NotificationSource(count=reminders_total, items=reminder_items, order=10)
    )
    registry.api_routers.register("activities", router)
