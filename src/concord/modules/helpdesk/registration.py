"""What the helpdesk registers at start-up: permissions, navigation, API, panel, describers, the SLA
check as a periodic task of the worker, and the bell's SLA warnings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SLA_CHECK_TASK = "helpdesk.sla_check"
SLA_CHECK_INTERVAL_SECONDS = 60


def _permissions() -> None:
    from concord.core.identity.permissions import PermissionArea, register_area
    from concord.core.identity.roles import Role

    actions = ("view", "add", "change", "manage", "settings")
    everyday = frozenset({"view", "add", "change"})
    register_area(
        PermissionArea(
            area="helpdesk",
            label=_("Helpdesk"),
            actions=actions,
            grants={Role.MANAGER: frozenset(actions), Role.SUPPORT: everyday, Role.IT: everyday},
        )
    )


def _navigation() -> None:
    from concord.core.registry import NavItem, registry

    items = [
        ("helpdesk-inbox", _("Helpdesk inbox"), "helpdesk:inbox", "helpdesk.view", 20),
        ("helpdesk-dashboard", _("Service dashboard"), "helpdesk:dashboard", "helpdesk.view", 21),
        ("helpdesk-settings", _("Helpdesk settings"), "helpdesk:teams", "helpdesk.settings", 22),
    ]
    for key, label, url_name, permission, order in items:
        registry.nav_items.register(
            key, NavItem(office="front", label=label, url_name=url_name, permission=permission, order=order)
        )


def _panel() -> None:
    from concord.core.registry import PartyPanel, registry
    from concord.modules.helpdesk.panels import panel_context, panel_data

    registry.party_panels.register(
        "helpdesk.tickets",
        PartyPanel(
            key="helpdesk.tickets",
            title=_("Support"),
            template="helpdesk/party_panel.html",
            context=panel_context,
            data=panel_data,
            permission="helpdesk.view",
            order=35,
        ),
    )


def _event_describers() -> None:
    from concord.core.registry import registry
    from concord.modules.helpdesk.describers import EVENT_DESCRIBERS

    for event_type, describe in EVENT_DESCRIBERS.items():
        registry.event_describers.register(event_type, describe)


def run_sla_check() -> None:
    from concord.modules.helpdesk.services.sla import sla_check

    sla_check()


def _periodic() -> None:
    from concord.core.registry import registry

    point = getattr(registry, "periodic_tasks", None)
    if point is not None:
        from concord.core.registry import PeriodicTask

        point.register(
            SLA_CHECK_TASK, PeriodicTask(interval_seconds=SLA_CHECK_INTERVAL_SECONDS, run=run_sla_check)
        )


def _notifications() -> None:
    from concord.core import registry as core_registry

    point = getattr(core_registry.registry, "notification_sources", None)
    source = getattr(core_registry, "NotificationSource", None)
    if point is None or source is None:
        return
    from concord.modules.helpdesk.notifications import sla_alert_count, sla_alert_items

    point.register("helpdesk.sla", source(count=sla_alert_count, items=sla_alert_items, order=20))


def register_all() -> None:
    """Called once from the app's ``ready()``."""
    from concord.core.registry import registry
    from concord.modules.helpdesk.rest import router

    _permissions()
    _navigation()
    _panel()
    _event_describers()
    _periodic()
    _notifications()
    registry.api_routers.register("helpdesk", router)
    from concord.modules.helpdesk.mail import registration as mail_registration

    mail_registration.register_all()  # the email channel's outbox handlers (auto-reply, replies, rating)
