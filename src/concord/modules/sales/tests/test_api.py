"""The sales API: quotations, orders and their actions, price lists, error codes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from concord.core.identity.roles import Role
from concord.core.outbox.facade import dispatch_pending

pytestmark = pytest.mark.django_db

API = "/api/v1/sales"


@pytest.fixture
def api(client):
    def sign_in(user):
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in


def post(client, path, body=None):
    return client.post(API + path, json.dumps(body or {}), content_type="application/json")


def test_a_quote_becomes_an_order_through_the_api(api, seller, customer, wok, install, stock):
    stock(wok, 2)
    client = api(seller)
    created = post(
        client,
        "/quotes",
        {
            "partner_id": customer.pk,
            "lines": [{"product_id": wok.pk, "quantity": "3"}, {"product_id": install.pk, "quantity": "1"}],
        },
    )
    assert created.status_code == 201, created.content
    quote = created.json()
    assert quote["state"] == "draft"
    assert Decimal(quote["amount_total"]) == Decimal("4815.00")
    patched = client.patch(
        f"{API}/quotes/{quote['id']}",
        json.dumps({"lines": [{"product_id": wok.pk, "quantity": "3"}]}),
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert len(patched.json()["lines"]) == 1
    assert (
        post(client, f"/orders/{quote['id']}/send", {"to": ["buyer@cpf.example"]}).json()["state"] == "sent"
    )
    short = post(client, f"/orders/{quote['id']}/confirm")
    assert short.status_code == 409
    assert "Only 2" in short.json()["error"]["message"]
    confirmed = post(client, f"/orders/{quote['id']}/confirm", {"allow_backorder": True})
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "sale"
    again = post(client, f"/orders/{quote['id']}/confirm", {"allow_backorder": True})
    assert again.json()["order_number"] == confirmed.json()["order_number"]
    assert client.get(f"{API}/orders?state=sale").json()["count"] == 1
    assert client.get(f"{API}/quotes").json()["count"] == 0
    late = client.patch(
        f"{API}/orders/{quote['id']}", json.dumps({"customer_ref": "x"}), content_type="application/json"
    )
    assert late.status_code == 409
    assert post(client, f"/orders/{quote['id']}/invoice").status_code == 422  # nothing delivered yet
    assert post(client, f"/orders/{quote['id']}/cancel", {"reason": "test"}).json()["state"] == "cancelled"
    assert post(client, f"/orders/{quote['id']}/cancel").status_code == 409
    dispatch_pending()


def test_errors_name_the_field_and_other_companies_are_404(
    api, seller, make_company, make_user, customer, wok, make_quote
):
    client = api(seller)
    bad = post(
        client, "/quotes", {"partner_id": customer.pk, "lines": [{"product_id": wok.pk, "quantity": "-1"}]}
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"]
    typo = post(client, "/quotes", {"partner_id": customer.pk, "lines": [], "colour": "red"})
    assert typo.status_code == 422
    assert post(client, "/orders/999999/confirm").status_code == 404
    quote = make_quote((wok, 1))
    other = make_company(name="Other Co", code="other")
    outsider = make_user(company=other, roles=(Role.MANAGER,), username="outsider")
    client = api(outsider)
    assert client.get(f"{API}/orders/{quote.pk}").status_code == 404
    assert post(client, f"/orders/{quote.pk}/confirm").status_code == 404
    assert client.get(f"{API}/orders").json()["count"] == 0


def test_price_lists_through_the_api(api, manager, customer, wok):
    client = api(manager)
    created = post(
        client, "/pricelists", {"name": "Wholesale", "items": [{"product_id": wok.pk, "fixed_price": "800"}]}
    )
    assert created.status_code == 201, created.content
    pricelist = created.json()
    assert pricelist["currency"] == "THB"
    assert len(pricelist["items"]) == 1
    quote = post(
        client,
        "/quotes",
        {
            "partner_id": customer.pk,
            "pricelist_id": pricelist["id"],
            "lines": [{"product_id": wok.pk, "quantity": "1"}],
        },
    ).json()
    assert Decimal(quote["lines"][0]["unit_price"]) == 800
    bad = client.patch(
        f"{API}/pricelists/{pricelist['id']}",
        json.dumps({"items": [{"product_id": wok.pk, "discount_percent": "120"}]}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert client.get(f"{API}/pricelists").json()["count"] == 1
