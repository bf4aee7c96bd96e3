"""Matching suggestions for statement lines, one-click reconciliation and its undoing, through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concord.core.errors import ValidationFailed
from concord.modules.accounting.bank.matching import name_similarity, suggestions_for
from concord.modules.accounting.bank.services import (
    statement_import,
    statement_line_reconcile,
    statement_line_unreconcile,
)
from concord.modules.accounting.bank_formats import CsvMapping
from concord.modules.accounting.errors import InvalidAccountError, OverpaymentError, StateError
from concord.modules.accounting.models import (
    Account,
    InvoiceState,
    JournalEntry,
    Payment,
    PaymentState,
    StatementLineState,
)
from concord.modules.accounting.services.payments import payment_register

from .conftest import TODAY, balance, journal, tax

pytestmark = pytest.mark.django_db

MAPPING = CsvMapping(
    date="Date",
    amount="Amount",
    reference="Reference",
    description="Description",
    counterparty="Payer/Payee",
    date_format="%Y-%m-%d",
)


@pytest.fixture
def bank(books):
    return journal(books, "BNK1")


@pytest.fixture
def statement_of(books, bank, accountant):
    """``statement_of((amount, reference, description, counterparty[, date]), ...)``: its lines, in order."""
    counter = {"n": 0}

    def make(*rows):
        counter["n"] += 1
        body = ["Date,Amount,Reference,Description,Payer/Payee"]
        for row in rows:
            amount, reference, description, counterparty, *rest = row
            on = rest[0] if rest else TODAY
            body.append(f'{on.isoformat()},{amount},"{reference}","{description}","{counterparty}"')
        statement = statement_import(
            company=books,
            journal=bank,
            data=("\n".join(body) + "\n").encode(),
            filename=f"statement-{counter['n']}.csv",
            by=accountant,
            mapping=MAPPING,
        )
        return list(statement.lines.order_by("pk"))

    return make


@pytest.fixture
def second_customer(books, make_partner):
    return make_partner(books, "Mekong Rice Trading Co., Ltd.")


def fees_account(books):
    return Account.objects.get(company=books, code="5365")


# --------------------------------------------------------------------------- suggestions
def test_the_invoice_named_in_the_reference_with_the_same_amount_ranks_first(
    books, make_invoice, second_customer, statement_of
):
    make_invoice("1000")  # INV/2026/00001, 1,070 due, same amount but not named
    named = make_invoice("1000", partner=second_customer)  # INV/2026/00002
    make_invoice("250")
    (line,) = statement_of(("1070.00", "inv 2026 00002", "Transfer", "MEKONG RICE TRADING CO LTD"))
    suggestions = suggestions_for(line)
    best = suggestions[0]
    assert best.kind == "invoices"
    assert best.ids == (named.pk,)
    assert best.numbers == ("INV/2026/00002",)
    assert best.partner_id == second_customer.pk
    assert best.partner_name == "Mekong Rice Trading Co., Ltd."
    assert best.amount == Decimal("1070.00")
    assert "same amount" in best.reasons
    assert "reference INV/2026/00002 found" in best.reasons
    assert "partner name matches" in best.reasons
    assert len(suggestions) >= 2  # the other invoice of 1,070 is a weaker suggestion
    assert suggestions[1].score < best.score


def test_a_reference_in_the_description_is_found_whatever_the_spacing(books, make_invoice, statement_of):
    invoice = make_invoice("1000")
    (line,) = statement_of(("500.00", "", "Part payment for INV-2026-00001, thanks", "Somebody"))
    (suggestion,) = suggestions_for(line)
    assert suggestion.ids == (invoice.pk,)
    assert "reference INV/2026/00001 found" in suggestion.reasons
    assert "partial payment" in suggestion.reasons


def test_two_invoices_of_one_partner_adding_up_are_suggested(books, make_invoice, customer, statement_of):
    first = make_invoice("1000")  # 1,070
    second = make_invoice("500")  # 535
    (line,) = statement_of(("1605.00", "", "two invoices", "Chao Phraya Foods"))
    suggestion = suggestions_for(line)[0]
    assert suggestion.kind == "invoices"
    assert set(suggestion.ids) == {first.pk, second.pk}
    assert suggestion.partner_id == customer.pk
    assert "total of 2 invoices matches" in suggestion.reasons


def test_money_out_suggests_vendor_bills_not_customer_invoices(books, make_invoice, vendor, statement_of):
    bill = make_invoice("1000", kind="in_invoice", partner=vendor, ref="IS-7781")
    make_invoice("1000")  # a customer invoice of the same amount
    (line,) = statement_of(("-1070.00", "IS 7781", "steel", "Isan Steel Works"))
    suggestions = suggestions_for(line)
    assert [s.ids for s in suggestions] == [(bill.pk,)]
    assert (
        "reference IS 7781 found" in suggestions[0].reasons
        or "reference IS-7781 found" in suggestions[0].reasons
    )


def test_an_unmatched_payment_of_the_journal_is_suggested(books, bank, customer, accountant, statement_of):
    payment = payment_register(
        company=books,
        partner_id=customer.pk,
        journal=bank,
        amount=Decimal("800"),
        date=TODAY,
        by=accountant,
        direction="inbound",
        allow_overpayment=True,
    )
    (line,) = statement_of(("800.00", "deposit", "", ""))
    best = suggestions_for(line)[0]
    assert best.kind == "payment"
    assert best.ids == (payment.pk,)
    assert "same amount" in best.reasons
    assert "same date" in best.reasons


def test_nothing_is_suggested_without_a_clue_or_for_a_reconciled_line(books, make_invoice, statement_of):
    make_invoice("1000")
    (line,) = statement_of(("12.34", "", "coffee", "Cafe Amazon"))
    assert suggestions_for(line) == []


def test_suggestions_run_a_bounded_number_of_queries(
    books, make_invoice, statement_of, django_assert_max_num_queries
):
    for _ in range(6):
        make_invoice("1000")
    (line,) = statement_of(("1070.00", "INV/2026/00003", "", "Chao Phraya Foods"))
    with django_assert_max_num_queries(5):
        assert suggestions_for(line)


def test_name_similarity_ignores_legal_words_and_case():
    assert name_similarity("Chao Phraya Foods Co., Ltd.", "CHAO PHRAYA FOODS CO LTD") == 1.0
    assert name_similarity("บริษัท ข้าวทอง จำกัด", "ข้าวทอง") == 1.0
    assert name_similarity("Bangkok Logistics Co., Ltd.", "BANGKOK LOGIST") > 0.9
    assert name_similarity("Chao Phraya Foods", "", "Payment from chao phraya foods ref 12") > 0.8
    assert name_similarity("Isan Steel Works", "Mekong Rice") == 0.0


# --------------------------------------------------------------------------- reconcile with invoices
def test_one_click_reconcile_registers_the_payment_and_pays_the_invoice(
    books, bank, customer, accountant, make_invoice, statement_of
):
    invoice = make_invoice("1000")
    (line,) = statement_of(("1070.00", "INV/2026/00001", "Customer payment", "Chao Phraya Foods"))
    suggestion = suggestions_for(line)[0]
    before = balance(books, "bank")
    reconciled = statement_line_reconcile(
        line=line, by=accountant, invoices=list(type(invoice).objects.filter(pk__in=suggestion.ids))
    )
    assert reconciled.state == StatementLineState.RECONCILED
    assert reconciled.partner_id == customer.pk
    payment = reconciled.payment
    assert payment is not None
    assert payment.amount == Decimal("1070.00")
    assert payment.direction == "inbound"
    assert payment.journal_id == bank.pk
    assert payment.date == line.date
    assert payment.source_key == f"bankline:{line.pk}"
    assert payment.memo == "INV/2026/00001"
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert invoice.amount_residual == 0
    assert balance(books, "bank") - before == Decimal("1070.00")
    assert balance(books, "receivable", customer) == 0
    assert suggestions_for(reconciled) == []


def test_money_out_pays_a_vendor_bill(books, vendor, accountant, make_invoice, statement_of):
    bill = make_invoice("1000", kind="in_invoice", partner=vendor)
    (line,) = statement_of(("-1070.00", "", "steel", "Isan Steel Works"))
    statement_line_reconcile(line=line, by=accountant, invoices=[bill])
    bill.refresh_from_db()
    assert bill.state == InvoiceState.PAID
    assert Payment.objects.get(pk=line.payment_id).direction == "outbound"
    assert balance(books, "bank") == Decimal("-1070.00")
    assert balance(books, "payable", vendor) == 0


def test_a_smaller_amount_pays_part_and_a_larger_one_needs_consent(
    books, customer, accountant, make_invoice, statement_of
):
    invoice = make_invoice("1000")
    partial, larger = statement_of(("500.00", "a", "", ""), ("2000.00", "b", "", ""))
    statement_line_reconcile(line=partial, by=accountant, invoices=[invoice])
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PARTIAL
    assert invoice.amount_residual == Decimal("570.00")
    with pytest.raises(OverpaymentError):
        statement_line_reconcile(line=larger, by=accountant, invoices=[invoice])
    larger.refresh_from_db()
    assert larger.state == StatementLineState.OPEN
    statement_line_reconcile(line=larger, by=accountant, invoices=[invoice], allow_overpayment=True)
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert balance(books, "receivable", customer) == Decimal("-1430.00")  # kept as the customer's credit


def test_withholding_tax_is_passed_to_the_payment(books, customer, accountant, make_invoice, statement_of):
    invoice = make_invoice("1000")  # 1,070 incl. VAT; the customer withholds 3% of 1,000
    (line,) = statement_of(("1040.00", "INV/2026/00001", "", ""))
    statement_line_reconcile(line=line, by=accountant, invoices=[invoice], wht_tax=tax(books, "WHT3"))
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert Payment.objects.get(pk=line.payment_id).wht_amount == Decimal("30.00")


def test_refusals_leave_the_line_open(books, vendor, accountant, make_invoice, second_customer, statement_of):
    invoice = make_invoice("1000")
    bill = make_invoice("1000", kind="in_invoice", partner=vendor)
    other = make_invoice("1000", partner=second_customer)
    money_in, money_out = statement_of(("1070.00", "x", "", ""), ("-1070.00", "y", "", ""))
    with pytest.raises(ValidationFailed, match="cannot settle"):
        statement_line_reconcile(line=money_in, by=accountant, invoices=[bill])
    with pytest.raises(ValidationFailed, match="cannot settle"):
        statement_line_reconcile(line=money_out, by=accountant, invoices=[invoice])
    with pytest.raises(ValidationFailed, match="different partners"):
        statement_line_reconcile(line=money_in, by=accountant, invoices=[invoice, other])
    with pytest.raises(ValidationFailed, match="one of"):
        statement_line_reconcile(line=money_in, by=accountant)
    with pytest.raises(ValidationFailed, match="one of"):
        statement_line_reconcile(
            line=money_in, by=accountant, invoices=[invoice], counter_account_id=fees_account(books).pk
        )
    money_in.refresh_from_db()
    assert money_in.state == StatementLineState.OPEN
    assert not Payment.objects.exists()
    assert balance(books, "bank") == 0


def test_an_already_reconciled_line_is_refused(books, accountant, make_invoice, statement_of):
    invoice = make_invoice("1000")
    second = make_invoice("1000")
    (line,) = statement_of(("1070.00", "x", "", ""))
    statement_line_reconcile(line=line, by=accountant, invoices=[invoice])
    with pytest.raises(StateError):
        statement_line_reconcile(line=line, by=accountant, invoices=[second])
    assert Payment.objects.count() == 1


# --------------------------------------------------------------------------- with a payment, with an account
def test_reconcile_with_an_existing_payment_links_it(books, bank, customer, accountant, statement_of):
    payment = payment_register(
        company=books,
        partner_id=customer.pk,
        journal=bank,
        amount=Decimal("800"),
        date=TODAY,
        by=accountant,
        direction="inbound",
        allow_overpayment=True,
    )
    line, wrong_amount = statement_of(("800.00", "dep", "", ""), ("801.00", "dep2", "", ""))
    before = balance(books, "bank")
    reconciled = statement_line_reconcile(line=line, by=accountant, payment=payment)
    assert reconciled.payment_id == payment.pk
    assert reconciled.partner_id == customer.pk
    assert balance(books, "bank") == before  # nothing new was posted
    assert Payment.objects.count() == 1
    with pytest.raises(ValidationFailed, match="801"):
        statement_line_reconcile(line=wrong_amount, by=accountant, payment=payment)
    (again,) = statement_of(("800.00", "dep3", "", ""))
    with pytest.raises(StateError, match="another statement line"):
        statement_line_reconcile(line=again, by=accountant, payment=payment)
    statement_line_unreconcile(line=reconciled, by=accountant)
    payment.refresh_from_db()
    assert payment.state == PaymentState.POSTED  # it was only pointed at: it stays


def test_a_fee_line_is_booked_against_an_expense_account(books, bank, accountant, statement_of):
    (line,) = statement_of(("-25.00", "", "transfer fee", ""))
    fees = fees_account(books)
    reconciled = statement_line_reconcile(line=line, by=accountant, counter_account_id=fees.pk)
    assert reconciled.state == StatementLineState.RECONCILED
    assert reconciled.entry is not None
    assert reconciled.entry.is_posted
    assert reconciled.entry.journal_id == bank.pk
    assert balance(books, "bank") == Decimal("-25.00")
    assert balance(books, fees) == Decimal("25.00")


def test_interest_received_is_booked_against_income(books, accountant, statement_of):
    (line,) = statement_of(("18.42", "", "interest", ""))
    interest = Account.objects.get(company=books, code="4210")
    statement_line_reconcile(line=line, by=accountant, counter_account_id=interest.pk)
    assert balance(books, "bank") == Decimal("18.42")
    assert balance(books, interest) == Decimal("-18.42")


def test_a_counter_account_must_be_of_the_company_and_not_the_bank(
    books, bank, accountant, statement_of, make_company
):
    from concord.modules.accounting.services.setup import accounting_setup

    (line,) = statement_of(("-25.00", "", "fee", ""))
    other = make_company(code="other")
    accounting_setup(company=other, template="th_npae", by=None, fiscal_year=2026)
    with pytest.raises(InvalidAccountError):
        statement_line_reconcile(
            line=line, by=accountant, counter_account_id=Account.objects.get(company=other, code="5365").pk
        )
    with pytest.raises(ValidationFailed, match="other side"):
        statement_line_reconcile(line=line, by=accountant, counter_account_id=bank.default_account_id)


# --------------------------------------------------------------------------- undo
def test_unreconcile_cancels_the_payment_and_reopens_the_invoice(
    books, customer, accountant, make_invoice, statement_of
):
    invoice = make_invoice("1000")
    (line,) = statement_of(("1070.00", "INV/2026/00001", "", ""))
    statement_line_reconcile(line=line, by=accountant, invoices=[invoice])
    payment_id = line.payment_id
    undone = statement_line_unreconcile(line=line, by=accountant)
    assert undone.state == StatementLineState.OPEN
    assert undone.payment_id is None
    assert Payment.objects.get(pk=payment_id).state == PaymentState.CANCELLED
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.POSTED
    assert invoice.amount_residual == Decimal("1070.00")
    assert balance(books, "bank") == 0
    assert balance(books, "receivable", customer) == Decimal("1070.00")
    assert suggestions_for(undone)[0].ids == (invoice.pk,)
    # and it can be reconciled again: the new payment gets its own key
    again = statement_line_reconcile(line=undone, by=accountant, invoices=[invoice])
    assert again.payment is not None
    assert again.payment.source_key == f"bankline:{line.pk}#2"
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID


def test_unreconcile_reverses_the_fee_entry(books, accountant, statement_of):
    (line,) = statement_of(("-25.00", "", "fee", ""))
    fees = fees_account(books)
    statement_line_reconcile(line=line, by=accountant, counter_account_id=fees.pk)
    entry_id = line.entry_id
    statement_line_unreconcile(line=line, by=accountant)
    assert line.entry_id is None
    assert JournalEntry.objects.filter(reversal_of_id=entry_id).exists()
    assert balance(books, "bank") == 0
    assert balance(books, fees) == 0


def test_an_open_line_cannot_be_unreconciled(books, accountant, statement_of):
    (line,) = statement_of(("-25.00", "", "fee", ""))
    with pytest.raises(StateError):
        statement_line_unreconcile(line=line, by=accountant)


def test_a_partner_alone_keeps_the_money_as_their_credit(books, customer, accountant, statement_of):
    (line,) = statement_of(("300.00", "advance", "", ""))
    with pytest.raises(OverpaymentError):  # a payment on account needs the choice made explicit
        statement_line_reconcile(line=line, by=accountant, partner_id=customer.pk)
    reconciled = statement_line_reconcile(
        line=line, by=accountant, partner_id=customer.pk, allow_overpayment=True
    )
    assert reconciled.partner_id == customer.pk
    assert balance(books, "receivable", customer) == Decimal("-300.00")
    assert balance(books, "bank") == Decimal("300.00")
