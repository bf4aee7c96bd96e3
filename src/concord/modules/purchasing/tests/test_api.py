"""The purchasing API: price lists, orders and their actions, error codes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from concord.core.identity.roles import Role
from concord.modules.inventory.facade import transfer_validate
from concord.modules.purchasing.models import OrderState
from concord.modules.purchasing.queries import order_transfers

pytestmark = pytest.mark.django_db

API = "/api/v1/purchasing"


@pytest.fixture
def api(client):
    def sign_in(user):
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in


def post(client, path, body=None):
    return client.post(API + path, json.dumps(body or {}), content_type="application/json")


def test_an_order_goes_from_rfq_to_billed_through_the_api(api, buyer, vendor, wok):
    client = api(buyer)
    created = post(
        client, "/orders", {"vendor_id": vendor.pk, "lines": [{"product_id": wok.pk, "quantity": "5"}]}
    )
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["state"] == "rfq"
    assert Decimal(order["lines"][0]["unit_price"]) == 200

    sent = post(client, f"/orders/{order['id']}/send", {"to": ["sales@isan.example"]})
    assert sent.json()["state"] == "sent"
    confirmed = post(client, f"/orders/{order['id']}/confirm")
    assert confirmed.status_code == 200
    assert (
        post(client, f"/orders/{order['id']}/confirm").json()["state"] == "purchase"
    )  # retried: same answer

    from concord.modules.purchasing.models import PurchaseOrder

    (receipt,) = order_transfers(PurchaseOrder.objects.get(pk=order["id"]))
    transfer_validate(receipt.id, by=buyer)
    detail = client.get(f"{API}/orders/{order['id']}").json()
    assert Decimal(detail["lines"][0]["received_quantity"]) == 5
    assert detail["match_status"] == "to_bill"

    billed = post(client, f"/orders/{order['id']}/bill")
    assert billed.status_code == 201, billed.content
    assert len(billed.json()["bill_ids"]) == 1
    assert billed.json()["state"] == OrderState.DONE
    again = post(client, f"/orders/{order['id']}/bill")
    assert again.status_code == 409


def test_over_billing_is_a_422_naming_the_field(api, buyer, make_order, wok):
    order = make_order((wok, 5, "200"))
    client = api(buyer)
    post(client, f"/orders/{order.pk}/confirm")
    line_id = client.get(f"{API}/orders/{order.pk}").json()["lines"][0]["id"]

    refused = post(client, f"/orders/{order.pk}/bill", {"quantities": {str(line_id): "2"}})
    assert refused.status_code == 422
    assert "quantities" in refused.json()["error"]["fields"]
    forced = post(client, f"/orders/{order.pk}/bill", {"quantities": {str(line_id): "2"}, "force": True})
    assert forced.status_code == 201
    assert forced.json()["match_status"] == "over_billed"


def test_bad_input_is_a_422_naming_the_field(api, buyer, vendor, wok):
    client = api(buyer)
    zero = post(
        client, "/orders", {"vendor_id": vendor.pk, "lines": [{"product_id": wok.pk, "quantity": "0"}]}
    )
    assert zero.status_code == 422
    assert "lines" in zero.json()["error"]["fields"]
    unknown = post(client, "/orders", {"vendor_id": vendor.pk, "lines": [], "colour": "red"})
    assert unknown.status_code == 422


def test_wrong_state_is_a_409_and_approval_needs_a_manager(api, books, buyer, manager, *, make_order, wok):
    from concord.modules.purchasing.services.settings import purchasing_settings_update

    purchasing_settings_update(company=books, approval_amount=Decimal(100), by=manager)
    order = make_order((wok, 5, "200"))
    client = api(buyer)
    assert post(client, f"/orders/{order.pk}/approve").status_code == 403
    assert post(client, f"/orders/{order.pk}/confirm").json()["state"] == "to_approve"
    assert (
        client.patch(
            f"{API}/orders/{order.pk}", json.dumps({"notes": "x"}), content_type="application/json"
        ).status_code
        == 409
    )

    client = api(manager)
    assert post(client, f"/orders/{order.pk}/approve").json()["state"] == "purchase"
    assert post(client, f"/orders/{order.pk}/cancel").json()["state"] == "cancelled"


def test_another_companys_orders_are_not_found(
    api, make_company, make_user, *, make_partner, make_product, make_order, wok
):
    from concord.modules.purchasing.services.orders import OrderLineInput, order_create

    other = make_company(name="Lanna Goods", code="lanna")
    stranger = make_user(company=other, roles=(Role.MANAGER,), username="lanna")
    theirs = order_create(
        company=other,
        vendor_id=make_partner(other, "Doi Supplies").pk,
        lines=[
            OrderLineInput(
                product_id=make_product(other, "Teak").pk, quantity=Decimal(1), unit_price=Decimal(1)
            )
        ],
        by=None,
    )
    ours = make_order((wok, 1))
    client = api(stranger)
    assert client.get(f"{API}/orders/{ours.pk}").status_code == 404
    assert post(client, f"/orders/{ours.pk}/confirm").status_code == 404
    listed = client.get(f"{API}/orders").json()
    assert [row["id"] for row in listed["items"]] == [theirs.pk]


def test_vendor_prices_crud_and_filters(api, buyer, vendor, wok):
    client = api(buyer)
    created = post(
        client,
        "/vendor-prices",
        {"vendor_id": vendor.pk, "product_id": wok.pk, "price": "180", "lead_time_days": 4},
    )
    assert created.status_code == 201, created.content
    price_id = created.json()["id"]
    changed = client.patch(
        f"{API}/vendor-prices/{price_id}", json.dumps({"price": "170"}), content_type="application/json"
    )
    assert Decimal(changed.json()["price"]) == 170
    listed = client.get(f"{API}/vendor-prices?product_id={wok.pk}").json()
    assert [row["id"] for row in listed["items"]] == [price_id]
    bad = post(client, "/vendor-prices", {"vendor_id": vendor.pk, "product_id": wok.pk, "price": "-1"})
    assert bad.status_code == 422
    assert "price" in bad.json()["error"]["fields"]
    assert client.delete(f"{API}/vendor-prices/{price_id}").status_code == 204


def test_the_orders_list_filters_by_state(api, buyer, make_order, wok):
    first = make_order((wok, 1))
    second = make_order((wok, 2))
    client = api(buyer)
    post(client, f"/orders/{second.pk}/confirm")
    rows = client.get(f"{API}/orders?state=rfq").json()["items"]
    assert [row["id"] for row in rows] == [first.pk]
