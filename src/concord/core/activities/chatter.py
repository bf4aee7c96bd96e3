"""What the chatter card of a record shows: its activities (overdue, planned, done), its notes, the forms.

``{% chatter obj %}`` and the htmx views that swap the card after each action build it here, so the
card is the same whichever drew it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from concord.core.activities.forms import ActivityForm, NoteForm
from concord.core.activities.models import Activity, ActivityState, Note
from concord.core.activities.queries import activities_of, notes_of
from concord.core.activities.targets import can_change_target, company_id_of, model_label_of

__all__ = ["ActivityRow", "NoteRow", "chatter_context", "dom_id"]


@dataclass(frozen=True)
class ActivityRow:
    """An activity as the card shows it: its state today and what the user may do with it."""

    activity: Activity
    state: ActivityState
    can_complete: bool
    can_cancel: bool


@dataclass(frozen=True)
class NoteRow:
    """A note as the card shows it; only its author may edit or delete it."""

    note: Note
    is_mine: bool
    editing: bool


def dom_id(target: models.Model) -> str:
    """The card's element id (``chatter-identity-company-3``), unique per record on a page."""
    return f"chatter-{model_label_of(target).replace('.', '-')}-{target.pk}"


def chatter_context(
    request: HttpRequest,
    target: models.Model,
    *,
    activity_form: ActivityForm | None = None,
    note_form: NoteForm | None = None,
    editing_note_id: int | None = None,
    note_edit_form: NoteForm | None = None,
    next_url: str | None = None,
) -> dict[str, Any]:
    """The chatter card's context for a record the user may view (callers check that)."""
    user = request.user
    today = timezone.localdate()
    can_change = can_change_target(user, target)
    company_id = company_id_of(target)
    if company_id is None:
        raise ValueError(f"{model_label_of(target)} #{target.pk} belongs to no company")
    prefix = dom_id(target)
    rows = []
    for activity in activities_of(target):
        is_assignee = activity.assigned_to_id == user.pk
        rows.append(
            ActivityRow(
                activity=activity,
                state=activity.state_on(today),
                can_complete=activity.done_at is None and (can_change or is_assignee),
                can_cancel=activity.done_at is None and can_change,
            )
        )
    notes = [
        NoteRow(note=note, is_mine=note.author_id == user.pk, editing=note.pk == editing_note_id)
        for note in notes_of(target)
    ]
    if can_change and activity_form is None:
        activity_form = ActivityForm(
            company_id=company_id,
            initial={"due_date": today, "assigned_to": user.pk},
            auto_id=f"id_{prefix}_%s",
        )
    if can_change and note_form is None:
        note_form = NoteForm(auto_id=f"id_{prefix}_note_%s")
    return {
        "target": target,
        "target_label": model_label_of(target),
        "target_id": target.pk,
        "dom_id": prefix,
        "can_change": can_change,
        "open_rows": [row for row in rows if row.state != ActivityState.DONE],
        "done_rows": [row for row in rows if row.state == ActivityState.DONE],
        "note_rows": notes,
        "activity_form": activity_form,
        "note_form": note_form,
        "note_edit_form": note_edit_form,
        "next": next_url or request.get_full_path(),
    }
