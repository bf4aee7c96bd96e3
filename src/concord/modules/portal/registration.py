"""What the portal registers at start-up: its permission area, API router and the invitation handler."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _permissions() -> None:
    from concord.core.identity.permissions import PermissionArea, register_area
    from concord.core.identity.roles import Role

    # The portal role itself holds no staff permission: customers are recognised by their PortalAccess.
    register_area(
        PermissionArea(
            area="portal",
            label=_("Customer portal"),
            actions=("view", "invite"),
            grants={
                Role.MANAGER: frozenset({"view", "invite"}),
                Role.SALES: frozenset({"view", "invite"}),
                Role.SUPPORT: frozenset({"view", "invite"}),
            },
        )
    )


def _handlers() -> None:
    from concord.core.outbox.facade import register_handler
    from concord.modules.portal.events import PortalInvitationSent
    from concord.modules.portal.handlers import INVITATION_HANDLER_NAME, send_invitation_email

    register_handler(PortalInvitationSent, INVITATION_HANDLER_NAME, send_invitation_email)


def register_all() -> None:
    """Called once from the app's ``ready()``."""
    from concord.core.registry import NavItem, registry
    from concord.modules.portal.rest import router

    _permissions()
    _handlers()
    registry.api_routers.register("portal", router)
    registry.role_homes.register("portal", "portal:home")  # a customer signing in lands in the portal
    registry.nav_items.register(
        "portal-invitations",
        NavItem(
            office="front",
            label=_("Invite to the portal"),
            url_name="portal:invitations",
            permission="portal.invite",
            order=29,
        ),
    )
