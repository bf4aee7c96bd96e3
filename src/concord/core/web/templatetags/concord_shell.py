"""Template helpers of the shell (``{% load concord_shell %}``)."""

from __future__ import annotations

from django import template
from django.contrib.messages import constants

register = template.Library()

_ALERT_CLASSES = {
    constants.DEBUG: "secondary",
    constants.INFO: "info",
    constants.SUCCESS: "success",
    constants.WARNING: "warning",
    constants.ERROR: "danger",
}


@register.filter
def alert_class(level: int) -> str:
    """The Bootstrap alert colour for a message level (``{{ message.level|alert_class }}``)."""
    return _ALERT_CLASSES.get(level, "info")
