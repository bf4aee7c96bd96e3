"""Many transactions posting invoices in one sales journal at once, on PostgreSQL: no duplicates, no gaps.

Each thread has its own database connection (Django's are per thread) and posts its invoices through
the services, each in its own transaction. The number comes from the journal's sequence row, locked
until the transaction ends, so concurrent posts queue on it; a transaction that rolls back after
``invoice_post`` gives its number back, and the committed invoices are still numbered 1..N. Last, many
clerks paying the same invoice in full at once: the invoice rows are locked, so one payment wins.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connections, transaction

from concord.modules.accounting.errors import StateError
from concord.modules.accounting.models import (
    EntryState,
    Invoice,
    InvoiceState,
    JournalEntry,
    JournalLine,
    Payment,
)
from concord.modules.accounting.services.invoices import InvoiceLineInput, invoice_create, invoice_post
from concord.modules.accounting.services.payments import payment_register

from .conftest import balance, journal, tax

THREADS = 8
INVOICES_PER_THREAD = 5
DAY = dt.date(2026, 3, 10)


class InvoiceSaveError(Exception):
    """The caller's work failed after the invoice took its number: its transaction rolls back."""


def post_one(company, partner_id: int, vat_id: int, *, thread: int, attempt: int, fail: bool) -> int:
    """Create and post one invoice in its own transaction; roll it back with InvoiceSaveError when ``fail``."""
    with transaction.atomic():
        draft = invoice_create(
            company=company,
            kind="out_invoice",
            partner_id=partner_id,
            lines=[
                InvoiceLineInput(
                    description=f"Thread {thread} invoice {attempt}",
                    quantity=Decimal(thread + 1),
                    unit_price=Decimal("100.50") + attempt,
                    tax_ids=(vat_id,),
                )
            ],
            by=None,
            date=DAY,
        )
        posted = invoice_post(invoice=draft, by=None)
        number = int(posted.number.rsplit("/", 1)[1])
        if fail:
            raise InvoiceSaveError(number)
    return number


def run_threads(
    company, partner_id: int, vat_id: int, *, fails
) -> tuple[list[int], list[int], list[BaseException]]:
    """THREADS threads posting INVOICES_PER_THREAD invoices each, all released at once."""
    start = threading.Barrier(THREADS)
    committed: list[int] = []
    rolled_back: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        try:
            start.wait(timeout=30)  # every thread races for the not-yet-created sequence row
            for attempt in range(INVOICES_PER_THREAD):
                fail = fails(index, attempt)
                try:
                    number = post_one(company, partner_id, vat_id, thread=index, attempt=attempt, fail=fail)
                except InvoiceSaveError as rollback:
                    with lock:
                        rolled_back.append(rollback.args[0])
                    continue
                with lock:
                    committed.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread, which fails the test
            errors.append(exc)
        finally:
            connections.close_all()  # each thread has its own connections; leave none open

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert all(not thread.is_alive() for thread in threads), "a thread is stuck (a deadlock?)"
    return committed, rolled_back, errors


def assert_ledger_matches(company, expected: int) -> None:
    """``expected`` posted invoices numbered INV/2026/00001.., each with its balanced entry, nothing else."""
    invoices = list(Invoice.objects.filter(company=company).order_by("number"))
    assert [invoice.number for invoice in invoices] == [f"INV/2026/{n:05d}" for n in range(1, expected + 1)]
    assert {invoice.state for invoice in invoices} == {InvoiceState.POSTED}
    entries = JournalEntry.objects.filter(company=company)
    assert entries.count() == expected  # a rolled-back post leaves no entry behind
    assert set(entries.values_list("state", flat=True)) == {EntryState.POSTED}
    assert sorted(entries.values_list("number", flat=True)) == [invoice.number for invoice in invoices]
    for invoice in invoices:
        lines = JournalLine.objects.filter(entry_id=invoice.entry_id)
        assert sum(line.debit for line in lines) == sum(line.credit for line in lines) == invoice.amount_total
    assert not JournalLine.objects.filter(company=company).exclude(entry__in=entries).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_get_unique_gapless_numbers(books, customer):
    sales = journal(books, "INV")
    assert sales.kind == "sale"
    committed, rolled_back, errors = run_threads(
        books, customer.pk, tax(books, "VAT7").pk, fails=lambda index, attempt: False
    )

    assert not errors, errors
    assert not rolled_back
    total = THREADS * INVOICES_PER_THREAD
    assert sorted(committed) == list(range(1, total + 1))  # INV/2026/00001 .. 00040: unique, gapless
    assert_ledger_matches(books, total)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_rolled_back_posts_give_their_numbers_back(books, customer):
    def fails(index: int, attempt: int) -> bool:
        return (index + attempt) % 3 == 0  # a third of the transactions roll back after invoice_post

    committed, rolled_back, errors = run_threads(books, customer.pk, tax(books, "VAT7").pk, fails=fails)

    assert not errors, errors
    expected = sum(
        1 for index in range(THREADS) for attempt in range(INVOICES_PER_THREAD) if not fails(index, attempt)
    )
    assert len(committed) == expected
    assert sorted(committed) == list(range(1, expected + 1))  # no duplicates, no gaps
    assert rolled_back  # the rollbacks really happened after taking a number...
    # ...and gave it back: none went beyond the one after the last committed number.
    assert max(rolled_back) <= expected + 1
    assert_ledger_matches(books, expected)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_invoice_paid_by_many_at_once_is_paid_once(books, customer, make_invoice):
    invoice = make_invoice("1000")  # 1,070.00 with VAT
    start = threading.Barrier(THREADS)
    paid: list[str] = []
    refused: list[BaseException] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            start.wait(timeout=30)
            payment = payment_register(
                company=books,
                partner_id=customer.pk,
                journal=journal(books, "BNK1"),
                amount=invoice.amount_total,
                date=DAY,
                by=None,
                invoices=[invoice],
            )
            with lock:
                paid.append(payment.number)
        except StateError as exc:  # the invoice was paid meanwhile: nothing is due on it
            with lock:
                refused.append(exc)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread, which fails the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert all(not thread.is_alive() for thread in threads), "a thread is stuck (a deadlock?)"
    assert not errors, errors
    assert paid == ["BNK1/2026/00001"]
    assert len(refused) == THREADS - 1
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert Payment.objects.filter(company=books).count() == 1
    assert balance(books, "receivable", customer) == 0
    assert balance(books, "bank") == invoice.amount_total
