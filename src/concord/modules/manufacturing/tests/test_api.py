"""The manufacturing REST API: BOM CRUD and cost, orders with their explicit actions, errors as 4xx."""

from __future__ import annotations

from decimal import Decimal

from concord.core.api.tests.helpers import error_of
from concord.core.identity.roles import Role
from concord.modules.manufacturing.models import BillOfMaterials


def test_bom_crud_and_cost(api, manager, company, products):
    client = api(manager)
    p = products
    created = client.post(
        "/manufacturing/boms",
        {
            "product_id": p["lid"].pk,
            "code": "LID",
            "lines": [
                {"product_id": p["glass"].pk, "quantity": "1"},
                {"product_id": p["knob"].pk, "quantity": "2"},
            ],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["company_id"] == company.pk
    assert [line["product_name"] for line in body["lines"]] == ["Tempered glass disc", "Lid knob"]
    bom_id = body["id"]

    assert client.get(f"/manufacturing/boms/{bom_id}").json()["code"] == "LID"
    listed = client.get("/manufacturing/boms", {"q": "glass lid"})
    assert listed.json()["count"] == 1

    patched = client.patch(
        f"/manufacturing/boms/{bom_id}", {"lines": [{"product_id": p["glass"].pk, "quantity": "1"}]}
    )
    assert patched.status_code == 200, patched.content
    assert len(patched.json()["lines"]) == 1

    cost = client.get(f"/manufacturing/boms/{bom_id}/cost", {"quantity": "3"})
    assert cost.status_code == 200, cost.content
    assert cost.json()["currency"] == "THB"
    assert [row["depth"] for row in cost.json()["rows"]] == [0, 1]

    assert client.delete(f"/manufacturing/boms/{bom_id}").status_code == 204
    assert not BillOfMaterials.objects.filter(pk=bom_id).exists()


def test_bom_errors_name_the_field(api, manager, products, boms):
    client = api(manager)
    p = products
    cycle = client.post(
        "/manufacturing/boms",
        {"product_id": p["knob"].pk, "lines": [{"product_id": p["wok_set"].pk, "quantity": "1"}]},
    )
    assert cycle.status_code == 422
    assert "lines" in error_of(cycle)["fields"]

    zero = client.post(
        "/manufacturing/boms",
        {"product_id": p["glass"].pk, "lines": [{"product_id": p["knob"].pk, "quantity": "0"}]},
    )
    assert zero.status_code == 422

    unknown = client.post("/manufacturing/boms", {"product_id": p["glass"].pk, "lines": [], "colour": "red"})
    assert unknown.status_code == 422


def test_order_lifecycle_through_explicit_actions(api, manager, products, stocked):
    client = api(manager)
    created = client.post("/manufacturing/orders", {"product_id": products["wok_set"].pk, "quantity": "10"})
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["state"] == "draft"
    assert len(order["components"]) == 4

    confirmed = client.post(f"/manufacturing/orders/{order['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["availability"] == "ready"
    again = client.post(f"/manufacturing/orders/{order['id']}/confirm")
    assert again.json()["consume_transfer_id"] == confirmed.json()["consume_transfer_id"]

    listed = client.get("/manufacturing/orders", {"state": "confirmed", "product_id": products["wok_set"].pk})
    assert [row["id"] for row in listed.json()["items"]] == [order["id"]]

    produced = client.post(f"/manufacturing/orders/{order['id']}/produce", {"quantity": "10"})
    assert produced.status_code == 200, produced.content
    assert produced.json()["state"] == "done"
    assert Decimal(produced.json()["value"]) == Decimal(1620)
    assert client.post(f"/manufacturing/orders/{order['id']}/produce").json()["state"] == "done"

    cancelled = client.post(f"/manufacturing/orders/{order['id']}/cancel")
    assert cancelled.status_code == 409
    assert error_of(cancelled)["code"] == "conflict"


def test_cancel_through_the_api_releases(api, manager, products, stocked):
    client = api(manager)
    order = client.post(
        "/manufacturing/orders", {"product_id": products["wok_set"].pk, "quantity": "2", "confirm": True}
    ).json()
    assert order["state"] == "confirmed"
    cancelled = client.post(f"/manufacturing/orders/{order['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    assert all(row["reserved"] == "0" for row in cancelled.json()["component_availability"])


def test_order_errors(api, manager, products, boms):
    client = api(manager)
    zero = client.post("/manufacturing/orders", {"product_id": products["wok_set"].pk, "quantity": "0"})
    assert zero.status_code == 422
    assert "quantity" in error_of(zero)["fields"]
    no_bom = client.post("/manufacturing/orders", {"product_id": products["pan"].pk, "quantity": "1"})
    assert no_bom.status_code == 422
    assert "bom_id" in error_of(no_bom)["fields"]
    wrong_bom = client.post(
        "/manufacturing/orders",
        {"product_id": products["wok_set"].pk, "quantity": "1", "bom_id": boms["lid"].pk},
    )
    assert wrong_bom.status_code == 422
    assert "bom_id" in error_of(wrong_bom)["fields"]


def test_other_companies_rows_are_not_found(api, make_company, make_user, *, manager, products, boms):
    other = make_company(code="other")
    stranger = make_user(company=other, roles=(Role.MANAGER,))
    client = api(stranger)
    assert client.get(f"/manufacturing/boms/{boms['wok'].pk}").status_code == 404
    order = (
        api(manager)
        .post("/manufacturing/orders", {"product_id": products["wok_set"].pk, "quantity": "1"})
        .json()
    )
    assert client.get(f"/manufacturing/orders/{order['id']}").status_code == 404
    assert client.post(f"/manufacturing/orders/{order['id']}/confirm").status_code == 404
    assert client.get("/manufacturing/orders").json()["count"] == 0
    # A product of another company in a body is a 422 on its field.
    foreign = client.post("/manufacturing/orders", {"product_id": products["wok_set"].pk, "quantity": "1"})
    assert foreign.status_code == 422
    assert "product_id" in error_of(foreign)["fields"]


def test_accountant_may_read_but_not_produce(api, make_user, company, *, manager, products, boms):
    accountant = make_user(company=company, roles=(Role.ACCOUNTANT,))
    order = (
        api(manager)
        .post("/manufacturing/orders", {"product_id": products["wok_set"].pk, "quantity": "1"})
        .json()
    )
    client = api(accountant)
    assert client.get(f"/manufacturing/orders/{order['id']}").status_code == 200
    assert client.post(f"/manufacturing/orders/{order['id']}/confirm").status_code == 403
    assert client.post(
        "/manufacturing/boms", {"product_id": products["pan"].pk, "lines": []}
    ).status_code in {403, 422}
