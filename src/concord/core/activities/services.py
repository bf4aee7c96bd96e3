"""Writes of activities and notes: each function owns its transaction and leaves an audit entry.

Permissions are the callers' business (screens and API check them through ``targets``); these
functions hold the rules: the record must be registered as an activity target, the activity or note
belongs to the record's company, the assignee must be a member of it, and a note is changed or removed
by its author only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.activities.models import Activity, ActivityKind, Note
from concord.core.activities.targets import company_id_of, model_label_of, target_spec
from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, created_changes, deleted_changes, diff, snapshot
from concord.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from concord.core.identity.roles import Role

__all__ = [
    "activity_cancel",
    "activity_done",
    "activity_schedule",
    "activity_update",
    "note_add",
    "note_delete",
    "note_update",
]

SUMMARY_MAX_LENGTH = 200
_UPDATABLE = ("kind", "summary", "note", "due_date", "due_time", "assigned_to")


def _user_or_none(by: Any) -> Any:
    """The acting user to store (None for the system or an anonymous user)."""
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _target_parts(target: models.Model) -> tuple[ContentType, int, int, str]:
    """Content type, id, company id and label of a registered record (else a 422 on ``target``)."""
    if target is None or target.pk is None or target_spec(model_label_of(target)) is None:
        raise ValidationFailed(_("Activities and notes cannot be added to this record."), field="target")
    company_id = company_id_of(target)
    if company_id is None:
        raise ValidationFailed(_("This record belongs to no company."), field="target")
    return ContentType.objects.get_for_model(target), int(target.pk), company_id, str(target)[:200]


def _clean_kind(kind: Any) -> str:
    value = str(kind or "").strip().lower()
    if value not in ActivityKind.values:
        raise ValidationFailed(
            _("Choose a kind: %(kinds)s.") % {"kinds": ", ".join(ActivityKind.values)}, field="kind"
        )
    return value


def _clean_summary(summary: Any) -> str:
    value = str(summary or "").strip()
    if not value:
        raise ValidationFailed(_("Give the activity a summary."), field="summary")
    if len(value) > SUMMARY_MAX_LENGTH:
        raise ValidationFailed(
            _("A summary has at most %(max)d characters.") % {"max": SUMMARY_MAX_LENGTH}, field="summary"
        )
    return value


def _clean_due_date(due_date: Any) -> dt.date:
    if due_date is None or due_date == "":
        raise ValidationFailed(_("Give the activity a due date."), field="due_date")
    if isinstance(due_date, dt.datetime):
        return due_date.date()
    if isinstance(due_date, dt.date):
        return due_date
    try:
        return dt.date.fromisoformat(str(due_date))
    except ValueError:
        raise ValidationFailed(_("Give the due date as YYYY-MM-DD."), field="due_date") from None


def _clean_assignee(assigned_to: Any, company_id: int) -> Any:
    if assigned_to is None or not getattr(assigned_to, "pk", None):
        raise ValidationFailed(_("Choose who the activity is for."), field="assigned_to")
    # Portal customers are members too, but activities are the staff's work.
    staff_roles = set(assigned_to.active_memberships().roles.get(company_id, ())) - {Role.PORTAL}
    if not (assigned_to.is_active and staff_roles):
        raise ValidationFailed(
            _("%(user)s is not a member of this record's company.") % {"user": assigned_to.get_username()},
            field="assigned_to",
        )
    return assigned_to


def _clean_body(body: Any) -> str:
    value = str(body or "").strip()
    if not value:
        raise ValidationFailed(_("A note cannot be empty."), field="body")
    return value


def activity_schedule(
    *,
    target: models.Model,
    kind: str,
    summary: str,
    due_date: dt.date | None,
    assigned_to: Any,
    by: Any,
    note: str = "",
    due_time: dt.time | None = None,
) -> Activity:
    """Plan an activity on ``target`` for ``assigned_to`` (a member of the record's company)."""
    content_type, object_id, company_id, label = _target_parts(target)
    values = {
        "kind": _clean_kind(kind),
        "summary": _clean_summary(summary),
        "due_date": _clean_due_date(due_date),
        "due_time": due_time,
        "note": str(note or "").strip(),
    }
    assignee = _clean_assignee(assigned_to, company_id)
    with transaction.atomic():
        activity: Activity = Activity.all_companies.create(
            company_id=company_id,
            content_type=content_type,
            object_id=object_id,
            target_label=label,
            assigned_to=assignee,
            created_by=_user_or_none(by),
            **values,
        )
        audit_record(actor=by, action=AuditAction.CREATE, obj=activity, changes=created_changes(activity))
    return activity


def activity_update(*, activity: Activity, by: Any, **changes: Any) -> Activity:
    """Change an open activity: kind, summary, note, due date and time, assignee (only those given)."""
    unknown = sorted(set(changes) - set(_UPDATABLE))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(unknown)}, field=unknown[0]
        )
    cleaners: dict[str, Callable[[Any], Any]] = {
        "kind": _clean_kind,
        "summary": _clean_summary,
        "due_date": _clean_due_date,
        "note": lambda value: str(value or "").strip(),
        "due_time": lambda value: value,
        "assigned_to": lambda value: _clean_assignee(value, activity.company_id),
    }
    cleaned = {name: cleaners[name](value) for name, value in changes.items()}
    with transaction.atomic():
        locked: Activity = Activity.all_companies.select_for_update().get(pk=activity.pk)
        if locked.done_at is not None:
            raise Conflict(_("This activity is done; it can no longer be changed."))
        before = snapshot(locked, _UPDATABLE)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        recorded = diff(before, snapshot(locked, _UPDATABLE))
        if recorded:
            locked.save()
            audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=recorded)
    return locked


def activity_done(*, activity: Activity, by: Any, outcome: str = "") -> Activity:
    """Mark an activity done with what came of it; doing it twice changes nothing."""
    with transaction.atomic():
        locked: Activity = Activity.all_companies.select_for_update().get(pk=activity.pk)
        if locked.done_at is not None:
            return locked
        locked.done_at = timezone.now()
        locked.done_by = _user_or_none(by)
        locked.outcome = str(outcome or "").strip()
        locked.save(update_fields=["done_at", "done_by", "outcome", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={
                "done_at": [None, locked.done_at.isoformat()],
                **({"outcome": ["", locked.outcome]} if locked.outcome else {}),
            },
        )
    return locked


def activity_cancel(*, activity: Activity, by: Any) -> None:
    """Remove a planned activity (the audit trail keeps what it was); a done one stays as history."""
    with transaction.atomic():
        locked: Activity = Activity.all_companies.select_for_update().get(pk=activity.pk)
        if locked.done_at is not None:
            raise Conflict(_("This activity is done; it stays in the record's history."))
        audit_record(actor=by, action=AuditAction.DELETE, obj=locked, changes=deleted_changes(locked))
        locked.delete()


def note_add(*, target: models.Model, body: str, by: Any) -> Note:
    """Write a plain-text note on ``target``."""
    content_type, object_id, company_id, label = _target_parts(target)
    text = _clean_body(body)
    with transaction.atomic():
        note: Note = Note.all_companies.create(
            company_id=company_id,
            content_type=content_type,
            object_id=object_id,
            target_label=label,
            body=text,
            author=_user_or_none(by),
        )
        audit_record(actor=by, action=AuditAction.CREATE, obj=note, changes=created_changes(note))
    return note


def _require_author(note: Note, by: Any) -> None:
    if note.author_id is None or note.author_id != getattr(by, "pk", None):
        raise PermissionDeniedError(_("Only the author of a note may change or remove it."))


def note_update(*, note: Note, body: str, by: Any) -> Note:
    """Rewrite a note (its author only)."""
    _require_author(note, by)
    text = _clean_body(body)
    with transaction.atomic():
        locked: Note = Note.all_companies.select_for_update().get(pk=note.pk)
        if locked.body != text:
            old = locked.body
            locked.body = text
            locked.save(update_fields=["body", "updated_at"])
            audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes={"body": [old, text]})
    return locked


def note_delete(*, note: Note, by: Any) -> None:
    """Remove a note (its author only; the audit trail keeps its text)."""
    _require_author(note, by)
    with transaction.atomic():
        audit_record(actor=by, action=AuditAction.DELETE, obj=note, changes=deleted_changes(note))
        note.delete()
