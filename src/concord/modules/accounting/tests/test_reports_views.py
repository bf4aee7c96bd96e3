"""The report screens: filters, figures, exports (CSV, XLSX, PDF), form errors, permissions, companies."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from concord.core.identity.roles import Role
from concord.core.registry import registry
from concord.core.web.testing import unlabelled_fields
from concord.modules.accounting.reports import views

from .test_reports_scenario import Scenario, build_scenario

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}
AS_OF = {"as_of": "2026-06-30"}
SCREENS = {
    "report-trial-balance": (PERIOD, "199,487.00"),
    "report-general-ledger": (PERIOD, "155,000.00"),
    "report-pnl": (PERIOD, "-7,100.00"),
    "report-balance-sheet": (AS_OF, "154,103.00"),
    "report-aged-receivable": (AS_OF, "7,597.00"),
    "report-aged-payable": (AS_OF, "5,350.00"),
    "report-vat": (PERIOD, "-497.00"),
    "report-cash-flow": (PERIOD, "31,432.00"),
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
def signed_in(client: Client, scenario: Scenario) -> Client:
    client.force_login(scenario.accountant, backend="concord.core.identity.backends.RoleBackend")
    return client


def _get(client: Client, name: str, **params: Any):
    return client.get(reverse(f"accounting:{name}"), params)


def test_index_lists_every_report_and_the_back_office_links_to_it(signed_in):
    html = _get(signed_in, "reports").content.decode()
    for name in (*SCREENS, "report-partner-ledger"):
        assert reverse(f"accounting:{name}") in html
    item = registry.nav_items.get("accounting-reports")
    assert (item.office, item.url_name, item.permission, str(item.label)) == (
        "back",
        "accounting:reports",
        "accounting.reports",
        "Financial reports",
    )
    signed_in.post(reverse("web:office_switch"), {"office": "back", "next": "/"})
    assert f'href="{reverse("accounting:reports")}"' in signed_in.get("/").content.decode()


@pytest.mark.parametrize("name", list(SCREENS))
def test_each_report_renders_its_figures_with_labelled_filters(signed_in, name):
    params, figure = SCREENS[name]
    page = _get(signed_in, name, **params)
    assert page.status_code == 200
    html = page.content.decode()
    assert figure in html
    assert "Mekong" not in html  # the other company's books
    assert unlabelled_fields(html) == []
    assert "?date_from=" in html or "?as_of=" in html  # export links keep the filters


def test_a_report_opens_with_default_filters(signed_in):
    page = _get(signed_in, "report-trial-balance")
    assert page.status_code == 200
    assert page.context["form"].is_valid()
    assert page.context["report"] is not None


def test_trial_balance_links_accounts_to_their_ledger(signed_in):
    html = _get(signed_in, "report-trial-balance", **PERIOD).content.decode()
    assert "/accounting/reports/general-ledger/?accounts=" in html
    assert "Balanced" in html


def test_partner_ledger_asks_for_a_partner_then_shows_it(signed_in, scenario):
    first = _get(signed_in, "report-partner-ledger", **PERIOD)
    assert first.status_code == 200
    assert "Choose a partner" in first.content.decode()
    assert first.context["report"] is None
    shown = _get(signed_in, "report-partner-ledger", partner=scenario.customer.pk, **PERIOD)
    assert "2,745.00" in shown.content.decode()
    aged = _get(signed_in, "report-aged-receivable", **AS_OF).content.decode()
    assert f"partner={scenario.customer.pk}" in aged  # each customer links to their ledger


def test_bad_filters_are_form_errors_not_server_errors(signed_in):
    malformed = _get(signed_in, "report-trial-balance", date_from="2026-13-45", date_to="2026-06-30")
    assert malformed.status_code == 200
    assert malformed.context["form"].errors["date_from"]
    assert malformed.context["report"] is None
    backwards = _get(signed_in, "report-pnl", date_from="2026-06-30", date_to="2026-01-01")
    assert "The end date must be on or after the start date." in backwards.content.decode()
    missing = _get(signed_in, "report-balance-sheet", as_of="")
    assert missing.context["form"].errors["as_of"]
    # an export of bad filters shows the form again rather than a file
    export = _get(signed_in, "report-vat", date_from="yesterday", date_to="2026-06-30", export="csv")
    assert export["Content-Type"].startswith("text/html")


def test_csv_export_has_a_bom_and_the_figures(signed_in):
    response = _get(signed_in, "report-vat", export="csv", **PERIOD)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="vat-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffVAT report")
    assert "VAT 7%,7.000000,7900.00,553.00,15000.00,1050.00" in text
    assert "VAT to reclaim,,,,,-497.00" in text


def test_xlsx_export_keeps_amounts_as_numbers(signed_in):
    response = _get(signed_in, "report-trial-balance", export="xlsx", **PERIOD)
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "1120"]
    assert rows == [("1120", "Cash at Bank", 55000, 101832, 70400, 86432)]
    total = next(row for row in sheet.iter_rows(values_only=True) if row and row[1] == "Total")
    assert total[3] == total[4] == 199487


def test_pdf_export_is_a_pdf(signed_in):
    response = _get(signed_in, "report-balance-sheet", export="pdf", **AS_OF)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_general_ledger_pages_on_screen_and_caps_exports(signed_in, monkeypatch):
    monkeypatch.setattr(views, "SCREEN_LINES", 3)
    first = _get(signed_in, "report-general-ledger", **PERIOD)
    assert first.context["report"].has_more
    assert 'rel="next"' in first.content.decode()
    second = _get(signed_in, "report-general-ledger", page=2, **PERIOD)
    assert second.context["report"].offset == 3
    assert 'rel="prev"' in second.content.decode()
    monkeypatch.setitem(views.EXPORT_LINES, "csv", 10)
    refused = _get(signed_in, "report-general-ledger", export="csv", **PERIOD)
    assert refused.status_code == 302
    assert "export=" not in refused["Location"]
    assert "an export can hold at most 10" in signed_in.get(refused["Location"]).content.decode()


def test_reports_need_the_reports_permission(client, scenario, make_user):
    seller = make_user(company=scenario.company, roles=(Role.SALES,), username="somchai")
    client.force_login(seller, backend="concord.core.identity.backends.RoleBackend")
    for name in ("reports", *SCREENS):
        assert _get(client, name, **PERIOD).status_code == 403
    client.logout()
    assert _get(client, "report-trial-balance").status_code == 302  # to the sign-in page


def test_another_companys_accountant_sees_only_their_books(client, scenario, make_user):
    mekong = make_user(company=scenario.other, roles=(Role.ACCOUNTANT,), username="dara")
    client.force_login(mekong, backend="concord.core.identity.backends.RoleBackend")
    html = _get(client, "report-trial-balance", **PERIOD).content.decode()
    assert "777,000.00" in html
    assert "199,487.00" not in html
    aged = _get(client, "report-aged-receivable", **AS_OF).content.decode()
    assert "Mekong Buyer" in aged
    assert "Chao Phraya" not in aged


def test_reports_render_in_thai_and_khmer(signed_in):
    for language in ("th", "km"):
        signed_in.post(reverse("set_language"), {"language": language, "next": "/"})
        page = _get(signed_in, "report-balance-sheet", **AS_OF)
        assert page.status_code == 200
        assert f'lang="{language}"' in page.content.decode()
        assert "154,103.00" in page.content.decode()
        pdf = _get(signed_in, "report-aged-receivable", export="pdf", **AS_OF)
        assert pdf.content.startswith(b"%PDF")
