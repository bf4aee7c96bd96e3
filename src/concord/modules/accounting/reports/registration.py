"""Registrations of this part of accounting (navigation, API routes), called from ``AccountingConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """The back office's link to the financial reports (their API routes mount with accounting's)."""
    from concord.core.registry import NavItem, registry

    registry.nav_items.register(
        "accounting-reports",
        NavItem(
            office="back",
            label=_("Financial reports"),
            url_name="accounting:reports",
            permission="accounting.reports",
            order=45,
        ),
    )
