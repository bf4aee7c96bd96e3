"""REST endpoints of activities and notes, mounted at /api/v1/activities/.

A record is named by its model label and id (``{"target": "crm.opportunity", "target_id": 5}``). An
unregistered model, a missing record, another company's record or one the caller may not view answers
404; one the caller may view but not change 403 for writes; bad input 422 naming the field. Handlers
check access through ``targets``, call one service and answer.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.activities import services
from concord.core.activities.models import Activity, ActivityKind, ActivityState, Note
from concord.core.activities.queries import activities_assigned, activities_of, notes_of
from concord.core.activities.targets import (
    activity_for_user,
    note_for_user,
    target_for_user,
    visible_company_ids,
)
from concord.core.api.errors import ErrorOut
from concord.core.api.pagination import paginated
from concord.core.api.permissions import api_caller
from concord.core.errors import ValidationFailed
from concord.core.identity.models import User

router = Router(tags=["activities"])

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}


# --------------------------------------------------------------------------- schemas
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class ActivityIn(InputSchema):
    target: str = Field(..., max_length=100, description='The record\'s model label, e.g. "crm.opportunity".')
    target_id: int
    kind: ActivityKind = ActivityKind.TODO
    summary: str = Field("", max_length=200)
    due_date: dt.date | None = None
    due_time: dt.time | None = None
    assigned_to_id: int | None = Field(None, description="Defaults to you.")
    note: str = ""


class ActivityPatch(InputSchema):
    kind: ActivityKind | None = None
    summary: str | None = Field(None, max_length=200)
    due_date: dt.date | None = None
    due_time: dt.time | None = None
    assigned_to_id: int | None = None
    note: str | None = None


class DoneIn(InputSchema):
    outcome: str = Field("", max_length=2000)


class ActivityOut(Schema):
    id: int
    company_id: int
    target: str
    target_id: int
    target_label: str
    kind: ActivityKind
    summary: str
    note: str
    due_date: dt.date
    due_time: dt.time | None
    state: ActivityState
    assigned_to_id: int
    created_by_id: int | None
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_by_id: int | None
    outcome: str

    @staticmethod
    def resolve_target(obj: Activity) -> str:
        return _label_of(obj.content_type_id)

    @staticmethod
    def resolve_target_id(obj: Activity) -> int:
        return obj.object_id

    @staticmethod
    def resolve_state(obj: Activity) -> str:
        return str(obj.state)


class ActivityFilters(Schema):
    state: Literal["open", "overdue", "done"] | None = Field(None, description="open, overdue or done.")
    kind: ActivityKind | None = None
    target: str | None = Field(None, description="With target_id: that record's activities instead of yours.")
    target_id: int | None = None


class NoteIn(InputSchema):
    target: str = Field(..., max_length=100)
    target_id: int
    body: str = ""


class NotePatch(InputSchema):
    body: str


class NoteOut(Schema):
    id: int
    company_id: int
    target: str
    target_id: int
    target_label: str
    body: str = Field(..., description="Plain text; show it escaped.")
    author_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_target(obj: Note) -> str:
        return _label_of(obj.content_type_id)

    @staticmethod
    def resolve_target_id(obj: Note) -> int:
        return obj.object_id


class TargetQuery(Schema):
    target: str = Field(..., max_length=100)
    target_id: int


# --------------------------------------------------------------------------- helpers
def _label_of(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def _user(user_id: int | None, caller: User) -> User:
    if user_id is None:
        return caller
    found = User.objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        raise ValidationFailed(_("There is no such user."), field="assigned_to_id")
    return found


def _api_field(exc: ValidationFailed) -> ValidationFailed:
    """The service names the assignee ``assigned_to``; the API calls it ``assigned_to_id``."""
    if exc.field != "assigned_to" and "assigned_to" not in exc.errors:
        return exc
    return ValidationFailed(exc.message, field="assigned_to_id")


# --------------------------------------------------------------------------- activities
@router.get("/", response={200: list[ActivityOut], **_READ_ERRORS})
@paginated
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]) -> Any:
    """Your activities (filter by state and kind), or, with ``target`` and ``target_id``, a record's."""
    caller = api_caller(request)
    if filters.target is not None or filters.target_id is not None:
        if filters.target is None or filters.target_id is None:
            raise ValidationFailed(_("Give both target and target_id."), field="target_id")
        record = target_for_user(caller, filters.target, filters.target_id)
        rows = activities_of(record)
        today = timezone.localdate()
        if filters.state == "open":
            rows = rows.filter(done_at__isnull=True)
        elif filters.state == "overdue":
            rows = rows.filter(done_at__isnull=True, due_date__lt=today)
        elif filters.state == "done":
            rows = rows.filter(done_at__isnull=False)
        if filters.kind:
            rows = rows.filter(kind=filters.kind)
    else:
        rows = activities_assigned(
            user=caller,
            company_ids=visible_company_ids(caller),
            state=filters.state,
            kind=filters.kind,
        )
    return rows


@router.post("/", response={201: ActivityOut, **_ERRORS})
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status[Any]:
    """Plan an activity on a record (needs the record's change permission)."""
    caller = api_caller(request)
    record = target_for_user(caller, payload.target, payload.target_id, change=True)
    try:
        activity = services.activity_schedule(
            target=record,
            kind=payload.kind,
            summary=payload.summary,
            due_date=payload.due_date,
            due_time=payload.due_time,
            assigned_to=_user(payload.assigned_to_id, caller),
            note=payload.note,
            by=caller,
        )
    except ValidationFailed as exc:
        raise _api_field(exc) from exc
    return Status(201, activity)


@router.get("/notes", response={200: list[NoteOut], **_READ_ERRORS})
@paginated
def note_list(request: HttpRequest, query: Query[TargetQuery]) -> Any:
    """A record's notes, newest first."""
    record = target_for_user(api_caller(request), query.target, query.target_id)
    return notes_of(record)


@router.post("/notes", response={201: NoteOut, **_ERRORS})
def note_create(request: HttpRequest, payload: NoteIn) -> Status[Any]:
    """Write a plain-text note on a record (needs the record's change permission)."""
    caller = api_caller(request)
    record = target_for_user(caller, payload.target, payload.target_id, change=True)
    return Status(201, services.note_add(target=record, body=payload.body, by=caller))


@router.get("/notes/{note_id}", response={200: NoteOut, **_READ_ERRORS})
def note_get(request: HttpRequest, note_id: int) -> Note:
    return note_for_user(api_caller(request), note_id)


@router.patch("/notes/{note_id}", response={200: NoteOut, **_ERRORS})
def note_update(request: HttpRequest, note_id: int, payload: NotePatch) -> Note:
    """Rewrite a note (its author only: 403 for anyone else)."""
    caller = api_caller(request)
    note = note_for_user(caller, note_id)
    return services.note_update(note=note, body=payload.body, by=caller)


@router.delete("/notes/{note_id}", response={204: None, **_ERRORS})
def note_delete(request: HttpRequest, note_id: int) -> Status[None]:
    """Remove a note (its author only: 403 for anyone else)."""
    caller = api_caller(request)
    services.note_delete(note=note_for_user(caller, note_id), by=caller)
    return Status(204, None)


@router.get("/{activity_id}", response={200: ActivityOut, **_READ_ERRORS})
def activity_get(request: HttpRequest, activity_id: int) -> Activity:
    return activity_for_user(api_caller(request), activity_id)


@router.patch("/{activity_id}", response={200: ActivityOut, **_ERRORS})
def activity_update(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Activity:
    """Change the fields given of an open activity (a done one is a 409)."""
    caller = api_caller(request)
    activity = activity_for_user(caller, activity_id, action="change")
    changes = payload.model_dump(exclude_unset=True)
    if "assigned_to_id" in changes:
        assignee_id = changes.pop("assigned_to_id")
        if assignee_id is None:
            raise ValidationFailed(_("Choose who the activity is for."), field="assigned_to_id")
        changes["assigned_to"] = _user(assignee_id, caller)
    for required in ("summary", "due_date", "kind"):
        if required in changes and changes[required] is None:
            raise ValidationFailed(_("This field cannot be empty."), field=required)
    try:
        updated = services.activity_update(activity=activity, by=caller, **changes)
    except ValidationFailed as exc:
        raise _api_field(exc) from exc
    return updated


@router.post("/{activity_id}/done", response={200: ActivityOut, **_ERRORS})
def activity_done(request: HttpRequest, activity_id: int, payload: DoneIn | None = None) -> Activity:
    """Mark done, with an optional outcome (the assignee, or anyone who may change the record)."""
    caller = api_caller(request)
    activity = activity_for_user(caller, activity_id, action="done")
    outcome = payload.outcome if payload is not None else ""
    return services.activity_done(activity=activity, by=caller, outcome=outcome)


@router.delete("/{activity_id}", response={204: None, **_ERRORS})
def activity_cancel(request: HttpRequest, activity_id: int) -> Status[None]:
    """Cancel a planned activity (a done one is a 409: it stays as history)."""
    caller = api_caller(request)
    activity = activity_for_user(caller, activity_id, action="change")
    services.activity_cancel(activity=activity, by=caller)
    return Status(204, None)
