"""Reads of activities and notes: a record's, a user's open ones grouped by when, and the bell's reminders."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils import timezone

from concord.core.activities.models import Activity, Note

__all__ = [
    "STATE_FILTERS",
    "ActivityStateFilter",
    "MyActivities",
    "activities_assigned",
    "activities_of",
    "activities_open_grouped",
    "notes_of",
    "reminders",
    "reminders_count",
    "target_urls",
]

logger = logging.getLogger(__name__)

ActivityStateFilter = str  # "open", "overdue" or "done"
STATE_FILTERS = ("open", "overdue", "done")


def _on_target(target: models.Model) -> Q:
    return Q(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)


def activities_of(target: models.Model) -> models.QuerySet[Activity]:
    """A record's activities: open ones by due date first, then done ones, latest first."""
    return (
        Activity.all_companies.filter(_on_target(target))
        .select_related("assigned_to", "done_by")
        .order_by(
            models.F("done_at").desc(nulls_first=True),
            "due_date",
            models.F("due_time").asc(nulls_last=True),
            "id",
        )
    )


def notes_of(target: models.Model) -> models.QuerySet[Note]:
    """A record's notes, newest first."""
    return (
        Note.all_companies.filter(_on_target(target)).select_related("author").order_by("-created_at", "-id")
    )


def activities_assigned(
    *,
    user: Any,
    company_ids: Iterable[int] | None,
    state: ActivityStateFilter | None = None,
    kind: str | None = None,
    today: dt.date | None = None,
) -> models.QuerySet[Activity]:
    """Activities assigned to ``user`` in ``company_ids`` (None: every company), by due date.

    ``state``: ``open`` (not done), ``overdue`` (not done, due before today) or ``done``.
    """
    rows = Activity.all_companies.filter(assigned_to_id=user.pk)
    if company_ids is not None:
        rows = rows.filter(company_id__in=list(company_ids))
    today = today or timezone.localdate()
    if state == "open":
        rows = rows.filter(done_at__isnull=True)
    elif state == "overdue":
        rows = rows.filter(done_at__isnull=True, due_date__lt=today)
    elif state == "done":
        rows = rows.filter(done_at__isnull=False)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("assigned_to", "content_type").order_by(
        "due_date", models.F("due_time").asc(nulls_last=True), "id"
    )


@dataclass
class MyActivities:
    """A user's open activities, grouped by when they are due."""

    overdue: list[Activity] = field(default_factory=list)
    today: list[Activity] = field(default_factory=list)
    upcoming: list[Activity] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.upcoming)


def activities_open_grouped(
    *, user: Any, company_ids: Iterable[int] | None, kind: str | None = None, today: dt.date | None = None
) -> MyActivities:
    """``user``'s open activities as Overdue / Today / Upcoming (one query)."""
    today = today or timezone.localdate()
    grouped = MyActivities()
    for activity in activities_assigned(user=user, company_ids=company_ids, state="open", kind=kind):
        if activity.due_date < today:
            grouped.overdue.append(activity)
        elif activity.due_date == today:
            grouped.today.append(activity)
        else:
            grouped.upcoming.append(activity)
    return grouped


def target_urls(activities: Iterable[Activity]) -> dict[tuple[int, int], str]:
    """``{(content type id, object id): url}`` of the records that give one (``get_absolute_url``).

    One query per kind of record, whatever the number of activities.
    """
    wanted: dict[int, set[int]] = {}
    for activity in activities:
        wanted.setdefault(activity.content_type_id, set()).add(activity.object_id)
    urls: dict[tuple[int, int], str] = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        for obj in model._base_manager.filter(pk__in=ids):
            try:
                url = obj.get_absolute_url()
            except NoReverseMatch:
                # A record whose page cannot be reversed is listed without a link, not as an error page.
                logger.warning("no URL for %s #%s", model._meta.label_lower, obj.pk, exc_info=True)
                continue
            if url:
                urls[(content_type_id, int(obj.pk))] = str(url)
    return urls


def _reminders(user: Any, company_ids: Iterable[int] | None, today: dt.date) -> models.QuerySet[Activity]:
    rows = Activity.all_companies.filter(assigned_to_id=user.pk, done_at__isnull=True, due_date__lte=today)
    if company_ids is not None:
        rows = rows.filter(company_id__in=list(company_ids))
    return rows


def reminders_count(*, user: Any, company_ids: Iterable[int] | None, today: dt.date | None = None) -> int:
    """How many of ``user``'s open activities are due today or overdue (one query)."""
    return _reminders(user, company_ids, today or timezone.localdate()).count()


def reminders(
    *, user: Any, company_ids: Iterable[int] | None, today: dt.date | None = None, limit: int = 20
) -> list[Activity]:
    """``user``'s open activities due today or overdue, oldest due first."""
    rows = _reminders(user, company_ids, today or timezone.localdate())
    return list(rows.order_by("due_date", models.F("due_time").asc(nulls_last=True), "id")[:limit])
