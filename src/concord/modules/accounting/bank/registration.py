"""Registrations of this part of accounting (navigation, API routes), called from ``AccountingConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """The back-office link to the bank statements (the API router is mounted by accounting's own)."""
    from concord.core.registry import NavItem, registry

    registry.nav_items.register(
        "accounting-bank-statements",
        NavItem(
            office="back",
            label=_("Bank reconciliation"),
            url_name="accounting:bank-statements",
            permission="accounting.view",
            order=44,
        ),
    )
