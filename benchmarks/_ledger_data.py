"""A company whose books hold a large posted ledger, bulk-loaded for the W2 (posting) and W3 (reports) workloads.

``CONCORD_BENCH_LEDGER_LINES`` (default 1,000,000) journal lines are generated deterministically and
stored with the SQL a bulk import would run, not through the services: ``executemany`` on SQLite,
``COPY`` on PostgreSQL. They make up balanced posted entries over three years (2024-2026): customer
invoices (a receivable line, one to eight income lines, output VAT), vendor bills (the same on the
payable side), and customer and vendor payments (bank against receivable or payable), spread over
``PARTNERS`` partners, ten income and expense accounts and every day of the three years. A quarter of
the invoices' partner lines are still open (their residual is the whole amount, as an unpaid invoice's
is), the rest are matched; one payment in twenty is unapplied (an open credit).

Entries are inserted as drafts, their lines as posted, then the entries are marked posted: the order the
ledger's guard triggers allow (no line may be added to a posted entry), as ``entry_post`` does it.
The company is loaded once per process; W2 and W3 share it when both run.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from concord.core.identity.models import Company
from concord.modules.accounting.models import Account, Journal, JournalEntry, JournalLine, Tax
from concord.modules.accounting.services.setup import accounting_setup, fiscal_year_create
from concord.modules.parties.services import party_create

LINES = int(os.environ.get("CONCORD_BENCH_LEDGER_LINES", "1000000"))
PARTNERS = 200
SEED = 2026
FIRST_DAY = dt.date(2024, 1, 1)
DAYS = (dt.date(2026, 12, 31) - FIRST_DAY).days + 1
CHUNK = 20_000  # entries generated and written at a time
CENT = Decimal("0.01")
ZERO = Decimal(0)

ENTRY_COLUMNS = (
    "id", "company_id", "journal_id", "number", "date", "ref", "narration", "state", "currency", "origin",
    "reversal_of_id", "posted_at", "posted_by_id", "created_at",
)  # fmt: skip
LINE_COLUMNS = (
    "id", "company_id", "entry_id", "journal_id", "account_id", "partner_id", "date", "label", "debit",
    "credit", "amount_currency", "currency", "posted", "tax_id", "tax_base", "due_date", "amount_residual",
    "amount_residual_currency", "reconciled",
)  # fmt: skip


@dataclass(frozen=True)
class Ledger:
    """The loaded company and what the workloads need of it."""

    company: Company
    partner_ids: tuple[int, ...]
    lines: int
    entries: int
    open_items: int
    load_seconds: float


@dataclass(frozen=True)
class _Chart:
    receivable: int
    payable: int
    income: tuple[int, ...]
    expense: tuple[int, ...]
    vat_output: int
    vat_input: int
    bank: int
    vat7: int
    journals: dict[str, int]


_loaded: Ledger | None = None


def ledger() -> Ledger:
    """The company with ``LINES`` stored journal lines, loaded on first use in this process."""
    global _loaded  # noqa: PLW0603 - one load per process, shared by the workloads that need it
    if _loaded is None:
        _loaded = _load()
    return _loaded


def _chart(company: Company) -> _Chart:
    by_code = dict(Account.all_companies.filter(company_id=company.pk).values_list("code", "pk"))
    vat7 = Tax.all_companies.get(company_id=company.pk, code="VAT7")
    return _Chart(
        receivable=by_code["1130"],
        payable=by_code["2110"],
        income=tuple(by_code[code] for code in ("4100", "4110", "4120")),
        expense=tuple(by_code[code] for code in ("5210", "5220", "5310", "5320", "5340", "5390")),
        vat_output=vat7.sale_account_id or by_code["2130"],
        vat_input=vat7.purchase_account_id or by_code["1140"],
        bank=by_code["1120"],
        vat7=vat7.pk,
        journals=dict(Journal.all_companies.filter(company_id=company.pk).values_list("code", "pk")),
    )


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) * CENT


class _Entry:
    """One entry's row and its lines' rows, as the services would store them once posted."""

    def __init__(
        self, *, entry_id: int, first_line_id: int, company_id: int, journal_id: int, on_date: dt.date
    ):
        self.entry_id, self.next_line_id = entry_id, first_line_id
        self.company_id, self.journal_id, self.on_date = company_id, journal_id, on_date
        self.lines: list[tuple[Any, ...]] = []

    def line(
        self,
        account_id: int,
        debit: Decimal,
        credit: Decimal,
        *,
        partner_id: int | None = None,
        due: dt.date | None = None,
        residual: Decimal | None = None,  # None: not a receivable/payable line
        tax_id: int | None = None,
        tax_base: Decimal = ZERO,
    ) -> None:
        open_amount = residual or ZERO
        reconciled = residual is not None and residual == 0
        self.lines.append(
            (self.next_line_id, self.company_id, self.entry_id, self.journal_id, account_id, partner_id,
             self.on_date, "", debit, credit, debit - credit, "THB", True, tax_id, tax_base, due,
             open_amount, open_amount, reconciled)
        )  # fmt: skip
        self.next_line_id += 1


def _document(entry: _Entry, chart: _Chart, rng: random.Random, partner_id: int, customer: bool) -> None:
    """An invoice or a bill: the partner line, one to eight revenue or expense lines, the VAT."""
    accounts = chart.income if customer else chart.expense
    amounts = [_cents(rng, 5_000, 5_000_000) for _ in range(rng.randint(1, 8))]
    base = sum(amounts, ZERO)
    vat = (base * 7 / 100).quantize(CENT)
    total = base + vat
    still_open = rng.random() < 0.25
    due = entry.on_date + dt.timedelta(days=30)
    if customer:
        entry.line(chart.receivable, total, ZERO, partner_id=partner_id, due=due,
                   residual=total if still_open else ZERO)  # fmt: skip
        for amount in amounts:
            entry.line(accounts[rng.randrange(len(accounts))], ZERO, amount, partner_id=partner_id)
        entry.line(chart.vat_output, ZERO, vat, partner_id=partner_id, tax_id=chart.vat7, tax_base=base)
    else:
        entry.line(chart.payable, ZERO, total, partner_id=partner_id, due=due,
                   residual=-total if still_open else ZERO)  # fmt: skip
        for amount in amounts:
            entry.line(accounts[rng.randrange(len(accounts))], amount, ZERO, partner_id=partner_id)
        entry.line(chart.vat_input, vat, ZERO, partner_id=partner_id, tax_id=chart.vat7, tax_base=base)


def _payment(entry: _Entry, chart: _Chart, rng: random.Random, partner_id: int, received: bool) -> None:
    """Money received or paid through the bank; one in twenty is not applied to any invoice."""
    amount = _cents(rng, 10_000, 10_000_000)
    unapplied = rng.random() < 0.05
    if received:
        entry.line(chart.bank, amount, ZERO)
        entry.line(
            chart.receivable, ZERO, amount, partner_id=partner_id, residual=-amount if unapplied else ZERO
        )
    else:
        entry.line(chart.payable, amount, ZERO, partner_id=partner_id, residual=amount if unapplied else ZERO)
        entry.line(chart.bank, ZERO, amount)


def _entries(
    chart: _Chart, company_id: int, partner_ids: tuple[int, ...], first_entry_id: int, first_line_id: int
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """Entries (as rows) with their lines, until ``LINES`` lines were made; deterministic."""
    rng = random.Random(SEED)  # noqa: S311 - benchmark data, not secrets
    entry_id, line_id, made = first_entry_id, first_line_id, 0
    now = timezone.now()
    counters: dict[str, int] = {}
    while made < LINES:
        on_date = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        roll = rng.random()  # invoices 50%, bills 25%, payments received 15%, made 10%
        code = "INV" if roll < 0.50 else "BILL" if roll < 0.75 else "BNK1"
        entry = _Entry(
            entry_id=entry_id,
            first_line_id=line_id,
            company_id=company_id,
            journal_id=chart.journals[code],
            on_date=on_date,
        )
        partner_id = partner_ids[rng.randrange(len(partner_ids))]
        if roll < 0.75:
            _document(entry, chart, rng, partner_id, customer=roll < 0.50)
        else:
            _payment(entry, chart, rng, partner_id, received=roll < 0.90)
        key = f"{code}/{on_date.year}"
        counters[key] = counters.get(key, 0) + 1
        # History numbers have their own prefix: the workloads' own posts take INV/2026/00001...
        row = (entry_id, company_id, entry.journal_id, f"H{key}/{counters[key]:07d}", on_date, "", "",
               "draft", "THB", "bench", None, now, None, now)  # fmt: skip
        yield row, entry.lines
        entry_id, line_id, made = entry_id + 1, entry.next_line_id, made + len(entry.lines)


def _next_id(model: type[Any]) -> int:
    last = model.all_companies.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def _load() -> Ledger:
    company = Company.objects.create(
        name="Ledger Bench Co., Ltd.", code="ledgerbench", country="TH", currency="THB"
    )
    accounting_setup(company=company, template="th_npae", by=None, fiscal_year=2026)
    for year in (2024, 2025):
        fiscal_year_create(company=company, year=year, by=None)
    partner_ids = tuple(
        party_create(
            company=company,
            name=f"Bench Partner {number:03d} Co., Ltd.",
            is_customer=True,
            is_supplier=True,
            payment_terms_days=30,
            allow_duplicate=True,
            by=None,
        ).pk
        for number in range(PARTNERS)
    )
    chart = _chart(company)
    print(f"  ledger: generating {LINES:,} journal lines (CONCORD_BENCH_LEDGER_LINES)", flush=True)
    started = time.perf_counter()
    rows = _entries(chart, company.pk, partner_ids, _next_id(JournalEntry), _next_id(JournalLine))
    if connection.vendor == "sqlite":
        entries, lines = _load_sqlite(rows)
    else:
        entries, lines = _load_postgres(rows)
    seconds = time.perf_counter() - started
    open_items = JournalLine.all_companies.filter(
        company_id=company.pk, reconciled=False, account_id__in=[chart.receivable, chart.payable]
    ).count()
    print(
        f"  ledger: bulk-loaded {lines:,} lines in {entries:,} entries ({open_items:,} open items) "
        f"in {seconds:.1f}s",
        flush=True,
    )
    return Ledger(
        company=company,
        partner_ids=partner_ids,
        lines=lines,
        entries=entries,
        open_items=open_items,
        load_seconds=seconds,
    )


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _load_sqlite(rows: Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]) -> tuple[int, int]:
    entry_sql = (
        f"INSERT INTO accounting_journalentry ({', '.join(ENTRY_COLUMNS)}) "
        f"VALUES ({', '.join(['?'] * len(ENTRY_COLUMNS))})"
    )
    line_sql = (
        f"INSERT INTO accounting_journalline ({', '.join(LINE_COLUMNS)}) "
        f"VALUES ({', '.join(['?'] * len(LINE_COLUMNS))})"
    )
    connection.ensure_connection()
    raw = connection.connection
    entries = lines = 0
    first_entry: int | None = None
    # For the load only: the generator's ids are consistent by construction (no foreign key checks, a
    # pragma that only changes outside a transaction), and nine indexes on the lines need a page cache
    # larger than the default 2 MB. Both are put back before any workload runs.
    cache_size = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("PRAGMA cache_size = -524288")
    with transaction.atomic():
        batch_entries: list[tuple[Any, ...]] = []
        batch_lines: list[tuple[Any, ...]] = []
        for entry, entry_lines in rows:
            first_entry = entry[0] if first_entry is None else first_entry
            batch_entries.append(tuple(_sqlite_value(value) for value in entry))
            batch_lines.extend(tuple(_sqlite_value(value) for value in row) for row in entry_lines)
            if len(batch_entries) >= CHUNK:
                raw.executemany(entry_sql, batch_entries)
                raw.executemany(line_sql, batch_lines)
                entries, lines = entries + len(batch_entries), lines + len(batch_lines)
                batch_entries, batch_lines = [], []
        raw.executemany(entry_sql, batch_entries)
        raw.executemany(line_sql, batch_lines)
        entries, lines = entries + len(batch_entries), lines + len(batch_lines)
        raw.execute("UPDATE accounting_journalentry SET state = 'posted' WHERE id >= ?", (first_entry,))
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute(f"PRAGMA cache_size = {int(cache_size)}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return entries, lines


def _load_postgres(rows: Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]) -> tuple[int, int]:
    connection.ensure_connection()
    entries = lines = 0
    first_entry: int | None = None
    entry_copy = f"COPY accounting_journalentry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN"
    line_copy = f"COPY accounting_journalline ({', '.join(LINE_COLUMNS)}) FROM STDIN"
    with transaction.atomic(), connection.connection.cursor() as cursor:
        chunk: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = []
        for pair in rows:
            first_entry = pair[0][0] if first_entry is None else first_entry
            chunk.append(pair)
            if len(chunk) < CHUNK:
                continue
            entries, lines = entries + len(chunk), lines + _copy_chunk(cursor, entry_copy, line_copy, chunk)
            chunk = []
        entries, lines = entries + len(chunk), lines + _copy_chunk(cursor, entry_copy, line_copy, chunk)
        cursor.execute("UPDATE accounting_journalentry SET state = 'posted' WHERE id >= %s", (first_entry,))
        for table in ("accounting_journalentry", "accounting_journalline"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE accounting_journalentry")
        cursor.execute("VACUUM ANALYZE accounting_journalline")
    return entries, lines


def _copy_chunk(
    cursor: Any, entry_copy: str, line_copy: str, chunk: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]
) -> int:
    """COPY a chunk's entries, then its lines (one COPY at a time per connection); returns the lines."""
    if not chunk:
        return 0
    with cursor.copy(entry_copy) as copy:
        for entry, _lines in chunk:
            copy.write_row(entry)
    written = 0
    with cursor.copy(line_copy) as copy:
        for _entry, entry_lines in chunk:
            for row in entry_lines:
                copy.write_row(row)
            written += len(entry_lines)
    return written
