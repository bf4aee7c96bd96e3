"""Reading saved filters: a user sees only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from concord.core.lists.models import SavedFilter

__all__ = ["saved_filters_for"]


def saved_filters_for(*, user: Any, list_key: str | None = None) -> QuerySet[SavedFilter]:
    """``user``'s saved filters, by name; only those of ``list_key`` when given."""
    if not getattr(user, "is_authenticated", False):
        return SavedFilter.objects.none()
    rows = SavedFilter.objects.filter(user_id=user.pk)
    if list_key is not None:
        rows = rows.filter(list_key=list_key)
    return rows.order_by("name")
