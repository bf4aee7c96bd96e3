"""The notification bell: what every registered source says, and activities' own source (reminders).

A source is a ``registry.NotificationSource``: ``count(user, company_ids)`` for the badge (drawn on every
page, so at most one query) and ``items(user, company_ids)`` for the dropdown, loaded only when it opens.
Activities registers the first one: the user's open activities due today or overdue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from concord.core.activities.queries import reminders, reminders_count, target_urls
from concord.core.registry import Notification, registry

__all__ = [
    "REMINDERS_SOURCE",
    "notifications",
    "reminder_items",
    "reminders_total",
]

REMINDERS_SOURCE = "activities.reminders"
BELL_LIMIT = 20


def reminders_total(user: Any, company_ids: list[int]) -> int:
    return reminders_count(user=user, company_ids=company_ids)


def reminder_items(user: Any, company_ids: list[int]) -> list[Notification]:
    """The user's due and overdue activities as bell lines, linked to their record when it has a page."""
    today = timezone.localdate()
    due = reminders(user=user, company_ids=company_ids, today=today, limit=BELL_LIMIT)
    urls = target_urls(due)
    fallback = reverse("activities:mine")
    return [
        Notification(
            title=f"{activity.get_kind_display()}: {activity.summary}",
            detail=activity.target_label,
            url=urls.get((activity.content_type_id, activity.object_id), fallback),
            when=activity.due_date,
            level="danger" if activity.due_date < today else "warning",
        )
        for activity in due
    ]


def _sources() -> list[Any]:
    return sorted(registry.notification_sources.values(), key=lambda source: source.order)


def _sort_key(item: Notification) -> dt.datetime:
    when = item.when
    if not isinstance(when, dt.datetime):
        when = timezone.make_aware(dt.datetime.combine(when, dt.time.min))
    return when


def notifications(user: Any, company_ids: list[int]) -> list[Notification]:
    """The bell's lines from every source, the most urgent (oldest) first."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = [item for source in _sources() for item in source.items(user, company_ids)]
    return sorted(items, key=_sort_key)
