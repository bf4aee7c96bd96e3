"""W2 posting invoices into a large ledger, against raw SQL storing the same entries and lines.

Data: the ``_ledger_data`` company, ``CONCORD_BENCH_LEDGER_LINES`` journal lines already stored
(default 1,000,000, bulk-loaded over three years, partners, accounts and open items).

(a) Workload: ``invoice_create`` + ``invoice_post`` of 10-line customer invoices (each line with VAT
7%, on three income accounts) in the sales journal, ``BATCH`` invoices per transaction as an import
would post them, ``INVOICES`` invoices per timed run, best of three. Baseline, same run, same tables:
for each invoice, raw SQL writing the rows the ledger keeps of it: the entry (as a draft), its 12 lines
(receivable, ten revenue lines, VAT) in one ``executemany``, then the entry marked posted (the order
the guard triggers allow), in the same batches. The line also prints invoices per second and the
queries per invoice, counted for a 10-line and a 50-line invoice: a second line judges that the count
does not grow with the lines (limit 1.0x, the 10-line count).

(b) One 1,000-line invoice created and posted: its seconds against the issue's target (under 1 s,
printed after the verdict) and its queries; the verdict is the ratio against raw SQL writing that
invoice's entry and 1,002 lines the same way, so it means the same on any machine.

Why the limits (10-line invoices: 50x on SQLite, 30x on PostgreSQL; the 1,000-line invoice: 15x and
8x; queries: 1.0x). Beyond the rows of the entry, posting an invoice through the services writes the
invoice, its lines and their taxes, takes the gapless number (the sequence row, locked), writes two
audit entries and an outbox event, and checks what it is given: the partner, accounts and taxes, the
settings, the lock date and closed periods, the exchange rate. That is a fixed 46 queries against the
baseline's three statements per invoice, each a round trip and, on SQLite, Python work in the
driver. Measured on a 2-CPU developer machine at 1,000,000 stored lines: 35x and 21x for 10-line
invoices (66 and 35 invoices/s), 9.7x and 4.2x for the 1,000-line one (0.31 s and 0.30 s, 77 and 49
queries). The limits sit about 1.4x above the 10-line figures (room for a loaded machine) and about
1.6-1.9x above the 1,000-line ones: what they catch is per-line work (a query per line or per tax:
the 1,000-line ratio grows 3-6x at once) or posting starting to read the stored ledger (at a million
lines any scan costs more than the whole post).

When this workload was written, ``_build_lines`` resolved each line's taxes with two queries (the taxes,
then their children): 63 queries for a 10-line invoice, 143 for 50 lines, about 2,070 for 1,000, and
53x/31x, 34x/23x, 1.1 s and 1.6 s for the 1,000-line invoice (the target missed); the services load
the taxes of all lines at once since. SQLite's 999-parameter limit splits the bulk inserts of a
1,000-line invoice into batches of about 55 rows, hence its 77 queries against PostgreSQL's 49: a
query per batch, not per line.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks._ledger_data import Ledger, ledger
from benchmarks.harness import BenchResult, best_of
from concord.modules.accounting.models import Account, Invoice, Journal, Tax
from concord.modules.accounting.services.invoices import InvoiceLineInput, invoice_create, invoice_post

INVOICES = 200  # per timed run
BATCH = 50  # invoices per transaction
REPEATS = 3
BIG_INVOICE_LINES = 1_000
BIG_INVOICE_TARGET_SECONDS = 1.0
DAY = dt.date(2026, 6, 15)
LIMIT_RATIO = {"sqlite": 50.0, "postgresql": 30.0}
LIMIT_RATIO_BIG = {"sqlite": 15.0, "postgresql": 8.0}
QUERY_GROWTH_LIMIT = 1.0

_raw_numbers = itertools.count(1)


def _line_inputs(count: int, income: list[int], vat7: int) -> list[InvoiceLineInput]:
    return [
        InvoiceLineInput(
            description=f"Jasmine rice 5 kg, lot {index}",
            quantity=Decimal(1 + index % 7),
            unit_price=Decimal("245.50") + index,
            tax_ids=(vat7,),
            account_id=income[index % len(income)],
        )
        for index in range(count)
    ]


def _post_one(data: Ledger, lines: list[InvoiceLineInput]) -> None:
    draft = invoice_create(
        company=data.company,
        kind="out_invoice",
        partner_id=data.partner_ids[0],
        lines=lines,
        by=None,
        date=DAY,
    )
    invoice_post(invoice=draft, by=None)


def _post_invoices(data: Ledger, lines: list[InvoiceLineInput], invoices: int) -> None:
    for start in range(0, invoices, BATCH):
        with transaction.atomic():
            for _ in range(min(BATCH, invoices - start)):
                _post_one(data, lines)


def _raw_rows(data: Ledger, lines: list[InvoiceLineInput], accounts: dict[str, int]) -> list[tuple[Any, ...]]:
    """The entry's lines as the services store them (amounts need not match: the row shapes do)."""
    company_id, partner_id = data.company.pk, data.partner_ids[0]
    journal_id = accounts["journal"]
    subtotals = [line.quantity * line.unit_price for line in lines]
    vat = (sum(subtotals, Decimal(0)) * Decimal("0.07")).quantize(Decimal("0.01"))
    total = sum(subtotals, Decimal(0)) + vat
    zero = Decimal(0)

    def row(account_id: int, debit: Decimal, credit: Decimal, **extra: Any) -> tuple[Any, ...]:
        residual = extra.get("residual", zero)
        return (company_id, journal_id, account_id, partner_id, DAY, extra.get("label", ""), debit, credit,
                debit - credit, "THB", True, extra.get("tax_id"), extra.get("tax_base", zero),
                extra.get("due"), residual, residual, False)  # fmt: skip

    rows = [row(accounts["receivable"], total, zero, residual=total, due=DAY + dt.timedelta(days=30))]
    rows += [
        row(line.account_id or accounts["income"], zero, subtotal, label=line.description)
        for line, subtotal in zip(lines, subtotals, strict=True)
    ]
    rows.append(
        row(accounts["vat"], zero, vat, tax_id=accounts["vat7"], tax_base=total - vat, label="VAT 7%")
    )
    return rows


_LINE_COLUMNS = (
    "company_id", "journal_id", "account_id", "partner_id", "date", "label", "debit", "credit",
    "amount_currency", "currency", "posted", "tax_id", "tax_base", "due_date", "amount_residual",
    "amount_residual_currency", "reconciled",
)  # fmt: skip


def _raw_insert(data: Ledger, journal_id: int, rows: list[tuple[Any, ...]], invoices: int) -> None:
    """Per invoice: the draft entry, its lines in one executemany, the entry marked posted."""
    entry_sql = (
        "INSERT INTO accounting_journalentry (company_id, journal_id, number, date, ref, narration, state,"
        " currency, origin, created_at) VALUES (%s, %s, %s, %s, '', '', 'draft', 'THB', 'raw', %s) RETURNING id"
    )
    line_sql = (
        f"INSERT INTO accounting_journalline (entry_id, {', '.join(_LINE_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * (len(_LINE_COLUMNS) + 1))})"
    )
    post_sql = "UPDATE accounting_journalentry SET state = 'posted', posted_at = %s WHERE id = %s"
    now = timezone.now()
    for start in range(0, invoices, BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            for _ in range(min(BATCH, invoices - start)):
                number = f"RAW/2026/{next(_raw_numbers):07d}"
                cursor.execute(entry_sql, [data.company.pk, journal_id, number, DAY, now])
                entry_id = cursor.fetchone()[0]
                cursor.executemany(line_sql, [(entry_id, *row) for row in rows])
                cursor.execute(post_sql, [now, entry_id])


def _queries(data: Ledger, lines: list[InvoiceLineInput]) -> int:
    """Queries of one invoice created and posted inside a batch's transaction."""
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        _post_one(data, lines)
    return len(captured.captured_queries)


def _timed(run: Callable[[], None]) -> float:
    return best_of(REPEATS, lambda: None, run)


def run() -> list[BenchResult]:
    data = ledger()
    company = data.company
    income = list(
        Account.all_companies.filter(company_id=company.pk, code__in=("4100", "4110", "4120")).values_list(
            "pk", flat=True
        )
    )
    vat7 = Tax.all_companies.get(company_id=company.pk, code="VAT7")
    sales = Journal.all_companies.get(company_id=company.pk, code="INV")
    accounts = {
        "journal": sales.pk,
        "receivable": Account.all_companies.get(company_id=company.pk, code="1130").pk,
        "income": income[0],
        "vat": vat7.sale_account_id or Account.all_companies.get(company_id=company.pk, code="2130").pk,
        "vat7": vat7.pk,
    }
    ten, fifty, big = (_line_inputs(count, income, vat7.pk) for count in (10, 50, BIG_INVOICE_LINES))
    size = f"ledger {data.lines:,} lines"

    # (a) 10-line invoices in batches
    before = Invoice.all_companies.filter(company_id=company.pk).count()
    seconds = _timed(lambda: _post_invoices(data, ten, INVOICES))
    posted = Invoice.all_companies.filter(company_id=company.pk).count() - before
    assert posted == REPEATS * INVOICES, posted
    raw_rows = _raw_rows(data, ten, accounts)
    baseline = _timed(lambda: _raw_insert(data, sales.pk, raw_rows, INVOICES))
    queries_ten, queries_fifty = _queries(data, ten), _queries(data, fifty)
    numbers = list(
        Invoice.all_companies.filter(company_id=company.pk, journal=sales)
        .order_by("pk")
        .values_list("number", flat=True)
    )
    assert numbers == [f"INV/2026/{n:05d}" for n in range(1, len(numbers) + 1)], "numbering is not gapless"

    # (b) one 1,000-line invoice
    big_seconds = _timed(lambda: _post_invoices(data, big, 1))
    big_rows = _raw_rows(data, big, accounts)
    big_baseline = _timed(lambda: _raw_insert(data, sales.pk, big_rows, 1))
    queries_big = _queries(data, big)
    target = "met" if big_seconds < BIG_INVOICE_TARGET_SECONDS else "MISSED"

    return [
        BenchResult(
            name=f"invoice_post_10_lines_x{INVOICES}",
            seconds=seconds,
            baseline_seconds=baseline,
            baseline_label="raw entry+line inserts",
            limit_ratio=LIMIT_RATIO[connection.vendor],
            detail=(
                f"{INVOICES / seconds:,.0f} invoices/s vs {INVOICES / baseline:,.0f} raw, batches of {BATCH}; "
                f"{queries_ten} queries/invoice (50-line invoice: {queries_fifty}); {size}"
            ),
        ),
        BenchResult(
            name="invoice_post_queries_50_vs_10_lines",
            seconds=float(queries_fifty),
            baseline_seconds=float(queries_ten),
            baseline_label="queries of a 10-line invoice",
            limit_ratio=QUERY_GROWTH_LIMIT,
            measured=f"{queries_fifty} vs {queries_ten} queries",
            over_limit="GROWS WITH LINES",
        ),
        BenchResult(
            name=f"invoice_post_{BIG_INVOICE_LINES}_lines",
            seconds=big_seconds,
            baseline_seconds=big_baseline,
            baseline_label="raw entry+line inserts",
            limit_ratio=LIMIT_RATIO_BIG[connection.vendor],
            detail=(
                f"{big_seconds:.3f}s against the {BIG_INVOICE_TARGET_SECONDS:.0f} s target: {target}; "
                f"{queries_big} queries; {size}"
            ),
        ),
    ]
