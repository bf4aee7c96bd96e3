"""/audit/entries and /outbox/events: permission-gated, limited to the caller's companies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from concord.core.api.tests.helpers import error_of
from concord.core.audit.models import AuditAction, AuditEntry
from concord.core.audit.services import audit_record
from concord.core.identity.models import Membership
from concord.core.identity.roles import Role
from concord.core.outbox.models import EventStatus, OutboxEvent


@pytest.fixture
def home_and_away(make_company):
    return make_company(code="home"), make_company(code="away")


# --------------------------------------------------------------------------- audit
def test_audit_entries_of_own_companies_only(make_user, home_and_away, token_client):
    home, away = home_and_away
    auditor = make_user(company=home, roles=(Role.ACCOUNTANT,))
    audit_record(actor=auditor, action=AuditAction.UPDATE, obj=home, changes={"name": ["a", "b"]})
    audit_record(actor=None, action=AuditAction.UPDATE, obj=away, changes={"name": ["c", "d"]})

    body = token_client(auditor).get("/audit/entries").json()
    assert body["count"] == 1
    entry = body["items"][0]
    assert entry["company_id"] == home.pk
    assert entry["model"] == "identity.company"
    assert entry["object_id"] == str(home.pk)
    assert entry["actor_username"] == auditor.username
    assert entry["changes"] == {"name": ["a", "b"]}


def test_audit_entries_need_audit_view(make_user, company, token_client):
    response = token_client(make_user(company=company, roles=(Role.SALES,))).get("/audit/entries")
    assert response.status_code == 403
    assert "audit.view" in error_of(response)["message"]


def test_audit_view_in_one_company_does_not_open_another(make_user, home_and_away, token_client):
    home, away = home_and_away
    user = make_user(company=home, roles=(Role.ACCOUNTANT,))
    Membership.objects.create(user=user, company=away, role=Role.SALES)
    audit_record(actor=None, action=AuditAction.UPDATE, obj=away, changes={"x": [1, 2]})
    body = token_client(user).get("/audit/entries").json()
    assert body["count"] == 0


def test_audit_filters(make_user, company, token_client):
    auditor = make_user(company=company, roles=(Role.MANAGER,))
    other = make_user(company=company, roles=(Role.SALES,))
    audit_record(actor=auditor, action=AuditAction.UPDATE, obj=company, changes={"a": [1, 2]})
    audit_record(actor=other, action=AuditAction.OTHER, obj=company, changes={"b": [1, 2]})
    client = token_client(auditor)

    by_actor = client.get("/audit/entries", {"actor": other.pk}).json()
    assert [item["changes"] for item in by_actor["items"]] == [{"b": [1, 2]}]
    by_action = client.get("/audit/entries", {"action": "update", "model": "identity.company"}).json()
    assert [item["changes"] for item in by_action["items"]] == [{"a": [1, 2]}]
    by_object = client.get("/audit/entries", {"object_id": "999999"}).json()
    assert by_object["count"] == 0

    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert client.get("/audit/entries", {"since": tomorrow}).json()["count"] == 0
    assert (
        client.get("/audit/entries", {"until": tomorrow}).json()["count"]
        == AuditEntry.objects.filter(company=company).count()
    )

    an_hour_ago = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    assert client.get("/audit/entries", {"since": an_hour_ago, "actor": other.pk}).json()["count"] == 1
    assert client.get("/audit/entries", {"until": an_hour_ago}).json()["count"] == 0

    bad = client.get("/audit/entries", {"since": "yesterday-ish"})
    assert bad.status_code == 422
    assert "since" in error_of(bad)["fields"]
    assert client.get("/audit/entries", {"action": "teleport"}).status_code == 422


def test_audit_ordering(make_user, company, token_client):
    auditor = make_user(company=company, roles=(Role.MANAGER,))
    audit_record(actor=auditor, action=AuditAction.UPDATE, obj=company, changes={"n": [0, 1]})
    audit_record(actor=auditor, action=AuditAction.UPDATE, obj=company, changes={"n": [1, 2]})
    client = token_client(auditor)
    oldest_first = client.get("/audit/entries", {"ordering": "id", "action": "update"}).json()["items"]
    newest_first = client.get("/audit/entries", {"action": "update"}).json()["items"]
    assert [item["id"] for item in oldest_first] == [item["id"] for item in reversed(newest_first)]
    assert client.get("/audit/entries", {"ordering": "object_repr"}).status_code == 422


# --------------------------------------------------------------------------- outbox
def _event(company, *, status=EventStatus.FAILED, event_type="tests.ThingHappened"):
    return OutboxEvent.objects.create(
        event_type=event_type, company=company, status=status, payload={"n": 1}, attempts=3, last_error="boom"
    )


def test_outbox_events_of_own_companies_only(make_user, home_and_away, token_client):
    home, away = home_and_away
    mine, theirs = _event(home), _event(away)
    client = token_client(make_user(company=home, roles=(Role.IT,)))

    body = client.get("/outbox/events").json()
    assert [item["id"] for item in body["items"]] == [mine.pk]
    assert client.get(f"/outbox/events/{mine.pk}").status_code == 200
    assert client.get(f"/outbox/events/{theirs.pk}").status_code == 404


def test_outbox_event_detail_has_payload_and_deliveries(make_user, company, token_client):
    event = _event(company)
    body = token_client(make_user(company=company, roles=(Role.IT,))).get(f"/outbox/events/{event.pk}").json()
    assert body["payload"] == {"n": 1}
    assert body["deliveries"] == []
    assert body["last_error"] == "boom"


def test_outbox_filters(make_user, company, token_client):
    failed = _event(company, status=EventStatus.FAILED, event_type="tests.A")
    _event(company, status=EventStatus.PENDING, event_type="tests.B")
    client = token_client(make_user(company=company, roles=(Role.IT,)))
    assert [i["id"] for i in client.get("/outbox/events", {"status": "failed"}).json()["items"]] == [
        failed.pk
    ]
    assert [i["id"] for i in client.get("/outbox/events", {"event_type": "tests.A"}).json()["items"]] == [
        failed.pk
    ]
    assert client.get("/outbox/events", {"status": "exploded"}).status_code == 422


def test_outbox_needs_outbox_view(make_user, company, token_client):
    event = _event(company)
    client = token_client(make_user(company=company, roles=(Role.SALES,)))
    listed = client.get("/outbox/events")
    assert listed.status_code == 403
    assert "outbox.view" in error_of(listed)["message"]
    assert client.get(f"/outbox/events/{event.pk}").status_code == 403


def test_outbox_replay(make_user, company, token_client):
    event = _event(company)
    user = make_user(company=company, roles=(Role.IT,))
    response = token_client(user).post(f"/outbox/events/{event.pk}/replay")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pending"
    event.refresh_from_db()
    assert (event.status, event.attempts, event.replays) == (EventStatus.PENDING, 0, 1)
    assert AuditEntry.objects.filter(action=AuditAction.REPLAY, object_id=str(event.pk), actor=user).exists()


def test_outbox_replay_needs_the_permission(make_user, company, token_client):
    event = _event(company)
    response = token_client(make_user(company=company, roles=(Role.MANAGER,))).post(
        f"/outbox/events/{event.pk}/replay"
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.replays == 0


def test_outbox_replay_of_another_companys_event_is_404(make_user, home_and_away, token_client):
    home, away = home_and_away
    event = _event(away)
    response = token_client(make_user(company=home, roles=(Role.IT,))).post(
        f"/outbox/events/{event.pk}/replay"
    )
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.replays == 0


def test_outbox_replay_of_a_leased_event_is_409(make_user, company, token_client):
    event = _event(company, status=EventStatus.PENDING)
    OutboxEvent.objects.filter(pk=event.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
    response = token_client(make_user(company=company, roles=(Role.IT,))).post(
        f"/outbox/events/{event.pk}/replay"
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "outbox_replay_refused"
