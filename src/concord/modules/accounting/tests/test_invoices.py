"""Invoices, credit notes, payments, withholding tax and foreign currency, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from concord.core.errors import ValidationFailed
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.services import exchange_rate_set
from concord.core.outbox.models import OutboxEvent
from concord.modules.accounting.errors import OverpaymentError, StateError
from concord.modules.accounting.models import (
    Invoice,
    InvoiceState,
    JournalEntry,
    Payment,
    WithholdingCertificate,
)
from concord.modules.accounting.services.invoices import (
    InvoiceLineInput,
    credit_note_create,
    invoice_cancel,
    invoice_create,
    invoice_post,
)
from concord.modules.accounting.services.payments import payment_cancel, payment_register
from concord.modules.accounting.services.reconcile import line_unreconcile

from .conftest import TODAY, account, balance, journal, tax

pytestmark = pytest.mark.django_db


def test_customer_invoice_posts_vat_and_receivable(books, customer, make_invoice):
    invoice = make_invoice("1000")
    assert invoice.number == "INV/2026/00001"
    assert (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total) == (
        Decimal("1000.00"),
        Decimal("70.00"),
        Decimal("1070.00"),
    )
    assert invoice.state == InvoiceState.POSTED
    assert invoice.due_date == TODAY + dt.timedelta(days=30)
    assert balance(books, "receivable", customer) == Decimal("1070.00")
    assert balance(books, "income") == Decimal("-1000.00")
    assert balance(books, tax(books, "VAT7").sale_account) == Decimal("-70.00")
    types = list(OutboxEvent.objects.values_list("event_type", flat=True))
    assert any(t.endswith("InvoicePosted") for t in types)


def test_price_included_discount_and_several_lines(books, customer, accountant):
    vat = tax(books, "VAT7")
    vat.price_include = True
    vat.save()
    invoice = invoice_create(
        company=books,
        kind="out_invoice",
        partner_id=customer.pk,
        by=accountant,
        date=TODAY,
        lines=[
            InvoiceLineInput("Wok", Decimal("2"), Decimal("535"), tax_ids=(vat.pk,)),
            InvoiceLineInput(
                "Knife", Decimal("1"), Decimal("100"), discount_percent=Decimal("10"), tax_ids=(vat.pk,)
            ),
        ],
    )
    # 1070 incl. VAT = 1000 + 70; 90 incl. VAT = 84.11 + 5.89
    assert invoice.amount_total == Decimal("1160.00")
    assert invoice.amount_untaxed == Decimal("1084.11")
    posted = invoice_post(invoice=invoice, by=accountant)
    assert balance(books, "receivable", customer) == Decimal("1160.00")
    assert posted.amount_tax == Decimal("75.89")


def test_bad_lines_are_refused_with_a_message(books, customer, accountant):
    def create(*lines):
        return invoice_create(
            company=books,
            kind="out_invoice",
            partner_id=customer.pk,
            by=accountant,
            date=TODAY,
            lines=list(lines),
        )

    with pytest.raises(ValidationFailed, match="at least one line"):
        create()
    with pytest.raises(ValidationFailed, match="discount"):
        create(InvoiceLineInput("Wok", Decimal("1"), Decimal("10"), discount_percent=Decimal("120")))
    with pytest.raises(ValidationFailed, match="quantity"):
        create(InvoiceLineInput("Wok", Decimal("0"), Decimal("10")))
    with pytest.raises(ValidationFailed, match="withholding tax"):
        create(InvoiceLineInput("Wok", Decimal("1"), Decimal("10"), tax_ids=(tax(books, "WHT3").pk,)))
    assert not Invoice.objects.exists()


def test_posting_twice_and_editing_posted_are_refused(books, make_invoice):
    invoice = make_invoice("500")
    with pytest.raises(StateError):
        invoice_post(invoice=invoice, by=None)


def test_cancel_reverses_the_entry(books, customer, make_invoice, accountant):
    invoice = make_invoice("1000")
    cancelled = invoice_cancel(invoice=invoice, by=accountant, reason="wrong customer")
    assert cancelled.state == InvoiceState.CANCELLED
    assert balance(books, "receivable", customer) == 0
    assert balance(books, "income") == 0
    assert JournalEntry.objects.filter(reversal_of=invoice.entry).exists()


def test_credit_note_settles_the_invoice(books, customer, make_invoice, accountant):
    invoice = make_invoice("1000")
    note = credit_note_create(invoice=invoice, by=accountant, date=TODAY)
    note = invoice_post(invoice=note, by=accountant)
    assert note.number == "RINV/2026/00001"
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert invoice.amount_residual == 0
    assert balance(books, "receivable", customer) == 0


def test_partial_then_full_payment_of_two_invoices(books, customer, make_invoice, accountant):
    first, second = make_invoice("1000"), make_invoice("500")
    bank = journal(books, "BNK1")
    payment = payment_register(
        company=books,
        partner_id=customer.pk,
        journal=bank,
        amount=Decimal("1500"),
        date=TODAY,
        by=accountant,
        invoices=[first, second],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == InvoiceState.PAID
    assert second.state == InvoiceState.PARTIAL
    assert second.amount_residual == Decimal("105.00")
    assert payment.number == "BNK1/2026/00001"
    payment_register(
        company=books,
        partner_id=customer.pk,
        journal=bank,
        amount=Decimal("105"),
        date=TODAY,
        by=accountant,
        invoices=[second],
    )
    second.refresh_from_db()
    assert second.state == InvoiceState.PAID
    assert balance(books, "receivable", customer) == 0
    assert balance(books, "bank") == Decimal("1605.00")


def test_overpayment_needs_an_explicit_choice_and_becomes_credit(books, customer, make_invoice, accountant):
    invoice = make_invoice("1000")
    bank = journal(books, "BNK1")
    with pytest.raises(OverpaymentError, match=r"only 1070\.00 is due"):
        payment_register(
            company=books,
            partner_id=customer.pk,
            journal=bank,
            amount=Decimal("1100"),
            date=TODAY,
            by=accountant,
            invoices=[invoice],
        )
    assert not Payment.objects.exists()
    payment_register(
        company=books,
        partner_id=customer.pk,
        journal=bank,
        amount=Decimal("1100"),
        date=TODAY,
        by=accountant,
        invoices=[invoice],
        allow_overpayment=True,
    )
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert balance(books, "receivable", customer) == Decimal("-30.00")  # the customer's credit


def test_refund_of_customer_credit(books, customer, make_invoice, accountant):
    invoice = make_invoice("1000")
    note = invoice_post(invoice=credit_note_create(invoice=invoice, by=accountant, date=TODAY), by=accountant)
    # the invoice was already settled by the credit note; pay back a second credit note in cash
    second = make_invoice("200")
    note2 = invoice_post(invoice=credit_note_create(invoice=second, by=accountant, date=TODAY), by=accountant)
    assert note.state == InvoiceState.PAID
    assert note2.state == InvoiceState.PAID
    make_invoice("100", kind="out_refund")
    refund = Invoice.objects.get(kind="out_refund", reversed_invoice=None)
    payment_register(
        company=books,
        partner_id=customer.pk,
        journal=journal(books, "BNK1"),
        amount=Decimal("107"),
        date=TODAY,
        by=accountant,
        invoices=[refund],
    )
    refund.refresh_from_db()
    assert refund.state == InvoiceState.PAID
    assert balance(books, "receivable", customer) == 0
    assert balance(books, "bank") == Decimal("-107.00")


def test_vendor_bill_paid_with_thai_withholding_tax(books, vendor, make_invoice, accountant):
    bill = make_invoice("10000", kind="in_invoice", partner=vendor)
    assert bill.number == "BILL/2026/00001"
    assert balance(books, "payable", vendor) == Decimal("-10700.00")
    wht = tax(books, "WHT3")
    payment = payment_register(
        company=books,
        partner_id=vendor.pk,
        journal=journal(books, "BNK1"),
        amount=Decimal("10400"),
        date=TODAY,
        by=accountant,
        invoices=[bill],
        wht_tax=wht,
    )
    assert (payment.wht_base, payment.wht_amount) == (Decimal("10000.00"), Decimal("300.00"))
    bill.refresh_from_db()
    assert bill.state == InvoiceState.PAID
    assert balance(books, "payable", vendor) == 0
    assert balance(books, wht.purchase_account) == Decimal("-300.00")
    certificate = WithholdingCertificate.objects.get(payment=payment)
    assert (certificate.number, certificate.form, certificate.income_type) == (
        "WHT/2026/00001",
        "PND53",
        "services",
    )


def test_customer_withholding_is_prepaid_tax(books, customer, make_invoice, accountant):
    invoice = make_invoice("1000")
    payment_register(
        company=books,
        partner_id=customer.pk,
        journal=journal(books, "BNK1"),
        amount=Decimal("1040"),
        date=TODAY,
        by=accountant,
        invoices=[invoice],
        wht_tax=tax(books, "WHT3"),
    )
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert balance(books, tax(books, "WHT3").sale_account) == Decimal("30.00")


def test_foreign_currency_invoice_books_realised_exchange_difference(books, customer, accountant):
    exchange_rate_set(
        company=books, currency="USD", rate_date=dt.date(2026, 3, 1), rate=Decimal("35"), by=accountant
    )
    invoice = invoice_create(
        company=books,
        kind="out_invoice",
        partner_id=customer.pk,
        by=accountant,
        date=TODAY,
        currency="USD",
        lines=[InvoiceLineInput("Consulting", Decimal("1"), Decimal("100"), tax_ids=())],
    )
    invoice = invoice_post(invoice=invoice, by=accountant)
    assert invoice.amount_total_company == Decimal("3500.00")
    exchange_rate_set(
        company=books, currency="USD", rate_date=dt.date(2026, 3, 20), rate=Decimal("34"), by=accountant
    )
    payment_register(
        company=books,
        partner_id=customer.pk,
        journal=journal(books, "BNK1"),
        amount=Decimal("100"),
        date=dt.date(2026, 3, 20),
        by=accountant,
        invoices=[invoice],
    )
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert balance(books, "receivable", customer) == 0
    assert balance(books, "fx_loss") == Decimal("100.00")
    # undo the match: the exchange difference is reversed and the invoice is due again
    assert invoice.entry is not None
    line = invoice.entry.lines.get(account=account(books, "receivable"))
    line_unreconcile(line=line, by=accountant)
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.POSTED
    assert invoice.amount_residual == Decimal("100.00")
    assert balance(books, "fx_loss") == 0


def test_currency_without_rate_is_refused(books, customer, accountant):
    invoice = invoice_create(
        company=books,
        kind="out_invoice",
        partner_id=customer.pk,
        by=accountant,
        date=TODAY,
        currency="EUR",
        lines=[InvoiceLineInput("Consulting", Decimal("1"), Decimal("100"), tax_ids=())],
    )
    with pytest.raises(NoExchangeRateError, match="No exchange rate for EUR"):
        invoice_post(invoice=invoice, by=accountant)
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT
    assert not JournalEntry.objects.exists()


def test_cancelling_a_paid_invoice_needs_the_payment_undone(books, customer, make_invoice, accountant):
    invoice = make_invoice("100")
    payment = payment_register(
        company=books,
        partner_id=customer.pk,
        journal=journal(books, "BNK1"),
        amount=Decimal("107"),
        date=TODAY,
        by=accountant,
        invoices=[invoice],
    )
    with pytest.raises(StateError, match="undo its payments"):
        invoice_cancel(invoice=invoice, by=accountant)
    payment_cancel(payment=payment, by=accountant)
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.POSTED
    invoice_cancel(invoice=invoice, by=accountant)
    assert balance(books, "receivable", customer) == 0
    assert balance(books, "bank") == 0


def test_lines_without_taxes_named_get_the_product_or_company_default(
    books, customer, accountant, make_product
):
    from concord.modules.accounting.taxes_default import product_taxes_set

    wok = make_product(books, "Wok", sale_price="100")
    knife = make_product(books, "Knife", sale_price="100")
    product_taxes_set(company_id=books.pk, product_id=knife.pk, tax_ids=[tax(books, "VATEX").pk])
    invoice = invoice_create(
        company=books,
        kind="out_invoice",
        partner_id=customer.pk,
        by=accountant,
        date=TODAY,
        lines=[
            InvoiceLineInput("Wok", Decimal("1"), Decimal("100"), product_id=wok.pk),
            InvoiceLineInput("Knife", Decimal("1"), Decimal("100"), product_id=knife.pk),
        ],
    )
    assert [
        list(line.taxes.values_list("code", flat=True)) for line in invoice.lines.order_by("sequence")
    ] == [["VAT7"], ["VATEX"]]
    assert invoice.amount_total == Decimal("207.00")
    from concord.modules.catalog.facade import product_default_taxes

    assert product_default_taxes(knife.pk) == ["VATEX"]


def test_an_overpayment_is_applied_to_the_next_invoice(books, customer, make_invoice, accountant, client):
    from concord.modules.accounting.queries import outstanding_credit
    from concord.modules.accounting.services.reconcile import invoice_credits_apply

    first = make_invoice("1000")
    payment_register(
        company=books,
        partner_id=customer.pk,
        journal=journal(books, "BNK1"),
        amount=Decimal("1500"),
        date=TODAY,
        by=accountant,
        invoices=[first],
        allow_overpayment=True,
    )
    second = make_invoice("200")  # 214.00 due
    assert outstanding_credit(second) == Decimal("430.00")
    client.force_login(accountant, backend="concord.core.identity.backends.RoleBackend")
    page = client.get(reverse("accounting:invoice-detail", args=[second.pk])).content.decode()
    assert "Apply the credit" in page
    client.post(reverse("accounting:invoice-apply-credit", args=[second.pk]))
    second.refresh_from_db()
    assert second.state == InvoiceState.PAID
    assert balance(books, "receivable", customer) == Decimal("-216.00")  # credit left
    third = make_invoice("100")
    api = client.post(f"/api/v1/accounting/invoices/{third.pk}/apply-credit")
    assert api.status_code == 200
    third.refresh_from_db()
    assert third.state == InvoiceState.PAID
    fourth = make_invoice("1000")
    invoice_credits_apply(invoice=fourth, by=accountant)  # the last 109.00 of credit
    fourth.refresh_from_db()
    assert (fourth.state, fourth.amount_residual) == (InvoiceState.PARTIAL, Decimal("961.00"))
    with pytest.raises(StateError, match="no outstanding credit"):
        invoice_credits_apply(invoice=fourth, by=accountant)
    assert client.post(f"/api/v1/accounting/invoices/{fourth.pk}/apply-credit").status_code == 409
