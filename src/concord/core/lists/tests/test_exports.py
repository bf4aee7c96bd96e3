import csv
import io

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from concord.core.identity.models import Membership
from concord.core.identity.roles import Role

pytestmark = pytest.mark.urls("concord.core.lists.tests.urls")

URL = "/lists-test/companies/"


def _csv_rows(response):
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads Thai correctly
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def test_csv_exports_every_filtered_sorted_row_not_just_the_page(manager_client):
    response = manager_client.get(URL, {"ordering": "-code", "page": 1, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tests-company-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = _csv_rows(response)
    assert rows[0] == ["Name", "Code", "Country", "Created"]  # export_columns, not the page's columns
    assert [row[1] for row in rows[1:]] == ["siam-coco", "echo", "delta", "coconut", "bravo", "alpha"]


def test_csv_keeps_thai_text_and_applies_filters(manager_client):
    rows = _csv_rows(manager_client.get(URL, {"name": "มะพร้าว", "export": "csv"}))
    assert [row[0] for row in rows[1:]] == ["น้ำมันมะพร้าว จำกัด", "มะพร้าวสยาม"]


def test_csv_defuses_spreadsheet_formulas(manager_client, manager, make_company):
    evil = make_company(name='=HYPERLINK("http://evil.example","x")', code="evil")
    Membership.objects.create(user=manager, company=evil, role=Role.MANAGER)
    rows = _csv_rows(manager_client.get(URL, {"name": "HYPERLINK", "export": "csv"}))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'


def test_xlsx_holds_the_same_rows_as_csv(manager_client, manager, make_company):
    evil = make_company(name="=1+1", code="formula")
    Membership.objects.create(user=manager, company=evil, role=Role.MANAGER)
    query = {"ordering": "name", "country": "TH"}
    csv_rows = _csv_rows(manager_client.get(URL, {**query, "export": "csv"}))
    response = manager_client.get(URL, {**query, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="tests-company-' in response["Content-Disposition"]
    xlsx_rows = _xlsx_rows(response)
    assert xlsx_rows[0] == ["Name", "Code", "Country", "Created"]
    names = [row[0] for row in xlsx_rows[1:]]
    assert names == ["=1+1", "Alpha Trading", "Echo Logistics", "น้ำมันมะพร้าว จำกัด", "มะพร้าวสยาม"]
    assert names == [row[0].removeprefix("'") for row in csv_rows[1:]]
    assert [row[1] for row in xlsx_rows[1:]] == [row[1] for row in csv_rows[1:]]
    assert all(row[3] is not None for row in xlsx_rows[1:])  # dates written as dates, not dropped


def test_export_over_the_row_cap_is_refused_with_a_message(manager_client):
    response = manager_client.get("/lists-test/companies-capped/", {"country": "TH", "export": "xlsx"})
    assert response.status_code == 302
    assert response["Location"] == "/lists-test/companies-capped/?country=TH"
    [message] = list(get_messages(response.wsgi_request))
    assert "at most 2" in str(message)
    allowed = manager_client.get("/lists-test/companies-capped/", {"country": "KH", "export": "csv"})
    assert allowed.status_code == 200
    assert len(_csv_rows(allowed)) == 3


def test_unknown_export_format_just_shows_the_list(manager_client):
    response = manager_client.get(URL, {"export": "pdf"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
