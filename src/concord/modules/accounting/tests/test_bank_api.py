"""The bank REST API: upload statements, read them, suggestions, reconcile and undo; errors as 4xx."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from concord.core.api.tests.helpers import API, ApiClient, error_of
from concord.core.identity.roles import Role
from concord.core.identity.tokens import access_token_create
from concord.modules.accounting.models import (
    Account,
    BankStatement,
    BankStatementLine,
    InvoiceState,
    Payment,
    PaymentState,
)
from concord.modules.accounting.services.setup import accounting_setup

from .conftest import balance, journal

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "bank"
BASE = "/accounting/bank"


@pytest.fixture
def bank(books):
    return journal(books, "BNK1")


@pytest.fixture
def api():
    def make(user) -> ApiClient:
        _token, raw = access_token_create(user=user, name="tests")
        return ApiClient(Client(), token=raw)

    return make


def upload(client: ApiClient, name: str, data: bytes | None = None, **fields):
    file = SimpleUploadedFile(name, data if data is not None else (DATA / name).read_bytes())
    return client.client.post(
        f"{API}{BASE}/statements",
        {**fields, "file": file},
        headers={"Authorization": f"Bearer {client.token}"},
    )


def csv_bytes(*rows: str) -> bytes:
    return ("Date,Amount,Reference,Description\n" + "\n".join(rows) + "\n").encode()


CSV_FIELDS = {
    "date_column": "Date",
    "amount_column": "Amount",
    "reference_column": "Reference",
    "description_column": "Description",
    "date_format": "%d/%m/%Y",
}


def test_upload_a_statement_and_upload_it_again(api, accountant, bank):
    client = api(accountant)
    created = upload(client, "ofx2_xml.ofx", journal_id=bank.pk)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["journal_id"] == bank.pk
    assert body["journal_code"] == "BNK1"
    assert body["source_format"] == "ofx"
    assert body["currency"] == "THB"
    assert (body["lines_imported"], body["lines_skipped"], body["lines_total"], body["lines_open"]) == (
        4,
        0,
        4,
        4,
    )
    again = upload(client, "ofx2_xml.ofx", journal_id=bank.pk)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert (again.json()["lines_imported"], again.json()["lines_skipped"]) == (0, 4)
    assert BankStatement.objects.count() == 1


def test_upload_csv_needs_and_takes_the_mapping(api, accountant, bank):
    client = api(accountant)
    data = csv_bytes("10/03/2026,1070.00,INV/2026/00001,pay", "11/03/2026,-25,,fee")
    missing = upload(client, "s.csv", data, journal_id=bank.pk)
    assert missing.status_code == 422
    error = error_of(missing)
    assert "date_column" in error["fields"]
    assert "Date, Amount, Reference, Description" in error["message"]
    created = upload(client, "s.csv", data, journal_id=bank.pk, **CSV_FIELDS)
    assert created.status_code == 201, created.content
    assert created.json()["lines_imported"] == 2


def test_an_unreadable_or_foreign_file_is_422_and_writes_nothing(api, accountant, bank):
    client = api(accountant)
    broken = upload(client, "x.xml", b"<?xml version='1.0'?><Document><Stmt>", journal_id=bank.pk)
    assert broken.status_code == 422
    assert error_of(broken)["code"] == "statement_format"
    bad_row = upload(client, "s.csv", csv_bytes("10/03/2026,abc,X,y"), journal_id=bank.pk, **CSV_FIELDS)
    assert bad_row.status_code == 422
    bank.bank_account_number = "111-1-11111-1"
    bank.save()
    other_account = upload(client, "ofx2_xml.ofx", journal_id=bank.pk)
    assert other_account.status_code == 422
    assert "journal" in error_of(other_account)["fields"]
    no_journal = client.client.post(
        f"{API}{BASE}/statements",
        {"journal_id": bank.pk},
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert no_journal.status_code == 422
    assert not BankStatement.objects.exists()


def test_list_and_read_statements_with_their_lines(api, accountant, bank):
    client = api(accountant)
    statement_id = upload(client, "ofx2_xml.ofx", journal_id=bank.pk).json()["id"]
    listed = client.get(f"{BASE}/statements", {"journal_id": bank.pk}).json()
    assert listed["count"] == 1
    assert listed["items"][0]["id"] == statement_id
    assert listed["items"][0]["lines_open"] == 4
    detail = client.get(f"{BASE}/statements/{statement_id}")
    assert detail.status_code == 200
    lines = detail.json()["lines"]
    assert [Decimal(line["amount"]) for line in lines] == [
        Decimal("45000"),
        Decimal("-12840.50"),
        Decimal("18.42"),
        Decimal("-150"),
    ]
    assert lines[0]["state"] == "open"
    assert lines[0]["description"] == "INV/2026/00012"


def test_suggestions_reconcile_and_undo_through_the_api(api, accountant, books, bank, make_invoice):
    invoice = make_invoice("1000")
    client = api(accountant)
    upload(
        client, "s.csv", csv_bytes("10/03/2026,1070.00,INV/2026/00001,pay"), journal_id=bank.pk, **CSV_FIELDS
    )
    line = BankStatementLine.objects.get()
    suggestions = client.get(f"{BASE}/lines/{line.pk}/suggestions")
    assert suggestions.status_code == 200
    best = suggestions.json()[0]
    assert best["kind"] == "invoices"
    assert best["ids"] == [invoice.pk]
    assert best["numbers"] == ["INV/2026/00001"]
    assert "same amount" in best["reasons"]
    done = client.post(f"{BASE}/lines/{line.pk}/reconcile", {"invoice_ids": best["ids"]})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "reconciled"
    payment = Payment.objects.get(pk=done.json()["payment_id"])
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert balance(books, "bank") == Decimal("1070.00")
    twice = client.post(f"{BASE}/lines/{line.pk}/reconcile", {"invoice_ids": best["ids"]})
    assert twice.status_code == 409
    assert client.get(f"{BASE}/lines/{line.pk}/suggestions").json() == []
    undone = client.post(f"{BASE}/lines/{line.pk}/unreconcile")
    assert undone.status_code == 200
    assert undone.json()["state"] == "open"
    payment.refresh_from_db()
    assert payment.state == PaymentState.CANCELLED
    assert balance(books, "bank") == 0


def test_reconcile_a_fee_against_an_account(api, accountant, books, bank):
    client = api(accountant)
    upload(client, "s.csv", csv_bytes("10/03/2026,-25,,fee"), journal_id=bank.pk, **CSV_FIELDS)
    line = BankStatementLine.objects.get()
    fees = Account.objects.get(company=books, code="5365")
    done = client.post(f"{BASE}/lines/{line.pk}/reconcile", {"counter_account_id": fees.pk})
    assert done.status_code == 200, done.content
    assert done.json()["entry_id"] is not None
    assert balance(books, fees) == Decimal("25.00")


def test_bad_reconcile_input_is_4xx_with_the_error_body(api, accountant, bank, make_invoice, vendor):
    client = api(accountant)
    bill = make_invoice("1000", kind="in_invoice", partner=vendor)
    upload(client, "s.csv", csv_bytes("10/03/2026,1070,,in"), journal_id=bank.pk, **CSV_FIELDS)
    line = BankStatementLine.objects.get()
    url = f"{BASE}/lines/{line.pk}/reconcile"
    assert error_of(client.post(url, {}))  # nothing chosen
    assert client.post(url, {}).status_code == 422
    assert client.post(url, {"invoice_ids": [bill.pk]}).status_code == 422  # money in cannot pay a bill
    assert client.post(url, {"invoice_ids": [999999]}).status_code == 404
    assert client.post(url, {"payment_id": 999999}).status_code == 404
    assert client.post(url, {"surprise": 1}).status_code == 422
    assert client.post(url, raw="{not json").status_code == 400
    assert client.post(f"{BASE}/lines/{line.pk}/unreconcile").status_code == 409


def test_another_companys_statements_are_not_found(api, accountant, bank, make_company, make_user):
    statement_id = upload(api(accountant), "ofx2_xml.ofx", journal_id=bank.pk).json()["id"]
    line = BankStatementLine.objects.filter(statement_id=statement_id).order_by("pk")[0]
    other = make_company(code="other")
    accounting_setup(company=other, template="th_npae", by=None, fiscal_year=2026)
    stranger = api(make_user(company=other, roles=(Role.ACCOUNTANT,)))
    assert stranger.get(f"{BASE}/statements/{statement_id}").status_code == 404
    assert stranger.get(f"{BASE}/lines/{line.pk}/suggestions").status_code == 404
    assert stranger.post(f"{BASE}/lines/{line.pk}/reconcile", {"counter_account_id": 1}).status_code == 404
    assert stranger.post(f"{BASE}/lines/{line.pk}/unreconcile").status_code == 404
    assert stranger.get(f"{BASE}/statements").json()["count"] == 0
    assert upload(stranger, "ofx2_xml.ofx", journal_id=bank.pk).status_code == 404
    # and the other company's own objects cannot be slipped into a reconcile of ours
    theirs = Account.objects.get(company=other, code="5365")
    refused = api(accountant).post(f"{BASE}/lines/{line.pk}/reconcile", {"counter_account_id": theirs.pk})
    assert refused.status_code == 422


def test_without_the_permission_the_api_answers_403(api, accountant, books, bank, make_user):
    statement_id = upload(api(accountant), "ofx2_xml.ofx", journal_id=bank.pk).json()["id"]
    line = BankStatementLine.objects.filter(statement_id=statement_id).order_by("pk")[0]
    hr = api(make_user(company=books, roles=(Role.HR,)))
    assert hr.get(f"{BASE}/statements").status_code == 403
    seller = api(make_user(company=books, roles=(Role.SALES,)))  # may view accounting, not reconcile
    assert seller.get(f"{BASE}/statements/{statement_id}").status_code == 200
    denied = seller.post(f"{BASE}/lines/{line.pk}/reconcile", {"counter_account_id": 1})
    assert denied.status_code == 403
    assert error_of(denied)["code"] == "permission_denied"
    assert upload(seller, "ofx2_xml.ofx", journal_id=bank.pk).status_code == 403
