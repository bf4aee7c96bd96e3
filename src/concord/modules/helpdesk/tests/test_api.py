"""The helpdesk API: a bridge posts a ticket and messages; assign, status, merge, rate; errors."""

from __future__ import annotations

import json

import pytest

from concord.modules.helpdesk.models import Ticket
from concord.modules.helpdesk.services import tickets as svc

pytestmark = pytest.mark.django_db

API = "/api/v1/helpdesk"


def post(client, path, body=None):
    return client.post(API + path, json.dumps(body or {}), content_type="application/json")


def test_a_bridge_posts_a_ticket_and_agents_work_it(
    signed_in, company, team, agent, manager, customer, make_company
):
    client = signed_in(agent)
    created = post(
        client,
        "/tickets",
        {
            "channel": "api",
            "phone": "0812345678",
            "name": "Nok",
            "subject": "LINE: where is my order?",
            "message": "Order SO/2026/00007",
        },
    )
    assert created.status_code == 201, created.content
    ticket = created.json()
    assert ticket["party_id"] == customer.pk
    assert ticket["channel"] == "api"
    assert ticket["messages"][0]["kind"] == "customer"
    tid = ticket["id"]
    assert post(client, f"/tickets/{tid}/messages", {"kind": "reply", "text": "Tomorrow"}).status_code == 201
    assert post(client, f"/tickets/{tid}/messages", {"kind": "customer", "text": "ok"}).status_code == 201
    assigned = post(client, f"/tickets/{tid}/assign", {"assignee_id": manager.pk})
    assert assigned.json()["assignee_id"] == manager.pk
    resolved = post(client, f"/tickets/{tid}/status", {"status": "resolved"})
    assert resolved.json()["status"] == "resolved"
    token = Ticket.objects.get(pk=tid).rating_token
    assert post(client, f"/tickets/{tid}/rate", {"token": token, "rating": 5}).json()["rating"] == 5
    listed = client.get(API + "/tickets?status=resolved").json()
    assert [row["id"] for row in listed["items"]] == [tid]
    assert client.get(API + "/teams").json()["items"][0]["name"] == team.name
    # errors: 422 naming the field, 404 for another company's ticket, 409 on a closed one
    bad = post(client, "/tickets", {"message": "x", "priority": "whenever"})
    assert bad.status_code == 422
    assert "priority" in json.dumps(bad.json())
    foreign = svc.ticket_open(
        company=make_company(name="Else"), subject="s", message="m", channel="api", by=None
    )
    assert client.get(f"{API}/tickets/{foreign.pk}").status_code == 404
    merge = post(client, f"/tickets/{tid}/merge", {"survivor_id": foreign.pk})
    assert merge.status_code == 422
    assert merge.json()["error"]["fields"]
    post(client, f"/tickets/{tid}/status", {"status": "closed"})
    assert post(client, f"/tickets/{tid}/status", {"status": "open"}).status_code == 409


def test_a_ticket_links_an_invoice_of_its_company_and_refuses_anything_else(
    signed_in, company, team, agent, customer, make_books
):
    from decimal import Decimal

    from concord.modules.accounting import facade as accounting

    make_books(company)
    invoice = accounting.invoice_create_from_lines(
        company_id=company.pk,
        kind="out_invoice",
        partner_id=customer.pk,
        lines=[
            accounting.InvoiceLineInput(description="Repair", quantity=Decimal(1), unit_price=Decimal(500))
        ],
        by=None,
        post=True,
    )
    ticket = svc.ticket_open(
        company=company, subject="Invoice question", message="?", channel="api", by=None, party_id=customer.pk
    )
    client = signed_in(agent)

    linked = post(client, f"/tickets/{ticket.pk}/link", {"invoice_id": invoice.id})
    assert linked.status_code == 200, linked.content
    assert (linked.json()["invoice_id"], linked.json()["invoice_label"]) == (invoice.id, invoice.number)

    missing = post(client, f"/tickets/{ticket.pk}/link", {"sales_order_id": 999_999})
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"].keys() == {"sales_order_id"}
    assert post(client, f"/tickets/{ticket.pk}/link", {"invoice_id": invoice.id + 1000}).status_code == 422
    ticket.refresh_from_db()
    assert ticket.invoice_id == invoice.id  # a refused link changed nothing
