"""Which records take activities and notes, and who may see or change them.

A module registers its model in ``registry.activity_targets`` (``"crm.opportunity"`` with
``"crm.view"`` and ``"crm.change"``); only registered models accept activities and notes. Every screen,
tag and API call reaches a record through these helpers: a record that is not registered, does not
exist, belongs to a company the user is not in, or that the user may not view is a ``NotFound`` (the
API's 404 never confirms that another company's record exists); one the user may view but not change
is a ``PermissionDeniedError`` for writes.
"""

from __future__ import annotations

from typing import Any, cast

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from concord.core.activities.models import Activity, Note
from concord.core.errors import NotFound, PermissionDeniedError
from concord.core.registry import ActivityTarget, registry

__all__ = [
    "activity_for_user",
    "can_change_target",
    "can_view_target",
    "company_id_of",
    "model_label_of",
    "note_for_user",
    "target_for_user",
    "target_of",
    "target_spec",
    "visible_company_ids",
]


def model_label_of(obj: models.Model | type[models.Model]) -> str:
    """``"<app_label>.<model>"`` in lower case (``"crm.opportunity"``)."""
    return str(obj._meta.label_lower)


def target_spec(model_label: str) -> ActivityTarget | None:
    """The registration of ``model_label`` (case-insensitive), or None when it takes no activities."""
    label = model_label.strip().lower()
    return registry.activity_targets.get(label) if label in registry.activity_targets else None


def company_id_of(obj: models.Model) -> int | None:
    """The company a record belongs to (a company is its own)."""
    if model_label_of(obj) == "identity.company":
        return int(obj.pk)
    company_id = getattr(obj, "company_id", None)
    return int(company_id) if company_id is not None else None


def visible_company_ids(user: Any) -> set[int] | None:
    """The companies ``user`` works in (None: every company, for a superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(user.company_ids())


def _in_companies(user: Any, company_id: int | None) -> bool:
    visible = visible_company_ids(user)
    return company_id is not None and (visible is None or company_id in visible)


def can_view_target(user: Any, obj: models.Model) -> bool:
    """Whether ``user`` may see the activities and notes of ``obj`` (registered, their company, the view
    permission on the record)."""
    spec = target_spec(model_label_of(obj))
    if spec is None or not _in_companies(user, company_id_of(obj)):
        return False
    return bool(user.has_perm(spec.view_permission, obj))


def can_change_target(user: Any, obj: models.Model) -> bool:
    """Whether ``user`` may schedule activities and write notes on ``obj``."""
    spec = target_spec(model_label_of(obj))
    return (
        spec is not None and can_view_target(user, obj) and bool(user.has_perm(spec.change_permission, obj))
    )


def _missing_record() -> NotFound:
    return NotFound(_("There is no such record."), field="target")


def target_for_user(user: Any, model_label: str, pk: Any, *, change: bool = False) -> models.Model:
    """The registered record ``model_label`` #``pk`` if ``user`` may view it (and change it, if asked).

    Unregistered, missing, another company's or not viewable: ``NotFound``; viewable but not
    changeable when ``change``: ``PermissionDeniedError``.
    """
    spec = target_spec(model_label)
    if spec is None:
        raise _missing_record()
    try:
        model = apps.get_model(spec.model_label)
        obj: models.Model | None = model._default_manager.filter(pk=int(pk)).first()
    except (LookupError, TypeError, ValueError):
        obj = None
    if obj is None or not can_view_target(user, obj):
        raise _missing_record()
    if change and not user.has_perm(spec.change_permission, obj):
        raise PermissionDeniedError(
            _("You do not have the permission “%(perm)s”.") % {"perm": spec.change_permission},
            code="permission_denied",
        )
    return obj


def target_of(row: Activity | Note) -> models.Model | None:
    """The record an activity or note is on (None when it has gone)."""
    model = ContentType.objects.get_for_id(row.content_type_id).model_class()
    if model is None:
        return None
    found: models.Model | None = model._base_manager.filter(pk=row.object_id).first()
    return found


def activity_for_user(user: Any, pk: Any, *, action: str = "view") -> Activity:
    """An activity ``user`` may see, and ``action`` ("view", "done" or "change") on.

    The assignee may always see and complete their activity; anyone else needs the target's view
    permission to see it and its change permission to complete or change it. Another company's
    activity, or one the user may not see: ``NotFound``.
    """
    try:
        activity = cast(
            "Activity | None", Activity.objects.select_related("assigned_to").filter(pk=int(pk)).first()
        )
    except (TypeError, ValueError):
        activity = None
    if activity is None or not _in_companies(user, activity.company_id):
        raise NotFound(_("There is no such activity."))
    is_assignee = activity.assigned_to_id == getattr(user, "pk", None)
    if is_assignee and action in ("view", "done"):
        return activity
    target = target_of(activity)
    if target is None or not can_view_target(user, target):
        raise NotFound(_("There is no such activity."))
    if action != "view" and not can_change_target(user, target):
        spec = target_spec(model_label_of(target))
        perm = spec.change_permission if spec is not None else ""
        raise PermissionDeniedError(
            _("You do not have the permission “%(perm)s”.") % {"perm": perm}, code="permission_denied"
        )
    return activity


def note_for_user(user: Any, pk: Any) -> Note:
    """A note on a record ``user`` may view (else ``NotFound``); only its author may then change it."""
    try:
        note = cast("Note | None", Note.objects.filter(pk=int(pk)).first())
    except (TypeError, ValueError):
        note = None
    target = target_of(note) if note is not None and _in_companies(user, note.company_id) else None
    if note is None or target is None or not can_view_target(user, target):
        raise NotFound(_("There is no such note."))
    return note
