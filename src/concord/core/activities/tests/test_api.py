import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from concord.core.activities.models import Activity, Note
from concord.core.api.tests.helpers import ApiClient, error_of
from concord.core.identity.tokens import access_token_create
from concord.core.registry import ActivityTarget, registry, temporary_registration

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def _api(user):
    _token, raw = access_token_create(user=user, name="tests")
    return ApiClient(Client(), token=raw)


def test_activity_and_note_happy_path(company_target, siam, manager, make_user):
    colleague = make_user(username="colleague", company=siam, roles=("sales",))
    api = _api(manager)
    created = api.post(
        "/activities/",
        {
            "target": "identity.company",
            "target_id": siam.pk,
            "kind": "call",
            "summary": "Call about the rice order",
            "due_date": (TODAY - DAY).isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["target"] == "identity.company"
    assert body["target_id"] == siam.pk
    assert body["target_label"] == "Siam Trading"
    assert body["assigned_to_id"] == manager.pk  # defaults to the caller
    assert body["state"] == "overdue"
    activity_id = body["id"]
    api.post(
        "/activities/",
        {
            "target": "identity.company",
            "target_id": siam.pk,
            "kind": "email",
            "summary": "Send terms",
            "due_date": (TODAY + DAY).isoformat(),
            "assigned_to_id": colleague.pk,
        },
    )

    mine = api.get("/activities/", {"state": "overdue"}).json()
    assert [row["id"] for row in mine["items"]] == [activity_id]
    assert api.get("/activities/", {"kind": "email"}).json()["count"] == 0  # the email is the colleague's
    on_record = api.get("/activities/", {"target": "identity.company", "target_id": siam.pk}).json()
    assert on_record["count"] == 2

    patched = api.patch(
        f"/activities/{activity_id}", {"summary": "Call Khun Anan", "due_date": TODAY.isoformat()}
    )
    assert patched.status_code == 200
    assert (patched.json()["summary"], patched.json()["state"]) == ("Call Khun Anan", "today")
    done = api.post(f"/activities/{activity_id}/done", {"outcome": "Order confirmed"})
    assert done.status_code == 200
    assert done.json()["state"] == "done"
    assert done.json()["done_by_id"] == manager.pk
    assert api.get(f"/activities/{activity_id}").json()["outcome"] == "Order confirmed"
    assert api.patch(f"/activities/{activity_id}", {"summary": "late"}).status_code == 409
    assert api.get("/activities/", {"state": "done"}).json()["count"] == 1

    note = api.post(
        "/activities/notes", {"target": "identity.company", "target_id": siam.pk, "body": "<b>VIP</b>"}
    )
    assert note.status_code == 201
    assert note.json()["body"] == "<b>VIP</b>"  # stored as typed; screens escape it
    listed = api.get("/activities/notes", {"target": "identity.company", "target_id": siam.pk}).json()
    assert [row["id"] for row in listed["items"]] == [note.json()["id"]]
    assert (
        _api(colleague).delete(f"/activities/notes/{note.json()['id']}").status_code == 404
    )  # may not see it
    assert api.delete(f"/activities/notes/{note.json()['id']}").status_code == 204
    assert not Note.all_companies.exists()

    planned = Activity.all_companies.get(kind="email")
    assert (
        _api(colleague).post(f"/activities/{planned.pk}/done").status_code == 200
    )  # the assignee completes it
    assert api.delete(f"/activities/{activity_id}").status_code == 409  # done: stays as history


def test_bad_input_is_422_naming_the_field(company_target, siam, manager, outsider):
    api = _api(manager)
    base = {
        "target": "identity.company",
        "target_id": siam.pk,
        "kind": "call",
        "summary": "Hi",
        "due_date": TODAY.isoformat(),
    }
    cases: list[tuple[dict[str, Any], str]] = [
        ({"summary": ""}, "summary"),
        ({"due_date": None}, "due_date"),
        ({"kind": "fax"}, "kind"),
        ({"assigned_to_id": outsider.pk}, "assigned_to_id"),
        ({"assigned_to_id": 999999}, "assigned_to_id"),
        ({"colour": "red"}, "colour"),
    ]
    for change, field in cases:
        response = api.post("/activities/", {**base, **change})
        assert response.status_code == 422, (change, response.content)
        assert field in error_of(response)["fields"], (change, response.json())
    note = api.post("/activities/notes", {"target": "identity.company", "target_id": siam.pk, "body": " "})
    assert note.status_code == 422
    assert "body" in error_of(note)["fields"]
    assert not Activity.all_companies.exists()


def test_other_companies_and_unregistered_records_are_404(siam, angkor, manager, outsider):
    api = _api(outsider)
    payload = {
        "target": "identity.company",
        "target_id": siam.pk,
        "summary": "Hi",
        "due_date": TODAY.isoformat(),
    }
    assert api.post("/activities/", payload).status_code == 404  # not registered at all
    assert api.post("/activities/", {**payload, "target": "nope.nothing"}).status_code == 404

    target = ActivityTarget("identity.company", "companies.view", "companies.change")
    with temporary_registration(registry.activity_targets, "identity.company", target):
        response = api.post("/activities/", payload)
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
        assert (
            api.get("/activities/notes", {"target": "identity.company", "target_id": siam.pk}).status_code
            == 404
        )
        mine = _api(manager).post("/activities/", payload).json()
        assert api.get(f"/activities/{mine['id']}").status_code == 404
        assert api.post(f"/activities/{mine['id']}/done").status_code == 404
        assert api.post("/activities/", {**payload, "target_id": angkor.pk}).status_code == 201  # their own

    view_only = ActivityTarget("identity.company", "companies.view", "users.change")
    with temporary_registration(registry.activity_targets, "identity.company", view_only):
        refused = _api(manager).post("/activities/", payload)
        assert refused.status_code == 403
        assert (
            _api(manager)
            .get("/activities/", {"target": "identity.company", "target_id": siam.pk})
            .status_code
            == 200
        )
