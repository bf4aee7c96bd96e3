"""The bank screens: statements list, upload with the CSV mapping step, suggestions, reconcile buttons."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concord.core.identity.roles import Role
from concord.core.registry import registry
from concord.core.web.testing import unlabelled_fields
from concord.modules.accounting.bank.services import statement_import
from concord.modules.accounting.bank_formats import CsvMapping
from concord.modules.accounting.models import (
    Account,
    BankStatement,
    BankStatementLine,
    InvoiceState,
    StatementLineState,
)
from concord.modules.accounting.services.setup import accounting_setup

from .conftest import TODAY, balance, journal

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "bank"
MAPPING = CsvMapping(date="Date", amount="Amount", reference="Reference", description="Description")


@pytest.fixture
def bank(books):
    return journal(books, "BNK1")


@pytest.fixture
def as_accountant(client, accountant):
    client.force_login(accountant)
    return client


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (DATA / name).read_bytes())


def csv_statement(books, bank, *rows, by=None):
    body = "Date,Amount,Reference,Description\n" + "".join(
        f"{TODAY.isoformat()},{amount},{reference},{description}\n" for amount, reference, description in rows
    )
    return statement_import(
        company=books, journal=bank, data=body.encode(), filename="s.csv", by=by, mapping=MAPPING
    )


def hidden_content(html: str) -> str:
    found = re.search(r'name="content" value="([^"]+)"', html)
    assert found, "the mapping form carries the file"
    return found.group(1)


def selected(html: str, name: str) -> str:
    """The value of the selected option of the <select name=...> in ``html``."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return option.group(1) if option else ""


# --------------------------------------------------------------------------- list and navigation
def test_the_back_office_has_a_bank_reconciliation_link():
    item = registry.nav_items.get("accounting-bank-statements")
    assert item.url_name == "accounting:bank-statements"
    assert item.permission == "accounting.view"
    assert item.office == "back"


def test_statements_list_per_journal(as_accountant, books, bank):
    statement = csv_statement(books, bank, ("100", "A", "x"), ("-5", "B", "fee"))
    response = as_accountant.get(reverse("accounting:bank-statements"), {"journal": bank.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("accounting:bank-statement-detail", args=[statement.pk]) in html
    assert reverse("accounting:bank-statement-import") in html
    assert "BNK1" in html
    assert unlabelled_fields(html) == []


# --------------------------------------------------------------------------- import
def test_upload_ofx_imports_at_once(as_accountant, books, bank):
    response = as_accountant.post(
        reverse("accounting:bank-statement-import"),
        {"step": "upload", "journal": bank.pk, "file": upload("ofx2_xml.ofx")},
    )
    statement = BankStatement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounting:bank-statement-detail", args=[statement.pk])
    assert statement.lines.count() == 4
    page = as_accountant.get(response["Location"]).content.decode()
    assert "4 lines imported." in page


def test_upload_csv_asks_for_the_mapping_prefilled_from_the_header(as_accountant, books, bank):
    page = as_accountant.get(reverse("accounting:bank-statement-import"))
    assert page.status_code == 200
    assert unlabelled_fields(page.content.decode()) == []
    response = as_accountant.post(
        reverse("accounting:bank-statement-import"),
        {"step": "upload", "journal": bank.pk, "file": upload("signed_amount_utf8.csv")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert not BankStatement.objects.exists()  # nothing written before the mapping is confirmed
    assert unlabelled_fields(html) == []
    assert selected(html, "date_column") == "Date"
    assert selected(html, "amount_column") == "Amount"
    assert selected(html, "counterparty_column") == "Payer/Payee"
    assert selected(html, "date_format") == "%d/%m/%Y"
    assert "Angkor Trading Co. Ltd." in html  # the first rows are shown
    content = hidden_content(html)
    mapping = {
        "step": "mapping",
        "journal": bank.pk,
        "file_name": "signed_amount_utf8.csv",
        "content": content,
        "date_column": "Date",
        "amount_column": "Amount",
        "reference_column": "Reference",
        "description_column": "Description",
        "counterparty_column": "Payer/Payee",
        "date_format": "%d/%m/%Y",
        "decimal_separator": ".",
        "thousands_separator": ",",
        "delimiter": ",",
    }
    done = as_accountant.post(reverse("accounting:bank-statement-import"), mapping)
    statement = BankStatement.objects.get()
    assert done.status_code == 302
    assert statement.source_format == "csv"
    assert statement.file_name == "signed_amount_utf8.csv"
    assert [line.amount for line in statement.lines.order_by("pk")][:2] == [
        Decimal("1250"),
        Decimal("-310.75"),
    ]
    again = as_accountant.post(reverse("accounting:bank-statement-import"), mapping)
    assert again.status_code == 302
    assert "Nothing new" in as_accountant.get(again["Location"]).content.decode()
    assert BankStatement.objects.count() == 1


def test_thai_csv_mapping_is_guessed_too(as_accountant, bank):
    response = as_accountant.post(
        reverse("accounting:bank-statement-import"),
        {"step": "upload", "journal": bank.pk, "file": upload("thai_debit_credit_tis620.csv")},
    )
    html = response.content.decode()
    assert selected(html, "debit_column") == "ถอนเงิน"
    assert selected(html, "credit_column") == "ฝากเงิน"
    assert selected(html, "amount_column") == ""


def test_a_wrong_mapping_is_a_form_error_and_writes_nothing(as_accountant, bank):
    response = as_accountant.post(
        reverse("accounting:bank-statement-import"),
        {"step": "upload", "journal": bank.pk, "file": upload("signed_amount_utf8.csv")},
    )
    content = hidden_content(response.content.decode())
    base = {
        "step": "mapping",
        "journal": bank.pk,
        "file_name": "x.csv",
        "content": content,
        "date_column": "Date",
        "amount_column": "Amount",
        "decimal_separator": ".",
        "thousands_separator": ",",
        "delimiter": ",",
    }
    wrong_date = as_accountant.post(
        reverse("accounting:bank-statement-import"), {**base, "date_format": "%Y-%m-%d"}
    )
    assert wrong_date.status_code == 400
    assert "03/03/2026" in wrong_date.content.decode()  # the error names the value it could not read
    no_amount = as_accountant.post(
        reverse("accounting:bank-statement-import"), {**base, "date_format": "%d/%m/%Y", "amount_column": ""}
    )
    assert no_amount.status_code == 400
    assert "money in" in no_amount.content.decode()
    tampered = as_accountant.post(
        reverse("accounting:bank-statement-import"), {**base, "date_format": "%d/%m/%Y", "content": "%%%"}
    )
    assert tampered.status_code == 400
    assert not BankStatement.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.xml", b"<?xml version='1.0'?><Document><Stmt>", ""),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
        ("note.csv", b"hello\n", "two columns"),
        ("other.ofx", None, "1234567890"),
    ],
)
def test_a_bad_file_is_a_form_error_never_a_500(as_accountant, bank, name, data, message):
    bank.bank_account_number = "555"
    bank.save()
    file = upload("ofx2_xml.ofx") if data is None else upload(name, data)
    response = as_accountant.post(
        reverse("accounting:bank-statement-import"), {"step": "upload", "journal": bank.pk, "file": file}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid-feedback" in html or "alert-danger" in html
    assert message in html
    assert not BankStatement.objects.exists()


def test_the_import_offers_only_bank_journals_of_the_company(as_accountant, books, make_company):
    other = make_company(code="other")
    accounting_setup(company=other, template="th_npae", by=None, fiscal_year=2026)
    response = as_accountant.post(
        reverse("accounting:bank-statement-import"),
        {"step": "upload", "journal": journal(other, "BNK1").pk, "file": upload("ofx2_xml.ofx")},
    )
    assert response.status_code == 400
    response = as_accountant.post(
        reverse("accounting:bank-statement-import"),
        {"step": "upload", "journal": journal(books, "INV").pk, "file": upload("ofx2_xml.ofx")},
    )
    assert response.status_code == 400
    assert not BankStatement.objects.exists()


# --------------------------------------------------------------------------- detail, suggestions, buttons
def test_detail_shows_suggestions_with_a_reconcile_button(as_accountant, books, bank, make_invoice):
    invoice = make_invoice("1000")
    statement = csv_statement(books, bank, ("1070.00", "INV/2026/00001", "payment"), ("-25", "", "fee"))
    response = as_accountant.get(reverse("accounting:bank-statement-detail", args=[statement.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    line = statement.lines.get(amount=Decimal("1070"))
    assert "INV/2026/00001" in html
    assert "same amount" in html
    assert "reference INV/2026/00001 found" in html
    assert f'<input type="hidden" name="invoices" value="{invoice.pk}">' in html
    assert reverse("accounting:bank-line-reconcile", args=[line.pk]) in html
    assert "Reconcile by hand" in html
    assert "5365 Bank Charges" in html  # the manual form offers the accounts
    assert unlabelled_fields(html) == []


def test_the_reconcile_button_pays_the_invoice(as_accountant, books, bank, make_invoice):
    invoice = make_invoice("1000")
    statement = csv_statement(books, bank, ("1070.00", "INV/2026/00001", "payment"))
    line = statement.lines.get()
    response = as_accountant.post(
        reverse("accounting:bank-line-reconcile", args=[line.pk]), {"invoices": [invoice.pk]}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounting:bank-statement-detail", args=[statement.pk]))
    line.refresh_from_db()
    assert line.state == StatementLineState.RECONCILED
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert balance(books, "bank") == Decimal("1070.00")
    page = as_accountant.get(response["Location"]).content.decode()
    assert "Line reconciled." in page
    assert reverse("accounting:bank-line-unreconcile", args=[line.pk]) in page


def test_htmx_reconcile_and_undo_swap_the_line(as_accountant, books, bank):
    statement = csv_statement(books, bank, ("-25", "", "fee"))
    line = statement.lines.get()
    fees = Account.objects.get(company=books, code="5365")
    response = as_accountant.post(
        reverse("accounting:bank-line-reconcile", args=[line.pk]),
        {"counter_account": fees.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tbody id="bank-line-{line.pk}" data-state="reconciled"')
    assert "Entry BNK1/" in html
    assert balance(books, fees) == Decimal("25.00")
    undone = as_accountant.post(
        reverse("accounting:bank-line-unreconcile", args=[line.pk]), HTTP_HX_REQUEST="true"
    )
    assert undone.status_code == 200
    assert 'data-state="open"' in undone.content.decode()
    assert balance(books, fees) == 0


def test_a_refused_reconcile_shows_why(as_accountant, books, bank, make_invoice):
    invoice = make_invoice("1000")
    line = csv_statement(books, bank, ("5000.00", "too much", "")).lines.get()
    swapped = as_accountant.post(
        reverse("accounting:bank-line-reconcile", args=[line.pk]),
        {"invoices": [invoice.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert swapped.status_code == 200
    assert "alert-danger" in swapped.content.decode()
    plain = as_accountant.post(reverse("accounting:bank-line-reconcile", args=[line.pk]), {})
    assert plain.status_code == 302
    assert "Choose invoices or an account" in as_accountant.get(plain["Location"]).content.decode()
    line.refresh_from_db()
    assert line.state == StatementLineState.OPEN


# --------------------------------------------------------------------------- permissions and companies
def test_another_companys_statement_is_not_found(client, books, bank, make_company, make_user):
    statement = csv_statement(books, bank, ("-25", "", "fee"))
    line = statement.lines.get()
    other = make_company(code="other")
    client.force_login(make_user(company=other, roles=(Role.ACCOUNTANT,)))
    assert client.get(reverse("accounting:bank-statement-detail", args=[statement.pk])).status_code == 404
    assert client.post(reverse("accounting:bank-line-reconcile", args=[line.pk]), {}).status_code == 404
    assert client.post(reverse("accounting:bank-line-unreconcile", args=[line.pk])).status_code == 404
    listed = client.get(reverse("accounting:bank-statements")).content.decode()
    assert reverse("accounting:bank-statement-detail", args=[statement.pk]) not in listed


def test_without_accounting_rights_the_screens_are_forbidden(client, books, bank, make_user):
    statement = csv_statement(books, bank, ("-25", "", "fee"))
    client.force_login(make_user(company=books, roles=(Role.HR,)))
    assert client.get(reverse("accounting:bank-statements")).status_code == 403
    assert client.get(reverse("accounting:bank-statement-detail", args=[statement.pk])).status_code == 403
    assert client.get(reverse("accounting:bank-statement-import")).status_code == 403


def test_viewing_is_not_reconciling(client, books, bank, make_user):
    statement = csv_statement(books, bank, ("-25", "", "fee"))
    line = statement.lines.get()
    client.force_login(make_user(company=books, roles=(Role.SALES,)))  # accounting.view, no reconcile
    detail = client.get(reverse("accounting:bank-statement-detail", args=[statement.pk]))
    assert detail.status_code == 200
    assert reverse("accounting:bank-line-reconcile", args=[line.pk]) not in detail.content.decode()
    assert client.get(reverse("accounting:bank-statement-import")).status_code == 403
    assert client.post(reverse("accounting:bank-line-reconcile", args=[line.pk]), {}).status_code == 403
    assert BankStatementLine.objects.get(pk=line.pk).state == StatementLineState.OPEN


def test_the_detail_page_queries_stay_bounded_per_line(
    as_accountant, books, bank, make_invoice, django_assert_max_num_queries
):
    make_invoice("1000")
    statement = csv_statement(books, bank, *[(f"{100 + n}.00", f"REF{n}", "x") for n in range(10)])
    url = reverse("accounting:bank-statement-detail", args=[statement.pk])
    with django_assert_max_num_queries(20 + 10 * 5):
        assert as_accountant.get(url).status_code == 200
