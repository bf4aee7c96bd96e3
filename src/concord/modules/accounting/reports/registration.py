"""Registrations of this part of accounting (navigation, API routes), called from ``AccountingConfig.ready()``."""

from __future__ import annotations


def register() -> None:
    """Register navigation items and the like (nothing yet)."""
