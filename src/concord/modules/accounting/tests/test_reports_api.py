"""The reports API: the selectors' numbers as JSON, 422 for bad filters, 403 without the permission,
404 for another company or its partner."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from concord.core.identity.roles import Role
from concord.modules.accounting.models import Invoice
from concord.modules.accounting.reports import queries

from .test_reports_scenario import AS_OF, EXPECTED, YEAR_START, Scenario, build_scenario

pytestmark = pytest.mark.django_db

API = "/api/v1/accounting/reports"
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}
ENDPOINTS = {
    "trial-balance": PERIOD,
    "general-ledger": PERIOD,
    "profit-and-loss": PERIOD,
    "balance-sheet": {"as_of": "2026-06-30"},
    "aged-receivable": {"as_of": "2026-06-30"},
    "aged-payable": {"as_of": "2026-06-30"},
    "vat": PERIOD,
    "cash-flow": PERIOD,
}


@pytest.fixture
def scenario(books, customer, vendor, accountant, make_company, make_partner) -> Scenario:
    return build_scenario(
        books=books,
        customer=customer,
        vendor=vendor,
        accountant=accountant,
        make_company=make_company,
        make_partner=make_partner,
    )


@pytest.fixture
def api(client: Client, scenario: Scenario) -> Client:
    client.force_login(scenario.accountant, backend="concord.core.identity.backends.RoleBackend")
    return client


def _get(client: Client, path: str, **params: Any):
    return client.get(f"{API}/{path}", params)


@pytest.mark.parametrize("path", list(ENDPOINTS))
def test_every_endpoint_answers(api, path):
    response = _get(api, path, **ENDPOINTS[path])
    assert response.status_code == 200, response.content
    assert response.json()["currency"] == "THB"


def test_the_api_returns_the_selectors_numbers(api, scenario):
    trial = _get(api, "trial-balance", **PERIOD).json()
    assert trial["is_balanced"] is True
    assert Decimal(trial["debit"]) == Decimal(trial["credit"]) == EXPECTED["tb_period_debit"]
    bank = next(row for row in trial["rows"] if row["code"] == "1120")
    assert (bank["opening"], bank["closing"]) == ("55000.00", "86432.00")

    sheet = _get(api, "balance-sheet", as_of="2026-06-30").json()
    pnl = _get(api, "profit-and-loss", **PERIOD).json()
    assert sheet["is_balanced"] is True
    assert Decimal(sheet["total_assets"]) == EXPECTED["total_assets"]
    assert sheet["current_year_earnings"] == pnl["net_profit"] == "-7100.00"
    assert pnl["income"]["label"] == "Operating income"

    aged = _get(api, "aged-receivable", as_of="2026-06-30").json()
    expected = queries.aged_balances(company=scenario.company, as_of=AS_OF)
    assert [(row["partner_id"], row["amounts"]["total"]) for row in aged["rows"]] == [
        (row.partner_id, str(row.amounts.total)) for row in expected.rows
    ]
    assert aged["totals"]["over_120"] == "535.00"
    assert aged["buckets"]["days_1_30"] == "1-30 days"

    vat = _get(api, "vat", **PERIOD).json()
    assert (vat["output_tax"], vat["input_tax"], vat["net_vat"]) == ("553.00", "1050.00", "-497.00")
    assert vat["withholding"][0]["from_suppliers_amount"] == "300.00"

    flow = _get(api, "cash-flow", **PERIOD).json()
    assert flow["reconciles"] is True
    assert flow["net_change"] == flow["cash_change"] == "31432.00"
    assert flow["operating"][0] == {
        "key": "depreciation",
        "label": "Depreciation added back",
        "amount": "1000.00",
    }


def test_ledgers_page_through_lines(api, scenario):
    bank = queries.trial_balance(company=scenario.company, date_from=YEAR_START, date_to=AS_OF).rows[2]
    assert bank.code == "1120"
    page = _get(api, "general-ledger", account_ids=[bank.account_id], limit=2, offset=2, **PERIOD).json()
    assert page["has_more"] is True
    assert [line["balance"] for line in page["accounts"][0]["lines"]] == ["95832.00", "85432.00"]
    ledger = _get(api, "partner-ledger", partner_id=scenario.customer.pk, **PERIOD).json()
    assert (ledger["partner_name"], ledger["closing"], len(ledger["lines"])) == (
        "Chao Phraya Foods Co., Ltd.",
        "2745.00",
        7,
    )


def test_bad_filters_are_422_naming_the_field(api):
    backwards = _get(api, "trial-balance", date_from="2026-06-30", date_to="2026-01-01")
    assert backwards.status_code == 422
    assert backwards.json()["error"]["fields"] == {
        "date_from": ["The start date must be on or before the end date."]
    }
    malformed = _get(api, "profit-and-loss", date_from="soon", date_to="2026-01-01")
    assert malformed.status_code == 422
    assert "date_from" in malformed.json()["error"]["fields"]
    missing = _get(api, "vat", date_to="2026-01-01")
    assert missing.status_code == 422
    too_many = _get(api, "general-ledger", limit=10**6, **PERIOD)
    assert too_many.status_code == 422
    assert "limit" in too_many.json()["error"]["fields"]


def test_another_companys_books_are_not_found(api, scenario):
    other = _get(api, "trial-balance", company_id=scenario.other.pk, **PERIOD)
    assert other.status_code == 404
    assert other.json()["error"]["fields"] == {"company_id": ["There is no such company."]}
    stranger = Invoice.objects.get(company=scenario.other).partner_id
    response = _get(api, "partner-ledger", partner_id=stranger, **PERIOD)
    assert response.status_code == 404
    own = _get(api, "trial-balance", company_id=scenario.company.pk, **PERIOD)
    assert own.status_code == 200


def test_without_the_permission_the_api_says_403(client, scenario, make_user):
    seller = make_user(company=scenario.company, roles=(Role.SALES,), username="somchai")
    client.force_login(seller, backend="concord.core.identity.backends.RoleBackend")
    for path, params in ENDPOINTS.items():
        response = _get(client, path, **params)
        assert response.status_code == 403, path
        assert "accounting.reports" in response.json()["error"]["message"]
    client.logout()
    assert _get(client, "trial-balance", **PERIOD).status_code == 401


def test_the_endpoints_are_documented(api):
    schema = api.get("/api/v1/openapi.json").json()
    for path in (*ENDPOINTS, "partner-ledger"):
        assert f"{API}/{path}" in schema["paths"]
    assert "TrialBalanceOut" in schema["components"]["schemas"]
