"""The ledger API over HTTP: set-up, the chart, entries, invoices, payments, and every refusal's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from concord.core.api.tests.helpers import ApiClient, error_of
from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.core.identity.tokens import access_token_create
from concord.core.money.services import exchange_rate_set
from concord.modules.accounting.models import FiscalPeriod, Invoice, JournalEntry, Payment, PaymentTerm
from concord.modules.accounting.services.invoices import InvoiceLineInput, invoice_create
from concord.modules.accounting.services.setup import accounting_setup, lock_date_set

from .conftest import TODAY, account, journal, tax

pytestmark = pytest.mark.django_db

A = "/accounting"


@pytest.fixture
def api() -> Callable[[User], ApiClient]:
    """``api(user)``: a JSON client signed in as ``user`` through the session."""

    def make(user: User) -> ApiClient:
        client = Client()
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return ApiClient(client)

    return make


@pytest.fixture
def as_accountant(api: Callable[[User], ApiClient], accountant: User) -> ApiClient:
    return api(accountant)


@pytest.fixture
def seller(books: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=books, roles=(Role.SALES,), username="somchai")


@pytest.fixture
def other_books(make_company: Callable[..., Company]) -> Company:
    other = make_company(name="Mekong Traders Co., Ltd.", code="mekong")
    accounting_setup(company=other, template="th_npae", by=None, fiscal_year=2026)
    return other


@pytest.fixture
def other_partner(other_books: Company, make_partner: Callable[..., Any]) -> Any:
    return make_partner(other_books, "Tonle Sap Fisheries")


@pytest.fixture
def other_invoice(other_books: Company, other_partner: Any) -> Invoice:
    return invoice_create(
        company=other_books,
        kind="out_invoice",
        partner_id=other_partner.pk,
        by=None,
        date=TODAY,
        lines=[InvoiceLineInput("Dried fish", Decimal(1), Decimal(500))],
    )


def _term(company: Company) -> PaymentTerm:
    return PaymentTerm.objects.filter(company=company).order_by("pk")[0]


def _invoice_body(books: Company, customer: Any, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "out_invoice",
        "partner_id": customer.pk,
        "date": TODAY.isoformat(),
        "ref": "PO-7781",
        "lines": [
            {
                "description": "Carbon steel wok 36 cm",
                "quantity": "2",
                "unit_price": "500",
                "tax_ids": [tax(books, "VAT7").pk],
            }
        ],
    }
    body.update(fields)
    return body


def _entry_body(books: Company, debit: str = "100", credit: str = "100", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "journal_id": journal(books, "MISC").pk,
        "date": TODAY.isoformat(),
        "ref": "Cash sale",
        "lines": [
            {"account_id": account(books, "cash").pk, "debit": debit},
            {"account_id": account(books, "income").pk, "credit": credit, "label": "Woks"},
        ],
    }
    body.update(fields)
    return body


def _payment_body(books: Company, customer: Any, amount: str, invoice_ids: list[int]) -> dict[str, Any]:
    return {
        "partner_id": customer.pk,
        "journal_id": journal(books, "BNK1").pk,
        "amount": amount,
        "date": TODAY.isoformat(),
        "invoice_ids": invoice_ids,
        "memo": "Transfer KBank",
    }


# --------------------------------------------------------------------------- set-up, settings, periods
def test_setup_settings_lock_date_and_periods(
    api: Callable[[User], ApiClient], make_company: Callable[..., Company], make_user: Callable[..., User]
) -> None:
    phnom_penh = make_company(name="Angkor Supplies", code="angkor", country="KH", currency="USD")
    client = api(make_user(company=phnom_penh, roles=(Role.ACCOUNTANT,)))
    assert error_of(client.get(f"{A}/settings"))["code"] == "accounting_not_set_up"

    unknown = client.post(f"{A}/setup", {"template": "us_gaap"})
    assert unknown.status_code == 422
    assert "us_gaap" in error_of(unknown)["fields"]["template"][0]

    made = client.post(f"{A}/setup", {"template": "kh", "fiscal_year": 2026})
    assert made.status_code == 200, made.content
    assert made.json()["chart_template"] == "kh"
    assert made.json()["company_currency"] == "USD"
    assert client.post(f"{A}/setup", {"template": "kh"}).status_code == 200  # idempotent
    other_chart = client.post(f"{A}/setup", {"template": "th_npae"})
    assert other_chart.status_code == 409
    assert "already keeps its books" in error_of(other_chart)["message"]

    locked = client.patch(f"{A}/settings", {"lock_date": "2026-01-31"})
    assert locked.status_code == 200
    assert client.get(f"{A}/settings").json()["lock_date"] == "2026-01-31"
    assert client.patch(f"{A}/settings", {"lock_date": None}).json()["lock_date"] is None

    periods = client.get(f"{A}/fiscal-periods", {"year": 2026})
    assert periods.json()["count"] == 12
    march = next(p for p in periods.json()["items"] if p["name"] == "2026-03")
    closed = client.post(f"{A}/fiscal-periods/{march['id']}/close")
    assert (closed.status_code, closed.json()["state"]) == (200, "closed")
    assert client.get(f"{A}/fiscal-periods", {"state": "closed"}).json()["count"] == 1
    assert client.post(f"{A}/fiscal-periods/{march['id']}/reopen").json()["state"] == "open"


def test_chart_journals_taxes_and_payment_terms(
    api: Callable[[User], ApiClient], books: Company, accountant: User
) -> None:
    client = api(accountant)
    receivables = client.get(f"{A}/accounts", {"type": "asset", "subtype": "receivable"}).json()
    assert [item["id"] for item in receivables["items"]] == [account(books, "receivable").pk]
    cash = account(books, "cash")
    assert client.get(f"{A}/accounts", {"q": cash.code}).json()["items"][0]["id"] == cash.pk
    detail = client.get(f"{A}/accounts/{cash.pk}").json()
    assert (detail["code"], detail["account_type"], detail["is_group"]) == (cash.code, "asset", False)
    assert client.get(f"{A}/accounts", {"type": "gold"}).status_code == 422

    banks = client.get(f"{A}/journals", {"kind": "bank"}).json()["items"]
    assert [j["code"] for j in banks] == ["BNK1"]
    vat = next(t for t in client.get(f"{A}/taxes", {"kind": "vat"}).json()["items"] if t["code"] == "VAT7")
    assert vat["amount"] == "7"
    terms = client.get(f"{A}/payment-terms").json()["items"]
    assert [t["days"] for t in terms][:3] == [0, 15, 30]


# --------------------------------------------------------------------------- invoices and payments
def test_invoice_with_vat_is_posted_then_paid(
    api: Callable[[User], ApiClient], books: Company, customer: Any, accountant: User
) -> None:
    client = api(accountant)
    created = client.post(f"{A}/invoices", _invoice_body(books, customer))
    assert created.status_code == 201, created.content
    draft = created.json()
    assert (draft["state"], draft["number"], draft["partner_name"]) == ("draft", "", customer.name)
    assert (draft["amount_untaxed"], draft["amount_tax"], draft["amount_total"]) == (
        "1000.00",
        "70.00",
        "1070.00",
    )
    line = draft["lines"][0]
    assert (line["quantity"], line["unit_price"], line["price_total"]) == ("2", "500.00", "1070.00")
    assert draft["taxes"] == [
        {
            "tax_id": tax(books, "VAT7").pk,
            "code": "VAT7",
            "name": tax(books, "VAT7").name,
            "base": "1000.00",
            "amount": "70.00",
        }
    ]

    posted = client.post(f"{A}/invoices/{draft['id']}/post")
    assert posted.status_code == 200, posted.content
    assert (posted.json()["state"], posted.json()["number"]) == ("posted", "INV/2026/00001")
    assert posted.json()["due_date"] == (TODAY + dt.timedelta(days=30)).isoformat()
    assert posted.json()["amount_total_company"] == "1070.00"

    paid = client.post(f"{A}/payments", _payment_body(books, customer, "1070", [draft["id"]]))
    assert paid.status_code == 201, paid.content
    payment = paid.json()
    assert (payment["number"], payment["direction"], payment["amount"]) == (
        "BNK1/2026/00001",
        "inbound",
        "1070.00",
    )
    assert [(i["id"], i["amount"]) for i in payment["invoices"]] == [(draft["id"], "1070.00")]

    invoice = client.get(f"{A}/invoices/{draft['id']}").json()
    assert (invoice["state"], invoice["amount_residual"]) == ("paid", "0.00")
    assert [(p["id"], p["amount"]) for p in invoice["payments"]] == [(payment["id"], "1070.00")]
    assert client.get(f"{A}/payments/{payment['id']}").json()["state"] == "posted"
    assert client.get(f"{A}/payments", {"partner_id": customer.pk}).json()["count"] == 1
    balance = client.get(f"{A}/partners/{customer.pk}/balance").json()
    assert (balance["receivable"]["open_amount"], balance["receivable"]["open_count"]) == ("0.00", 0)


def test_post_on_create_credit_note_cancel_and_drafts(
    api: Callable[[User], ApiClient], books: Company, customer: Any, accountant: User
) -> None:
    client = api(accountant)
    invoice = client.post(f"{A}/invoices", _invoice_body(books, customer, post=True)).json()
    assert invoice["state"] == "posted"

    note = client.post(f"{A}/invoices/{invoice['id']}/credit-note", {"reason": "Damaged in transit"})
    assert note.status_code == 201, note.content
    assert (note.json()["kind"], note.json()["state"]) == ("out_refund", "draft")
    assert note.json()["reversed_invoice_id"] == invoice["id"]
    assert note.json()["narration"] == "Damaged in transit"
    client.post(f"{A}/invoices/{note.json()['id']}/post")
    settled = client.get(f"{A}/invoices/{invoice['id']}").json()
    assert settled["state"] == "paid"
    assert settled["credit_note_ids"] == [note.json()["id"]]
    assert [m["id"] for m in settled["matched_invoices"]] == [note.json()["id"]]

    second = client.post(f"{A}/invoices", _invoice_body(books, customer, post=True)).json()
    cancelled = client.post(f"{A}/invoices/{second['id']}/cancel")  # the body is optional
    assert (cancelled.status_code, cancelled.json()["state"]) == (200, "cancelled")
    again = client.post(f"{A}/invoices/{second['id']}/cancel", {"reason": "twice"})
    assert (again.status_code, error_of(again)["code"]) == (409, "invalid_state")

    draft = client.post(f"{A}/invoices", _invoice_body(books, customer)).json()
    patched = client.patch(
        f"{A}/invoices/{draft['id']}",
        {"ref": "PO-7782", "lines": [{"description": "Wok lid", "unit_price": "100", "tax_ids": []}]},
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["ref"], patched.json()["amount_total"]) == ("PO-7782", "100.00")
    assert client.patch(f"{A}/invoices/{invoice['id']}", {"ref": "late"}).status_code == 409
    refused = client.delete(f"{A}/invoices/{invoice['id']}")
    assert refused.status_code == 409
    assert "cancel it instead" in error_of(refused)["message"]
    assert client.delete(f"{A}/invoices/{draft['id']}").status_code == 204
    assert not Invoice.objects.filter(pk=draft["id"]).exists()


def test_invoice_filters_and_ordering(
    as_accountant: ApiClient, customer: Any, vendor: Any, make_invoice: Any
) -> None:
    late = make_invoice("100", date=dt.date(2025, 1, 10), due_date=dt.date(2025, 2, 9))
    on_time = make_invoice("300", due_date=dt.date(2999, 12, 31))
    bill = make_invoice("200", kind="in_invoice", partner=vendor, due_date=dt.date(2999, 12, 31))
    draft = make_invoice("50", post=False)
    client = as_accountant

    def ids(**params: Any) -> list[int]:
        response = client.get(f"{A}/invoices", params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids(overdue="true") == [late.pk]
    assert set(ids(overdue="false")) == {on_time.pk, bill.pk, draft.pk}
    assert ids(kind="in_invoice") == [bill.pk]
    assert ids(state="draft") == [draft.pk]
    assert ids(partner_id=vendor.pk) == [bill.pk]
    assert ids(date_from="2026-01-01", kind="out_invoice", ordering="-amount_total") == [on_time.pk, draft.pk]
    assert ids(date_to="2025-12-31") == [late.pk]
    bad = client.get(f"{A}/invoices", {"ordering": "partner__tax_id"})
    assert (bad.status_code, list(error_of(bad)["fields"])) == (422, ["ordering"])

    balance = client.get(f"{A}/partners/{customer.pk}/balance").json()
    assert balance["receivable"]["open_amount"] == "428.00"  # 107 + 321
    assert balance["receivable"]["overdue_amount"] == "107.00"
    assert [item["invoice_id"] for item in balance["receivable"]["items"]] == [late.pk, on_time.pk]
    assert balance["receivable"]["items"][0]["overdue"] is True
    assert balance["net"] == "428.00"
    supplier = client.get(f"{A}/partners/{vendor.pk}/balance").json()
    assert (supplier["payable"]["open_amount"], supplier["net"]) == ("214.00", "-214.00")


def test_unreconcile_makes_the_invoice_due_again(
    api: Callable[[User], ApiClient], books: Company, customer: Any, accountant: User, make_invoice: Any
) -> None:
    invoice = make_invoice("100")
    client = api(accountant)
    payment = client.post(f"{A}/payments", _payment_body(books, customer, "107", [invoice.pk])).json()
    receivable_line = JournalEntry.objects.get(pk=invoice.entry_id).lines.get(
        account=account(books, "receivable")
    )
    undone = client.post(f"{A}/lines/{receivable_line.pk}/unreconcile")
    assert undone.status_code == 200, undone.content
    assert undone.json()["undone"] == 1
    assert undone.json()["line"]["amount_residual"] == "107.00"
    assert client.get(f"{A}/invoices/{invoice.pk}").json()["state"] == "posted"
    assert client.get(f"{A}/payments/{payment['id']}").json()["invoices"] == []

    paid_again = client.post(f"{A}/payments", _payment_body(books, customer, "107", [invoice.pk])).json()
    cancelled = client.post(f"{A}/payments/{paid_again['id']}/cancel", {"reason": "bounced"})
    assert (cancelled.status_code, cancelled.json()["state"]) == (200, "cancelled")
    assert client.get(f"{A}/invoices/{invoice.pk}").json()["amount_residual"] == "107.00"


# --------------------------------------------------------------------------- manual entries
def test_manual_entry_is_drafted_posted_and_reversed(
    api: Callable[[User], ApiClient], books: Company, customer: Any, accountant: User
) -> None:
    client = api(accountant)
    body = _entry_body(books)
    body["lines"][0]["partner_id"] = customer.pk
    created = client.post(f"{A}/entries", body)
    assert created.status_code == 201, created.content
    entry = created.json()
    assert (entry["state"], entry["number"], entry["total_debit"]) == ("draft", "", "100.00")
    assert [(line["debit"], line["credit"]) for line in entry["lines"]] == [
        ("100.00", "0.00"),
        ("0.00", "100.00"),
    ]

    posted = client.post(f"{A}/entries/{entry['id']}/post")
    assert (posted.status_code, posted.json()["number"]) == (200, "MISC/2026/00001")
    reversal = client.post(f"{A}/entries/{entry['id']}/reverse", {"reason": "Booked twice"})
    assert reversal.status_code == 201, reversal.content
    assert (reversal.json()["reversal_of_id"], reversal.json()["state"]) == (entry["id"], "posted")
    assert reversal.json()["lines"][0]["credit"] == "100.00"
    assert client.get(f"{A}/entries/{entry['id']}").json()["reversed_by_id"] == reversal.json()["id"]

    listed = client.get(f"{A}/entries", {"journal": "misc", "state": "posted"}).json()
    assert listed["count"] == 2
    assert client.get(f"{A}/entries", {"partner_id": customer.pk}).json()["count"] == 2
    assert client.get(f"{A}/entries", {"date_from": "2026-04-01"}).json()["count"] == 0

    immediate = client.post(f"{A}/entries", _entry_body(books, post=True))
    assert (immediate.status_code, immediate.json()["state"]) == (201, "posted")


# --------------------------------------------------------------------------- refusals
def test_unbalanced_entry_is_a_422_with_the_difference(
    api: Callable[[User], ApiClient], books: Company, accountant: User
) -> None:
    response = api(accountant).post(f"{A}/entries", _entry_body(books, credit="99.99", post=True))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "entry_not_balanced"
    assert "differ by 0.01" in error["message"]
    assert list(error["fields"]) == ["lines"]
    assert not JournalEntry.objects.exists()


def test_posting_into_a_locked_period_is_a_422(
    api: Callable[[User], ApiClient], books: Company, customer: Any, accountant: User
) -> None:
    lock_date_set(company=books, lock_date=dt.date(2026, 3, 31), by=accountant)
    client = api(accountant)
    entry = client.post(f"{A}/entries", _entry_body(books, post=True))
    assert (entry.status_code, error_of(entry)["code"]) == (422, "period_locked")
    assert "locked up to 2026-03-31" in error_of(entry)["message"]
    draft = client.post(f"{A}/invoices", _invoice_body(books, customer)).json()
    refused = client.post(f"{A}/invoices/{draft['id']}/post")
    assert (refused.status_code, error_of(refused)["code"]) == (422, "period_locked")
    assert client.get(f"{A}/invoices/{draft['id']}").json()["state"] == "draft"


def test_a_posted_entry_cannot_be_deleted_or_posted_again(
    api: Callable[[User], ApiClient], books: Company, accountant: User
) -> None:
    client = api(accountant)
    entry = client.post(f"{A}/entries", _entry_body(books, post=True)).json()
    deleted = client.delete(f"{A}/entries/{entry['id']}")
    assert (deleted.status_code, error_of(deleted)["code"]) == (409, "entry_posted")
    assert "reverse it instead" in error_of(deleted)["message"]
    assert client.post(f"{A}/entries/{entry['id']}/post").status_code == 409
    draft = client.post(f"{A}/entries", _entry_body(books, credit="90")).json()  # a draft may not balance
    assert client.post(f"{A}/entries/{draft['id']}/post").status_code == 422
    assert client.delete(f"{A}/entries/{draft['id']}").status_code == 204


def test_overpayment_needs_allow_overpayment(
    api: Callable[[User], ApiClient], books: Company, customer: Any, accountant: User, make_invoice: Any
) -> None:
    invoice = make_invoice("1000")
    client = api(accountant)
    body = _payment_body(books, customer, "1100", [invoice.pk])
    refused = client.post(f"{A}/payments", body)
    assert refused.status_code == 422
    error = error_of(refused)
    assert (error["code"], list(error["fields"])) == ("overpayment", ["amount"])
    assert "only 1070.00 is due" in error["message"]
    assert not Payment.objects.exists()
    accepted = client.post(f"{A}/payments", {**body, "allow_overpayment": True})
    assert accepted.status_code == 201
    balance = client.get(f"{A}/partners/{customer.pk}/balance").json()
    assert balance["receivable"]["open_amount"] == "-30.00"  # the customer's credit


def test_a_currency_without_a_rate_is_a_404_naming_currency(
    api: Callable[[User], ApiClient], books: Company, customer: Any, accountant: User
) -> None:
    client = api(accountant)
    refused = client.post(f"{A}/invoices", _invoice_body(books, customer, currency="EUR", post=True))
    # NoExchangeRateError is a NotFound in core.money: the rate asked for does not exist.
    assert refused.status_code == 404
    error = error_of(refused)
    assert (error["code"], list(error["fields"])) == ("no_exchange_rate", ["currency"])
    assert "No exchange rate for EUR" in error["message"]
    assert not Invoice.objects.exists()  # the draft was rolled back with the refused posting

    exchange_rate_set(
        company=books, currency="EUR", rate_date=dt.date(2026, 3, 1), rate="38.25", by=accountant
    )
    posted = client.post(f"{A}/invoices", _invoice_body(books, customer, currency="EUR", post=True)).json()
    assert (posted["currency"], posted["rate"], posted["amount_total"]) == ("EUR", "38.25", "1070.00")
    assert posted["amount_total_company"] == "40927.50"


def test_references_to_another_company_are_422_naming_the_field(
    as_accountant: ApiClient, books: Company, customer: Any, other_invoice: Invoice, make_invoice: Any
) -> None:
    client = as_accountant
    other_books, other_partner_id = other_invoice.company, other_invoice.partner_id

    def refused(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(path, body)
        assert response.status_code == 422, response.content
        return error_of(response)

    foreign_account = _entry_body(books)
    foreign_account["lines"][0]["account_id"] = account(other_books, "cash").pk
    error = refused(f"{A}/entries", foreign_account)
    assert (error["code"], list(error["fields"])) == ("invalid_account", ["lines"])
    assert "Line 1: the account does not belong" in error["message"]

    foreign_partner_line = _entry_body(books)
    foreign_partner_line["lines"][1]["partner_id"] = other_partner_id
    assert "Line 2: the partner" in refused(f"{A}/entries", foreign_partner_line)["message"]

    error = refused(f"{A}/entries", _entry_body(books, journal_id=journal(other_books, "MISC").pk))
    assert list(error["fields"]) == ["journal_id"]
    assert error["message"] == f"There is no such journal in {books.name}."

    assert list(
        refused(f"{A}/invoices", _invoice_body(books, customer, partner_id=other_partner_id))["fields"]
    ) == ["partner_id"]
    foreign_term = _invoice_body(books, customer, payment_term_id=_term(other_books).pk)
    assert list(refused(f"{A}/invoices", foreign_term)["fields"]) == ["payment_term_id"]
    foreign_tax = _invoice_body(books, customer)
    foreign_tax["lines"][0]["tax_ids"] = [tax(other_books, "VAT7").pk]
    assert "Line 1: the tax does not belong" in refused(f"{A}/invoices", foreign_tax)["message"]

    invoice = make_invoice("100")
    pays_foreign = _payment_body(books, customer, "107", [invoice.pk, other_invoice.pk])
    error = refused(f"{A}/payments", pays_foreign)
    assert (list(error["fields"]), str(other_invoice.pk) in error["message"]) == (["invoice_ids"], True)
    foreign_wht = {
        **_payment_body(books, customer, "104", [invoice.pk]),
        "wht_tax_id": tax(other_books, "WHT3").pk,
    }
    assert list(refused(f"{A}/payments", foreign_wht)["fields"]) == ["wht_tax_id"]
    foreign_bank = {
        **_payment_body(books, customer, "107", [invoice.pk]),
        "journal_id": journal(other_books, "BNK1").pk,
    }
    assert list(refused(f"{A}/payments", foreign_bank)["fields"]) == ["journal_id"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/invoices", "colour"),
        ("/invoices", "lines.0.colour"),
        ("/entries", "colour"),
        ("/payments", "colour"),
    ],
)
def test_unknown_fields_are_a_422_naming_them(
    as_accountant: ApiClient, books: Company, customer: Any, path: str, field: str
) -> None:
    bodies = {
        "/invoices": _invoice_body(books, customer),
        "/entries": _entry_body(books),
        "/payments": _payment_body(books, customer, "10", []),
    }
    body = bodies[path]
    if field.startswith("lines."):
        body["lines"][0]["colour"] = "red"
    else:
        body["colour"] = "red"
    response = as_accountant.post(f"{A}{path}", body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert not Invoice.objects.exists()
    assert not JournalEntry.objects.exists()


def test_another_companys_rows_are_404(
    api: Callable[[User], ApiClient],
    books: Company,
    accountant: User,
    other_invoice: Invoice,
    other_partner: Any,
) -> None:
    client = api(accountant)
    for method, path in [
        ("get", f"/invoices/{other_invoice.pk}"),
        ("post", f"/invoices/{other_invoice.pk}/post"),
        ("patch", f"/invoices/{other_invoice.pk}"),
        ("delete", f"/invoices/{other_invoice.pk}"),
        ("get", f"/accounts/{account(other_invoice.company, 'cash').pk}"),
        ("get", f"/partners/{other_partner.pk}/balance"),
    ]:
        response = client.get(A + path) if method == "get" else client.send(method.upper(), A + path, {})
        assert response.status_code == 404, (method, path, response.content)
        assert error_of(response)["code"] == "not_found"
    assert client.get(f"{A}/invoices").json()["count"] == 0
    other_invoice.refresh_from_db()
    assert other_invoice.state == "draft"


def test_a_sales_user_drafts_but_cannot_post(
    api: Callable[[User], ApiClient], books: Company, customer: Any, seller: User, make_invoice: Any
) -> None:
    client = api(seller)
    draft = client.post(f"{A}/invoices", _invoice_body(books, customer))
    assert draft.status_code == 201
    refused = client.post(f"{A}/invoices/{draft.json()['id']}/post")
    assert refused.status_code == 403
    assert "accounting.post" in error_of(refused)["message"]
    assert client.post(f"{A}/invoices", _invoice_body(books, customer, post=True)).status_code == 403
    assert client.post(f"{A}/entries", _entry_body(books, post=True)).status_code == 403
    posted = make_invoice("100")
    assert client.post(f"{A}/payments", _payment_body(books, customer, "107", [posted.pk])).status_code == 403
    assert client.post(f"{A}/invoices/{posted.pk}/cancel").status_code == 403
    assert client.patch(f"{A}/settings", {"lock_date": "2026-01-31"}).status_code == 403
    assert client.get(f"{A}/invoices").json()["count"] == 2  # sales may view
    assert Invoice.objects.get(pk=draft.json()["id"]).state == "draft"


def test_a_personal_access_token_works_too(books: Company, customer: Any, accountant: User) -> None:
    _token, raw = access_token_create(user=accountant, name="erp bridge")
    client = ApiClient(Client(enforce_csrf_checks=True), token=raw)
    created = client.post(f"{A}/invoices", _invoice_body(books, customer, post=True))
    assert created.status_code == 201, created.content
    assert client.get(f"{A}/invoices", {"state": "posted"}).json()["count"] == 1
    assert ApiClient(Client()).get(f"{A}/invoices").status_code == 401


def test_openapi_lists_the_ledger_paths(api: Callable[[User], ApiClient], accountant: User) -> None:
    paths = set(api(accountant).get("/openapi.json").json()["paths"])
    expected = {
        "/setup",
        "/settings",
        "/fiscal-periods",
        "/fiscal-periods/{period_id}/close",
        "/fiscal-periods/{period_id}/reopen",
        "/accounts",
        "/accounts/{account_id}",
        "/journals",
        "/taxes",
        "/payment-terms",
        "/entries",
        "/entries/{entry_id}",
        "/entries/{entry_id}/post",
        "/entries/{entry_id}/reverse",
        "/invoices",
        "/invoices/{invoice_id}",
        "/invoices/{invoice_id}/post",
        "/invoices/{invoice_id}/cancel",
        "/invoices/{invoice_id}/credit-note",
        "/payments",
        "/payments/{payment_id}",
        "/payments/{payment_id}/cancel",
        "/lines/{line_id}/unreconcile",
        "/partners/{party_id}/balance",
    }
    assert {f"/api/v1/accounting{path}" for path in expected} <= paths
    assert FiscalPeriod.objects.count() == 12
