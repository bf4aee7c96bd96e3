"""``{% audit_history obj %}``: an object's recent history, for any detail page."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.db import models
from django.utils.translation import gettext as _

from concord.core.audit.queries import AUDIT_VIEW, audit_entries_visible_to

register = template.Library()

HISTORY_LIMIT = 20


@register.inclusion_tag("audit/partials/history.html", takes_context=True)
def audit_history(context: dict[str, Any], obj: models.Model, limit: int = HISTORY_LIMIT) -> dict[str, Any]:
    """The latest entries about ``obj`` the signed-in user may read (nothing without ``audit.view``)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or obj is None or obj.pk is None or not user.has_perm(AUDIT_VIEW):
        return {"visible": False}
    entries = audit_entries_visible_to(user, model=type(obj), object_id=obj.pk)
    meta = obj._meta
    return {
        "visible": True,
        "entries": list(entries[: max(int(limit), 1)]),
        "app_label": meta.app_label,
        "model_name": meta.model_name,
        "object_id": str(obj.pk),
    }


@register.filter
def audit_value(value: Any) -> str:
    """A recorded value as the audit screens show it."""
    if value is None or value == "":
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
