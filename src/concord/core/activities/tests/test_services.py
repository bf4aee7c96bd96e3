import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from concord.core.activities.models import Activity, ActivityKind, ActivityState, Note
from concord.core.activities.queries import activities_open_grouped, reminders, reminders_count
from concord.core.activities.services import (
    activity_cancel,
    activity_done,
    activity_schedule,
    activity_update,
    note_add,
    note_delete,
    note_update,
)
from concord.core.audit.models import AuditAction
from concord.core.audit.queries import audit_entries_for
from concord.core.errors import Conflict, PermissionDeniedError, ValidationFailed

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def _schedule(target, user, *, due=TODAY, kind=ActivityKind.CALL, summary="Call back", **extra):
    return activity_schedule(
        target=target, kind=kind, summary=summary, due_date=due, assigned_to=user, by=user, **extra
    )


def test_schedule_classify_complete_and_audit(company_target, siam, manager):
    overdue = _schedule(siam, manager, due=TODAY - DAY, note="Ask about the rice order")
    today = _schedule(siam, manager, kind=ActivityKind.MEETING, summary="Visit the warehouse")
    later = _schedule(siam, manager, due=TODAY + 3 * DAY, kind=ActivityKind.EMAIL, summary="Send terms")

    assert overdue.company_id == siam.pk
    assert overdue.target == siam
    assert overdue.target_label == "Siam Trading"
    assert overdue.created_by == manager
    assert [a.state_on(TODAY) for a in (overdue, today, later)] == [
        ActivityState.OVERDUE,
        ActivityState.TODAY,
        ActivityState.PLANNED,
    ]
    assert reminders_count(user=manager, company_ids=[siam.pk]) == 2
    assert reminders(user=manager, company_ids=[siam.pk]) == [overdue, today]
    assert reminders_count(user=manager, company_ids=[]) == 0  # not in the companies asked about

    done = activity_done(activity=overdue, by=manager, outcome="They will order 2 tonnes")
    assert done.state == ActivityState.DONE
    assert done.done_by == manager
    assert done.outcome == "They will order 2 tonnes"
    first_done_at = done.done_at
    again = activity_done(activity=done, by=manager, outcome="ignored")  # a double click changes nothing
    assert again.done_at == first_done_at
    assert again.outcome == "They will order 2 tonnes"
    assert reminders_count(user=manager, company_ids=[siam.pk]) == 1

    actions = [entry.action for entry in audit_entries_for(overdue)]
    assert actions == [AuditAction.UPDATE, AuditAction.CREATE]
    assert audit_entries_for(overdue)[0].changes["outcome"] == ["", "They will order 2 tonnes"]


def test_schedule_refuses_bad_input_with_the_field_named(company_target, siam, manager, outsider, make_user):
    cases: list[tuple[dict[str, Any], str]] = [
        ({"summary": "  "}, "summary"),
        ({"due": None}, "due_date"),
        ({"kind": "fax"}, "kind"),
        ({"user": outsider}, "assigned_to"),  # not a member of Siam
        ({"user": make_user(username="customer", company=siam, roles=("portal",))}, "assigned_to"),
    ]
    for changes, field in cases:
        user = changes.pop("user", manager)
        with pytest.raises(ValidationFailed) as caught:
            activity_schedule(
                target=siam,
                kind=changes.get("kind", ActivityKind.TODO),
                summary=changes.get("summary", "Follow up"),
                due_date=changes.get("due", TODAY),
                assigned_to=user,
                by=manager,
            )
        assert caught.value.field == field, changes
    assert not Activity.all_companies.exists()


def test_only_registered_records_take_activities(siam, manager):
    with pytest.raises(ValidationFailed) as caught:
        _schedule(siam, manager)
    assert caught.value.field == "target"
    with pytest.raises(ValidationFailed):
        note_add(target=siam, body="Hello", by=manager)


def test_update_and_cancel_open_activities_only(company_target, siam, manager, make_user):
    colleague = make_user(username="colleague", company=siam, roles=("sales",))
    activity = _schedule(siam, manager)
    updated = activity_update(
        activity=activity, by=manager, summary="Call the buyer", assigned_to=colleague, due_date=TODAY + DAY
    )
    assert (updated.summary, updated.assigned_to, updated.due_date) == (
        "Call the buyer",
        colleague,
        TODAY + DAY,
    )
    entry = audit_entries_for(activity)[0]
    assert entry.action == AuditAction.UPDATE
    assert entry.changes["summary"] == ["Call back", "Call the buyer"]
    with pytest.raises(ValidationFailed) as caught:
        activity_update(activity=activity, by=manager, company_id=99)
    assert caught.value.field == "company_id"

    activity_done(activity=updated, by=colleague)
    with pytest.raises(Conflict):
        activity_update(activity=updated, by=manager, summary="Too late")
    with pytest.raises(Conflict):
        activity_cancel(activity=updated, by=manager)

    planned = _schedule(siam, manager, summary="Drop by")
    activity_cancel(activity=planned, by=manager)
    assert not Activity.all_companies.filter(pk=planned.pk).exists()
    gone = audit_entries_for(planned)[0]
    assert gone.action == AuditAction.DELETE
    assert gone.changes["summary"] == ["Drop by", None]


def test_notes_belong_to_their_author(company_target, siam, manager, make_user):
    other = make_user(username="other-manager", company=siam, roles=("manager",))
    with pytest.raises(ValidationFailed) as caught:
        note_add(target=siam, body="   ", by=manager)
    assert caught.value.field == "body"

    note = note_add(target=siam, body="Prefers calls after 2 pm", by=manager)
    assert (note.company_id, note.author, note.target) == (siam.pk, manager, siam)
    with pytest.raises(PermissionDeniedError):
        note_update(note=note, body="Changed by someone else", by=other)
    with pytest.raises(PermissionDeniedError):
        note_delete(note=note, by=other)

    note = note_update(note=note, body="Prefers calls after 3 pm", by=manager)
    assert Note.all_companies.get(pk=note.pk).body == "Prefers calls after 3 pm"
    note_delete(note=note, by=manager)
    assert not Note.all_companies.exists()
    actions = [entry.action for entry in audit_entries_for(note)]
    assert actions == [AuditAction.DELETE, AuditAction.UPDATE, AuditAction.CREATE]


def test_open_activities_grouped_by_when(company_target, siam, angkor, manager, make_user):
    overdue = _schedule(siam, manager, due=TODAY - 2 * DAY)
    today = _schedule(siam, manager, kind=ActivityKind.TODO)
    upcoming = _schedule(siam, manager, due=TODAY + DAY, kind=ActivityKind.EMAIL)
    activity_done(activity=_schedule(siam, manager, due=TODAY - DAY), by=manager)
    someone = make_user(username="someone", company=siam, roles=("manager",))
    _schedule(siam, someone)  # someone else's

    grouped = activities_open_grouped(user=manager, company_ids=[siam.pk])
    assert (grouped.overdue, grouped.today, grouped.upcoming) == ([overdue], [today], [upcoming])
    assert grouped.count == 3
    emails = activities_open_grouped(user=manager, company_ids=[siam.pk], kind=ActivityKind.EMAIL)
    assert (emails.overdue, emails.today, emails.upcoming) == ([], [], [upcoming])
    assert activities_open_grouped(user=manager, company_ids=[angkor.pk]).count == 0
