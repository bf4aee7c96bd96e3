"""The money API: exchange rates per date (list, set) and conversion at a company's rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from concord.core.api.tests.helpers import ApiClient, error_of
from concord.core.identity.roles import Role
from concord.core.money.models import ExchangeRate
from concord.core.money.services import exchange_rate_set

pytestmark = pytest.mark.django_db

D1 = dt.date(2026, 11, 1)
D2 = dt.date(2026, 11, 20)


@pytest.fixture
def accountant(company, make_user):
    return make_user(company=company, roles=(Role.ACCOUNTANT,))


@pytest.fixture
def api():
    def make(user) -> ApiClient:
        client = Client()
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return ApiClient(client)

    return make


@pytest.fixture
def rates(company, accountant):
    """A Thai company (THB) with USD and KHR rates."""
    exchange_rate_set(company=company, currency="USD", rate_date=D1, rate="36.00", by=accountant)
    exchange_rate_set(company=company, currency="USD", rate_date=D2, rate="35.50", by=accountant)
    exchange_rate_set(company=company, currency="KHR", rate_date=D1, rate="0.0088", by=accountant)
    return company


def test_list_filters_by_currency_and_date_and_hides_other_companies(api, rates, accountant, make_company):
    other = make_company(currency="USD")
    exchange_rate_set(company=other, currency="EUR", rate_date=D1, rate="1.1", by=None)
    client = api(accountant)
    listed = client.get("/money/rates")
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 3
    assert [(r["currency"], r["rate_date"], r["rate"]) for r in body["items"]] == [
        ("KHR", "2026-11-01", "0.0088"),
        ("USD", "2026-11-20", "35.5"),
        ("USD", "2026-11-01", "36"),
    ]
    assert body["items"][0]["company_currency"] == "THB"
    assert client.get("/money/rates", {"currency": "usd"}).json()["count"] == 2
    assert client.get("/money/rates", {"date_from": "2026-11-02"}).json()["count"] == 1
    assert client.get("/money/rates", {"date_to": "2026-11-01", "currency": "USD"}).json()["count"] == 1
    assert (
        client.get("/money/rates", {"ordering": "-rate_date"}).json()["items"][0]["rate_date"] == "2026-11-20"
    )
    assert client.get("/money/rates", {"company_id": other.pk}).json()["count"] == 0


def test_set_creates_then_replaces_the_days_rate(api, company, accountant):
    client = api(accountant)
    created = client.post("/money/rates", {"currency": "usd", "rate_date": "2026-11-24", "rate": "36.45"})
    assert created.status_code == 200, created.content
    assert (created.json()["currency"], created.json()["rate"], created.json()["source"]) == (
        "USD",
        "36.45",
        "manual",
    )
    assert created.json()["set_by_id"] == accountant.pk
    replaced = client.post("/money/rates", {"currency": "USD", "rate_date": "2026-11-24", "rate": "36.5"})
    assert replaced.json()["id"] == created.json()["id"]
    assert ExchangeRate.objects.get().rate == 36.5


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"currency": "THB", "rate_date": "2026-11-24", "rate": "1"}, "currency", "invalid_currency"),
        ({"currency": "XYZ", "rate_date": "2026-11-24", "rate": "1"}, "currency", "invalid_currency"),
        ({"currency": "USD", "rate_date": "2026-11-24", "rate": "0"}, "rate", "invalid_amount"),
        ({"currency": "USD", "rate_date": "24/11/2026", "rate": "36"}, "rate_date", "validation_failed"),
        (
            {"currency": "USD", "rate_date": "2026-11-24", "rate": "36", "note": "x"},
            "note",
            "validation_failed",
        ),
    ],
)
def test_bad_rates_are_a_422_naming_the_field(api, accountant, body: dict[str, Any], field, code):
    response = api(accountant).post("/money/rates", body)
    assert response.status_code == 422
    error = error_of(response)
    assert (list(error["fields"]), error["code"]) == ([field], code)
    assert not ExchangeRate.objects.exists()


def test_viewing_and_setting_need_their_permissions(api, company, rates, make_user):
    seller = make_user(company=company, roles=(Role.SALES,))  # currencies.view only
    client = api(seller)
    assert client.get("/money/rates").json()["count"] == 3
    refused = client.post("/money/rates", {"currency": "USD", "rate_date": "2026-11-24", "rate": "36"})
    assert refused.status_code == 403
    assert "currencies.add" in error_of(refused)["message"]
    support = make_user(company=company, roles=(Role.SUPPORT,))  # no currency permission at all
    assert api(support).get("/money/rates").status_code == 403
    assert ApiClient(Client()).get("/money/rates").status_code == 401


def test_convert_uses_the_latest_rate_on_or_before_the_date(api, rates, accountant):
    client = api(accountant)

    def converted(**params: Any) -> dict[str, Any]:
        response = client.get("/money/rates/convert", params)
        assert response.status_code == 200, response.content
        return dict(response.json())

    body = converted(amount="100", **{"from": "USD", "to": "THB", "date": "2026-11-19"})
    assert (body["amount"], body["currency"], body["original_amount"], body["date"]) == (
        "3600.00",
        "THB",
        "100",
        "2026-11-19",
    )
    assert (
        converted(amount="100", **{"from": "usd", "to": "THB", "date": "2026-11-20"})["amount"] == "3550.00"
    )
    assert (
        converted(amount="3550", **{"from": "THB", "to": "USD", "date": "2026-11-20"})["amount"] == "100.00"
    )
    # across two foreign currencies through baht, rounded to whole riel: 10 x 36 / 0.0088 = 40909.09
    assert converted(amount="10", **{"from": "USD", "to": "KHR", "date": "2026-11-01"})["amount"] == "40909"

    missing = client.get(
        "/money/rates/convert", {"amount": "1", "from": "EUR", "to": "THB", "date": "2026-11-20"}
    )
    assert missing.status_code == 404
    assert (error_of(missing)["code"], list(error_of(missing)["fields"])) == (
        "no_exchange_rate",
        ["currency"],
    )
    too_early = client.get(
        "/money/rates/convert", {"amount": "1", "from": "USD", "to": "THB", "date": "2026-10-31"}
    )
    assert too_early.status_code == 404
    unknown = client.get("/money/rates/convert", {"amount": "1", "from": "ABC", "to": "THB"})
    assert unknown.status_code == 422
    assert list(error_of(unknown)["fields"]) == ["from"]


def test_openapi_lists_the_money_paths(api, accountant):
    paths = set(api(accountant).get("/openapi.json").json()["paths"])
    assert {"/api/v1/money/rates", "/api/v1/money/rates/convert"} <= paths
