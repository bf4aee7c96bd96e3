"""Reading the audit trail. The REST API (``/api/v1/audit/``) and the screens use these selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from concord.core.audit.models import AuditEntry
from concord.core.identity.permissions import permissions_for_roles

AUDIT_VIEW = "audit.view"

ModelRef = type[models.Model] | ContentType | str


def _content_type(model: ModelRef) -> ContentType | None:
    """A content type from a model class, a ContentType, or an ``"app_label.model"`` label."""
    if isinstance(model, ContentType):
        return model
    if isinstance(model, str):
        app_label, _, model_name = model.lower().partition(".")
        return ContentType.objects.filter(app_label=app_label, model=model_name).first()
    return ContentType.objects.get_for_model(model)


def _as_datetime(value: dt.date | dt.datetime, *, end_of_day: bool) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    moment = dt.datetime.combine(value, dt.time.max if end_of_day else dt.time.min)
    return timezone.make_aware(moment)


def audit_entries(
    *,
    company_ids: Iterable[int] | None = None,
    include_global: bool = False,
    model: ModelRef | None = None,
    object_id: Any = None,
    actor_id: int | None = None,
    action: str | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
) -> models.QuerySet[AuditEntry]:
    """Audit entries, newest first, filtered by whatever is given.

    ``company_ids=None`` means every company (system use); with ids, only those companies' entries,
    plus the company-less ones (users) when ``include_global``. A date for ``since``/``until`` covers
    the whole day (``until`` inclusive). An unknown model label matches nothing.
    """
    entries = AuditEntry.objects.select_related("actor", "content_type", "company")
    if company_ids is not None:
        in_companies = models.Q(company_id__in=list(company_ids))
        entries = entries.filter(
            in_companies | models.Q(company__isnull=True) if include_global else in_companies
        )
    if model is not None:
        content_type = _content_type(model)
        if content_type is None:
            return entries.none()
        entries = entries.filter(content_type=content_type)
    if object_id is not None:
        entries = entries.filter(object_id=str(object_id))
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if action:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(created_at__gte=_as_datetime(since, end_of_day=False))
    if until is not None:
        entries = entries.filter(created_at__lte=_as_datetime(until, end_of_day=True))
    return entries.order_by("-created_at", "-id")


def audit_entries_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """The history of one object, newest first."""
    return audit_entries(model=type(obj), object_id=obj.pk)


def audit_company_ids_for(user: Any) -> list[int] | None:
    """The companies whose trail ``user`` may read (roles granting ``audit.view``); None for superusers."""
    if getattr(user, "is_superuser", False):
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    roles_by_company: dict[int, set[str]] = {}
    for company_id, role in user.memberships.filter(is_active=True, company__is_active=True).values_list(
        "company_id", "role"
    ):
        roles_by_company.setdefault(company_id, set()).add(role)
    return sorted(
        company_id
        for company_id, roles in roles_by_company.items()
        if AUDIT_VIEW in permissions_for_roles(roles)
    )


def audit_entries_visible_to(user: Any, **filters: Any) -> models.QuerySet[AuditEntry]:
    """``audit_entries(**filters)`` limited to what ``user`` may read.

    Superusers read everything, global entries (users, logins) included; everyone else reads the
    entries of the companies where a role gives them ``audit.view``.
    """
    company_ids = audit_company_ids_for(user)
    if company_ids is None:
        return audit_entries(**filters)
    return audit_entries(company_ids=company_ids, **filters)


def audit_model_choices(user: Any) -> list[tuple[str, str]]:
    """``("app_label.model", "Label")`` for the object types in the trail ``user`` may read."""
    type_ids = audit_entries_visible_to(user).order_by().values_list("content_type_id", flat=True).distinct()
    choices = []
    for content_type in ContentType.objects.filter(id__in=list(type_ids)):
        model = content_type.model_class()
        label = str(model._meta.verbose_name).capitalize() if model is not None else content_type.model
        choices.append((f"{content_type.app_label}.{content_type.model}", label))
    return sorted(choices, key=lambda choice: choice[1])


__all__ = [
    "audit_company_ids_for",
    "audit_entries",
    "audit_entries_for",
    "audit_entries_visible_to",
    "audit_model_choices",
]
