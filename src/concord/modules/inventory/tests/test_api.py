"""The inventory API over HTTP: happy paths, and 422 / 404 / 409 refusals with the common error body."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from concord.core.api.tests.helpers import ApiClient, error_of
from concord.modules.inventory.models import Lot, Transfer
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.setup import product_tracking_set
from concord.modules.inventory.services.transfers import transfer_create

from .conftest import on_hand

pytestmark = pytest.mark.django_db

BASE = "/inventory"


@pytest.fixture
def api(keeper) -> ApiClient:
    client = Client()
    client.force_login(keeper, backend="concord.core.identity.backends.RoleBackend")
    return ApiClient(client)


def _receipt(api, wok, quantity="10", **extra):
    body = {
        "kind": "receipt",
        "lines": [{"product_id": wok.pk, "quantity": quantity, "unit_cost": "200"}],
        **extra,
    }
    return api.post(f"{BASE}/transfers", body)


def test_warehouses_and_locations(api, books, warehouse):
    response = api.post(f"{BASE}/warehouses", {"code": "bkk", "name": "Bangkok DC"})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["code"] == "BKK"
    assert {w["code"] for w in api.get(f"{BASE}/warehouses").json()["items"]} == {"WH", "BKK"}
    response = api.post(f"{BASE}/locations", {"parent_id": created["stock_location_id"], "name": "Shelf 1"})
    assert response.status_code == 201
    assert response.json()["full_name"] == "BKK/Stock/Shelf 1"
    names = [
        loc["full_name"]
        for loc in api.get(f"{BASE}/locations", {"warehouse_id": created["id"]}).json()["items"]
    ]
    assert "BKK/Stock/Shelf 1" in names
    response = api.post(f"{BASE}/warehouses", {"code": "BKK", "name": "Twice"})
    assert response.status_code == 422
    assert "code" in error_of(response)["fields"]
    response = api.post(f"{BASE}/warehouses", {"code": "X", "name": "Y", "colour": "red"})
    assert response.status_code == 422


def test_receipt_then_delivery_through_the_api(api, books, warehouse, wok, customer):
    response = _receipt(api, wok)
    assert response.status_code == 201, response.json()
    receipt = response.json()
    assert receipt["state"] == "ready"
    assert receipt["number"].startswith("WH/IN/")
    response = api.post(f"{BASE}/transfers/{receipt['id']}/validate", {})
    assert response.status_code == 200
    assert response.json()["state"] == "done"
    quants = api.get(f"{BASE}/quants", {"product": wok.pk}).json()["items"]
    assert [(q["location_name"], Decimal(q["quantity"])) for q in quants] == [("WH/Stock", Decimal(10))]
    response = api.post(
        f"{BASE}/transfers",
        {"kind": "delivery", "partner_id": customer.pk, "lines": [{"product_id": wok.pk, "quantity": "4"}]},
    )
    assert response.status_code == 201
    delivery = response.json()
    assert delivery["state"] == "ready"
    level = api.get(f"{BASE}/stock", {"product": [wok.pk]}).json()
    assert Decimal(level[0]["on_hand"]) == 10
    assert Decimal(level[0]["reserved"]) == 4
    assert Decimal(level[0]["outgoing"]) == 4
    listed = api.get(
        f"{BASE}/transfers", {"kind": "delivery", "partner_id": customer.pk, "product_id": wok.pk}
    ).json()
    assert [t["id"] for t in listed["items"]] == [delivery["id"]]
    move_id = delivery["moves"][0]["id"]
    response = api.post(
        f"{BASE}/transfers/{delivery['id']}/validate", {"quantities": {str(move_id): "3"}, "backorder": True}
    )
    assert response.status_code == 200
    done = response.json()
    assert done["state"] == "done"
    assert len(done["backorder_ids"]) == 1
    assert on_hand(wok) == 7
    assert api.get(f"{BASE}/transfers/{delivery['id']}").json()["moves"][0]["quantity_done"] in (
        "3.0000",
        "3",
    )


def test_refusals_422_404_409(api, books, warehouse, wok, customer, make_company, make_books, make_product):
    response = _receipt(api, wok, quantity="0")
    assert response.status_code == 422
    assert "lines.1.quantity" in error_of(response)["fields"]
    response = api.post(
        f"{BASE}/transfers", {"kind": "delivery", "lines": [{"product_id": wok.pk, "quantity": "5"}]}
    )
    assert response.status_code == 409  # nothing in stock: InsufficientStockError
    assert not Transfer.objects.filter(kind="delivery").exists()
    other = make_books(make_company(name="Mekong Traders", code="mekong"))
    fish = make_product(other, "Fish sauce")
    foreign = transfer_create(
        company=other,
        kind="receipt",
        lines=[StockLine(product_id=fish.pk, quantity=Decimal(1), unit_cost=Decimal(1))],
        by=None,
    )
    assert api.get(f"{BASE}/transfers/{foreign.pk}").status_code == 404
    assert api.post(f"{BASE}/transfers/{foreign.pk}/validate", {}).status_code == 404
    assert api.get(f"{BASE}/stock", {"product": [fish.pk]}).status_code == 422
    response = _receipt(api, wok, warehouse_id=foreign.warehouse_id)
    assert response.status_code == 422
    assert "warehouse_id" in error_of(response)["fields"]
    receipt = _receipt(api, wok).json()
    assert api.post(f"{BASE}/transfers/{receipt['id']}/cancel").json()["state"] == "cancelled"
    response = api.post(f"{BASE}/transfers/{receipt['id']}/validate", {})
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert api.post(f"{BASE}/transfers/{receipt['id']}/reserve").status_code == 409


def test_validate_with_lots_and_trace_the_lot(api, books, warehouse, wok, keeper, customer, vendor):
    product_tracking_set(company=books, product_id=wok.pk, tracking="lot", by=keeper)
    receipt = _receipt(api, wok, quantity="5", partner_id=vendor.pk).json()
    move_id = receipt["moves"][0]["id"]
    response = api.post(f"{BASE}/transfers/{receipt['id']}/validate", {})
    assert response.status_code == 422  # a tracked product needs its lot
    response = api.post(
        f"{BASE}/transfers/{receipt['id']}/validate",
        {"lots": {str(move_id): [{"name": "L-7", "quantity": "5"}]}},
    )
    assert response.status_code == 200, response.json()
    lot = Lot.objects.get(name="L-7")
    trace = api.get(f"{BASE}/lots/{lot.pk}/trace").json()
    assert [(line["direction"], line["partner_name"]) for line in trace["lines"]] == [("in", vendor.name)]


def test_counts_through_the_api(api, books, warehouse, wok):
    _receipt_id = _receipt(api, wok).json()["id"]
    api.post(f"{BASE}/transfers/{_receipt_id}/validate", {})
    response = api.post(f"{BASE}/counts", {"location_id": warehouse.stock_location_id})
    assert response.status_code == 201
    count = response.json()
    line_id = count["lines"][0]["line_id"]
    response = api.post(f"{BASE}/counts/{count['id']}/set", {"counted": {str(line_id): "12"}})
    assert response.json()["lines"][0]["difference"] in ("2", "2.0000")
    assert api.post(f"{BASE}/counts/{count['id']}/set", {"counted": {str(line_id): "-1"}}).status_code == 422
    response = api.post(f"{BASE}/counts/{count['id']}/apply")
    assert response.status_code == 200
    assert response.json()["state"] == "done"
    assert on_hand(wok) == 12
    assert api.post(f"{BASE}/counts/{count['id']}/apply").status_code == 409


def test_reorder_rules_crud_run_and_valuation(api, books, warehouse, wok):
    body = {"product_id": wok.pk, "min_quantity": "5", "max_quantity": "20"}
    response = api.post(f"{BASE}/reorder/rules", body)
    assert response.status_code == 201
    rule = response.json()
    assert rule["suggestion"]["suggested_min"] in ("0", "0.0000")
    assert api.post(f"{BASE}/reorder/rules", body).status_code == 422
    response = (
        api.put(f"{BASE}/reorder/rules/{rule['id']}", {**body, "max_quantity": "4"})
        if hasattr(api, "put")
        else api.send("PUT", f"{BASE}/reorder/rules/{rule['id']}", {**body, "max_quantity": "4"})
    )
    assert response.status_code == 422
    assert "max_quantity" in error_of(response)["fields"]
    response = api.send("PUT", f"{BASE}/reorder/rules/{rule['id']}", {**body, "max_quantity": "30"})
    assert response.status_code == 200
    assert response.json()["max_quantity"] in ("30", "30.0000")
    assert len(api.get(f"{BASE}/reorder/rules").json()["items"]) == 1
    assert api.get(f"{BASE}/reorder/rules/{rule['id']}").status_code == 200
    assert api.post(f"{BASE}/reorder/run").json() == {"below_minimum": 1}
    receipt = _receipt(api, wok).json()
    api.post(f"{BASE}/transfers/{receipt['id']}/validate", {})
    report = api.get(f"{BASE}/valuation").json()
    assert Decimal(report["total_value"]) == Decimal("2000")
    assert Decimal(report["ledger_balance"]) == Decimal("2000")
    assert Decimal(report["difference"]) == 0
