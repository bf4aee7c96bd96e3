"""The CRM API: leads with qualify/disqualify, opportunities with move/won/lost/reopen, pipelines, errors."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

API = "/api/v1/crm"


@pytest.fixture
def api(client):
    def sign_in(user):
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in


def post(client, path, body=None):
    return client.post(API + path, json.dumps(body or {}), content_type="application/json")


def patch(client, path, body):
    return client.patch(API + path, json.dumps(body), content_type="application/json")


def test_a_lead_becomes_a_won_opportunity_through_the_api(api, seller, customer):
    client = api(seller)
    created = post(
        client,
        "/leads",
        {"title": "Woks", "organization_name": "Chao Phraya Foods Co., Ltd.", "email": "W@cpf.example"},
    )
    assert created.status_code == 201, created.content
    lead = created.json()
    assert lead["source"] == "api"
    assert lead["email"] == "w@cpf.example"
    assert patch(client, f"/leads/{lead['id']}", {"notes": "Call Monday"}).json()["notes"] == "Call Monday"
    assert client.get(API + "/leads?status=new").json()["count"] == 1

    asked = post(client, f"/leads/{lead['id']}/qualify")
    assert asked.status_code == 409
    assert asked.json()["error"]["duplicates"][0]["id"] == customer.pk
    qualified = post(
        client, f"/leads/{lead['id']}/qualify", {"party_id": customer.pk, "expected_revenue": "9000"}
    )
    assert qualified.status_code == 200, qualified.content
    opportunity = qualified.json()
    assert opportunity["party_id"] == customer.pk
    assert opportunity["probability"] == 10
    assert post(client, f"/leads/{lead['id']}/qualify").json()["id"] == opportunity["id"]  # idempotent

    stages = client.get(API + f"/stages?pipeline_id={opportunity['pipeline_id']}").json()["items"]
    assert [stage["name"] for stage in stages][-1] == "Won"
    moved = post(
        client, f"/opportunities/{opportunity['id']}/move", {"stage_id": stages[2]["id"], "position": 0}
    )
    assert moved.status_code == 200
    assert moved.json()["probability"] == 60
    won = post(client, f"/opportunities/{opportunity['id']}/won")
    assert won.json()["status"] == "won"
    assert post(client, f"/opportunities/{opportunity['id']}/lost", {"reason": "x"}).status_code == 409
    assert post(client, f"/opportunities/{opportunity['id']}/reopen").json()["status"] == "open"
    lost = post(client, f"/opportunities/{opportunity['id']}/lost", {"reason": "Budget cut"})
    assert lost.json()["status"] == "lost"
    assert lost.json()["lost_note"] == "Budget cut"
    assert client.get(API + "/pipelines").json()["items"][0]["is_default"] is True


def test_errors_are_422_and_other_companies_are_404(
    api, seller, customer, make_company, make_user, make_opportunity
):
    client = api(seller)
    no_contact = post(client, "/leads", {"title": "Nobody"})
    assert no_contact.status_code == 422
    assert "email" in no_contact.json()["error"]["fields"]
    typo = post(client, "/leads", {"title": "x", "emial": "a@b.example"})
    assert typo.status_code == 422
    bad = post(client, "/opportunities", {"title": "", "party_id": customer.pk, "probability": 300})
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) >= {"title", "probability"}
    created = post(
        client, "/opportunities", {"title": "Kitchen", "party_id": customer.pk, "expected_revenue": "500"}
    )
    assert created.status_code == 201
    deal = created.json()
    assert post(client, f"/opportunities/{deal['id']}/lost", {}).status_code == 422
    assert post(client, f"/opportunities/{deal['id']}/move", {"stage_id": 999999}).status_code == 422
    assert post(client, "/leads/999999/disqualify", {"reason": "x"}).status_code == 404

    other = make_company(name="Other", code="other")
    outsider = make_user(company=other, roles=("sales",), username="outsider")
    client.force_login(outsider, backend="concord.core.identity.backends.RoleBackend")
    assert client.get(API + f"/opportunities/{deal['id']}").status_code == 404
    assert post(client, f"/opportunities/{deal['id']}/won").status_code == 404
    assert client.get(API + "/opportunities").json()["count"] == 0
