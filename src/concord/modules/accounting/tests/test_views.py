"""The ledger screens as a user sees them: set-up, invoice form, posting, paying, entries, lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from concord.core.identity.roles import Role
from concord.modules.accounting.models import AccountingSettings, Invoice, InvoiceState, JournalEntry, Payment

from .conftest import TODAY, account, journal, tax

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, accountant):
    client.force_login(accountant, backend="concord.core.identity.backends.RoleBackend")
    return client


def test_setup_page_sets_the_books_up(client, company, make_user):
    user = make_user(company=company, roles=(Role.ACCOUNTANT,))
    client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
    assert client.get(reverse("accounting:home")).url == reverse("accounting:settings")
    page = client.get(reverse("accounting:settings"))
    assert "Set up the books" in page.content.decode()
    bad = client.post(reverse("accounting:settings"), {"template": "nope", "fiscal_year": "2026"})
    assert bad.status_code == 400
    assert not AccountingSettings.objects.exists()
    done = client.post(reverse("accounting:settings"), {"template": "th_npae", "fiscal_year": "2026"})
    assert done.status_code == 302
    assert AccountingSettings.objects.get(company=company).chart_template == "th_npae"
    assert client.get(reverse("accounting:home")).status_code == 200


def _invoice_post_data(customer, books, **extra):
    data = {
        "partner": customer.pk,
        "date": TODAY.isoformat(),
        "currency": "THB",
        "ref": "PO-77",
        "narration": "",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Carbon steel wok",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "500",
        "lines-0-discount_percent": "0",
        "lines-0-taxes": [str(tax(books, "VAT7").pk)],
        "lines-1-description": "",
        "lines-1-quantity": "1",
        "lines-1-unit_price": "",
        "lines-1-discount_percent": "0",
        "lines-1-taxes": [str(tax(books, "VAT7").pk)],  # an untouched row keeps its default tax selected
    }
    data.update(extra)
    return data


def test_invoice_form_creates_posts_and_the_payment_form_pays(web, books, customer):
    assert web.get(reverse("accounting:invoice-create")).status_code == 200
    response = web.post(reverse("accounting:invoice-create"), _invoice_post_data(customer, books, post="1"))
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.state == InvoiceState.POSTED
    assert invoice.amount_total == Decimal("1070.00")
    page = web.get(reverse("accounting:invoice-detail", args=[invoice.pk])).content.decode()
    assert "INV/2026/00001" in page
    assert "Register a payment" in page
    overpay = web.post(
        reverse("accounting:invoice-detail", args=[invoice.pk]),
        {"journal": journal(books, "BNK1").pk, "amount": "2000", "date": TODAY.isoformat(), "memo": ""},
    )
    assert overpay.status_code == 400
    assert "only 1070.00 is due" in overpay.content.decode()
    assert not Payment.objects.exists()
    paid = web.post(
        reverse("accounting:invoice-detail", args=[invoice.pk]),
        {
            "journal": journal(books, "BNK1").pk,
            "amount": "1070",
            "date": TODAY.isoformat(),
            "memo": "transfer",
        },
    )
    assert paid.status_code == 302
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID


def test_invoice_form_shows_errors_and_saves_nothing(web, books, customer):
    data = _invoice_post_data(customer, books, **{"lines-0-discount_percent": "150"})
    response = web.post(reverse("accounting:invoice-create"), data)
    assert response.status_code == 400
    assert "discount" in response.content.decode()
    no_lines = _invoice_post_data(customer, books, **{"lines-0-description": "", "lines-0-unit_price": ""})
    assert web.post(reverse("accounting:invoice-create"), no_lines).status_code == 400
    assert not Invoice.objects.exists()


def test_draft_edit_cancel_credit_note(web, books, make_invoice):
    draft = make_invoice("300", post=False)
    assert web.get(reverse("accounting:invoice-edit", args=[draft.pk])).status_code == 200
    web.post(reverse("accounting:invoice-post", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == InvoiceState.POSTED
    web.post(reverse("accounting:invoice-credit-note", args=[draft.pk]))
    note = Invoice.objects.get(reversed_invoice=draft)
    assert note.state == InvoiceState.DRAFT
    web.post(reverse("accounting:invoice-post", args=[note.pk]))
    draft.refresh_from_db()
    assert draft.state == InvoiceState.PAID
    # a paid invoice cannot be cancelled: a message, not an error page
    response = web.post(reverse("accounting:invoice-cancel", args=[draft.pk]), follow=True)
    assert "undo its payments" in response.content.decode()


def test_manual_entry_form_refuses_unbalanced_and_posts_balanced(web, books):
    base = {
        "journal": journal(books, "MISC").pk,
        "date": TODAY.isoformat(),
        "ref": "Opening",
        "narration": "",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "2",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-account": account(books, "bank").pk,
        "lines-0-debit": "5000",
        "lines-0-credit": "",
        "lines-1-account": account(books, "opening_balance").pk,
        "lines-1-debit": "",
        "lines-1-credit": "4000",
    }
    bad = web.post(reverse("accounting:entry-create"), {**base, "post": "1"})
    assert bad.status_code == 400
    assert "does not balance" in bad.content.decode()
    assert not JournalEntry.objects.exists()
    good = web.post(reverse("accounting:entry-create"), {**base, "lines-1-credit": "5000", "post": "1"})
    assert good.status_code == 302
    entry = JournalEntry.objects.get()
    assert entry.number == "MISC/2026/00001"
    assert web.get(reverse("accounting:entry-detail", args=[entry.pk])).status_code == 200
    web.post(reverse("accounting:entry-reverse", args=[entry.pk]))
    assert JournalEntry.objects.filter(reversal_of=entry).exists()


@pytest.mark.parametrize(
    "name",
    [
        "accounting:invoices",
        "accounting:bills",
        "accounting:payments",
        "accounting:entries",
        "accounting:accounts",
        "accounting:taxes",
        "accounting:settings",
        "accounting:home",
    ],
)
def test_screens_render(web, books, make_invoice, name):
    make_invoice("100")
    response = web.get(reverse(name))
    assert response.status_code == 200


def test_lists_export(web, books, make_invoice):
    make_invoice("100")
    response = web.get(reverse("accounting:invoices") + "?export=csv")
    assert response.status_code == 200
    assert "INV/2026/00001" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_other_company_and_missing_permission(client, books, make_invoice, make_company, make_user):
    invoice = make_invoice("100")
    other = make_company(name="Other", code="other")
    stranger = make_user(company=other, roles=(Role.ACCOUNTANT,))
    client.force_login(stranger, backend="concord.core.identity.backends.RoleBackend")
    assert client.get(reverse("accounting:invoice-detail", args=[invoice.pk])).status_code == 404
    assert client.post(reverse("accounting:invoice-cancel", args=[invoice.pk])).status_code == 404
    seller = make_user(company=books, roles=(Role.SALES,))
    client.force_login(seller, backend="concord.core.identity.backends.RoleBackend")
    assert client.get(reverse("accounting:invoice-detail", args=[invoice.pk])).status_code == 200
    assert client.post(reverse("accounting:invoice-cancel", args=[invoice.pk])).status_code == 403
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.POSTED


def test_party_page_shows_the_invoices_panel_and_balance(web, books, customer, make_invoice):
    make_invoice("1000")
    page = web.get(reverse("parties:detail", args=[customer.pk])).content.decode()
    assert "Invoices and balance" in page
    assert "INV/2026/00001" in page
    overview = web.get(f"/api/v1/parties/{customer.pk}/overview").json()
    assert Decimal(overview["header"]["balance"]) == Decimal("1070")
    panel = next(p for p in overview["panels"] if p["key"] == "accounting.invoices")
    assert panel["data"]["invoices"][0]["number"] == "INV/2026/00001"
    assert any(
        "InvoicePosted" in entry["title"] or "Invoice" in entry["title"] for entry in overview["timeline"]
    )
