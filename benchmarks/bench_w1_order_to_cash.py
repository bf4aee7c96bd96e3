"""W1 order to cash: the whole flow through the services, against the same writes in hand-written SQL.

Data: one company with books (``accounting_setup`` th_npae, current fiscal year), 10 goods with
1,000,000 units each received through the services (a validated receipt), one customer per client,
the chart's bank journal. Default sales settings: goods invoiced on delivery, invoices posted at once.

(a) Workload, one flow: ``order_create`` (10 lines, one per product) -> ``order_confirm`` (reserves,
creates the delivery) -> ``inventory.facade.transfer_validate`` of the delivery (stock valued and its
entry posted) -> ``order_delivery_sync`` (what the ``DeliveryDone`` handler does, called directly: the
outbox is not measured) which invoices the delivery and posts the invoice -> ``payment_register`` of
the invoice's total on the bank journal (reconciles the receivable). Five steps, each its own
transaction as a user would do them (the services own them). 1 client runs ``FLOWS[1]`` flows; 8
threads (each its own connection, closed at the end) run ``FLOWS[8]`` flows each, released together.

Baseline, same run, same database, same threads and number of flows: the writes of one flow replayed
as plain SQL through ``connection.cursor()``. One 10-line flow is recorded first with an
``execute_wrapper`` that notes every INSERT, UPDATE and DELETE and reads the rows they touched (the
rows an INSERT made, each updated row before and after, the ids a DELETE removed). The raw flow then,
step by step in five transactions, in the recorded order: re-inserts every row the services inserted
with one ``INSERT ... RETURNING id`` per row (all columns but the id; foreign keys to rows of the same
flow remapped to the raw flow's new ids, unique text columns suffixed per flow, unique UUIDs new;
journal entries inserted as drafts, as the services do, so the guard triggers of accounting 0002
accept their lines), runs one single-row ``UPDATE`` per row each service statement updated (rows of
the flow set to the values the services gave them, e.g. the entry to posted, the lines' residuals;
older rows, the quants, product costs and numbering sequences, changed by the same difference:
``quantity = quantity + %s``), and one ``DELETE`` per deleted row (the reservations a validation
consumes). For a 10-line flow that is 124 INSERTs (order and lines, delivery, moves, reservations,
move lines, valuation layers, three entries and 16 journal lines, invoice, lines and their taxes, the
sales invoice links, payment, reconciliation, 11 audit entries, 8 outbox events), 105 UPDATEs and 10
DELETEs into 21 tables: 239 statements against the services' 236 queries, so the ratio is what the
services spend beyond writing the rows: reading and checking, and building the queries.

Printed: flows per second of both for 1 and 8 clients, judged against the issue's target of 3x;
then the consistency afterwards, which must be 0: units oversold (a quant below 0 or reserved beyond
what it holds), stock drift (received - delivered by done moves - on hand, per product), customer
invoices not paid in full, open or unbalanced receivable, journal entries whose debits and credits
differ, and errors; then the queries of one flow for 10 lines against 2 (limit 1.0x). The conditional
reservation ``UPDATE inventory_quant SET reserved_quantity = ... WHERE available >= n`` is one per
goods line by design (how two orders never take the same units, see the sales test
``test_confirm_costs_the_same_queries_for_2_and_10_lines``): it is counted apart and printed, and the
verdict is on the rest.

Why the limit is 3.0x on both databases: it is the issue's target, kept although the flow misses it
(the team decides). Measured when written, on the 2-CPU machine shared with other work (load 2 to 7,
so the figures moved by up to 2x between runs): SQLite 15x for 1 client (1.5 against 23.8 flows/s)
and 9.5x for 8 (1.5 against 14.3), 30x and 13x on a busier run; PostgreSQL 3.9-4.2x for 1 client (0.8-1.6
against 3.3-6.6 flows/s) and 10x for 8 (0.7-1.0 against 6.7-10.5); 0 inconsistencies; 226 queries
per flow for 2 and for 10 lines, plus 2 and 10 reservations (236 in all for 10 lines: create 20,
confirm 50, validate 52, delivery sync with invoice and posting 77, payment with reconciliation 37).
Where the time goes: a 10-line flow took about 650 ms on both databases, of which the database
answered in about 60 ms on SQLite and 240 ms on PostgreSQL (``CaptureQueriesContext`` times); the
rest is Python, mostly the ORM compiling its ~236 queries (``as_sql``, filters, ``bulk_update``'s
CASE expressions: about 2.5 ms of Python per query) and building ~440 model instances, not the writes. Confirm
and validation are the costliest steps (150-200 ms each). With 8 clients the services do not go
faster than with 1: the threads share one interpreter (the GIL), so the Python work runs on one core,
and every order queues on the same 10 quant rows and the numbering sequence rows, which a
transaction holds until it commits; the raw SQL, which is mostly waiting on the database, gains from
the threads. Closing the gap means fewer and cheaper queries per step (compiled once, fewer reads
before writing), not faster writes.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, connections, models, transaction
from django.db.models import F, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.harness import BenchResult
from concord.core.identity.models import Company
from concord.modules.accounting import facade as accounting
from concord.modules.accounting.models import Invoice, Journal, JournalEntry, JournalKind, JournalLine
from concord.modules.accounting.services.payments import payment_register
from concord.modules.accounting.services.setup import accounting_setup
from concord.modules.catalog.services import product_create
from concord.modules.inventory import facade as inventory
from concord.modules.inventory.models import Move, Quant
from concord.modules.parties.services import party_create
from concord.modules.sales.models import SaleInvoice
from concord.modules.sales.services.invoicing import order_delivery_sync
from concord.modules.sales.services.orders import OrderLineInput, order_confirm, order_create

LINES = 10
FEW_LINES = 2
PRODUCTS = 10
STOCK = 1_000_000  # units of each product: no flow ever runs short
FLOWS = {1: 20, 8: 4}  # flows per client, by number of clients
LIMIT_RATIO = 3.0  # the target, on both databases
QUERY_GROWTH_LIMIT = 1.0
RESERVATION_SQL = 'UPDATE "inventory_quant" SET "reserved_quantity"'

Step = Callable[[], None]


@dataclass(frozen=True)
class Books:
    """What a flow needs: the company, its goods, one customer per client and the bank journal."""

    company: Company
    products: list[int]
    customers: list[int]
    bank: Journal


def _setup() -> Books:
    company, _created = Company.objects.get_or_create(
        code="w1", defaults={"name": "W1 Order to Cash Co., Ltd.", "country": "TH", "currency": "THB"}
    )
    accounting_setup(company=company, template="th_npae", by=None, fiscal_year=timezone.localdate().year)
    customers = [
        party_create(
            company=company, name=f"W1 customer {n}", is_customer=True, by=None, allow_duplicate=True
        ).pk
        for n in range(max(FLOWS))
    ]
    products = [
        product_create(
            company=company,
            name=f"W1 product {n}",
            internal_ref=f"W1-{n}",
            sale_price=Decimal(100 + n),
            purchase_price=Decimal(60),
            by=None,
        ).pk
        for n in range(PRODUCTS)
    ]
    receipt = inventory.receipt_create(
        company_id=company.pk,
        lines=[
            inventory.StockLine(product_id=pk, quantity=Decimal(STOCK), unit_cost=Decimal(60))
            for pk in products
        ],
        by=None,
    )
    inventory.transfer_validate(receipt.id, by=None)
    bank = Journal.all_companies.filter(company=company, kind=JournalKind.BANK).order_by("pk").first()
    assert bank is not None
    return Books(company=company, products=products, customers=customers, bank=bank)


def _flow(books: Books, lines: int, client: int = 0, step: Step | None = None) -> None:
    """One order to cash, each step its own transaction (the services own them), as a user would do it."""
    mark = step or (lambda: None)
    mark()
    order = order_create(
        company=books.company,
        partner_id=books.customers[client % len(books.customers)],
        lines=[
            OrderLineInput(product_id=books.products[n % len(books.products)], quantity=Decimal(1 + n % 3))
            for n in range(lines)
        ],
        by=None,
    )
    mark()
    order = order_confirm(order=order, by=None)
    (delivery,) = inventory.transfers_by_source(books.company.pk, order.source_key)
    mark()
    inventory.transfer_validate(delivery.id, by=None)
    mark()
    order = order_delivery_sync(order=order, transfer_id=delivery.id, by=None)  # invoices and posts
    sale_invoice = SaleInvoice.all_companies.get(order_id=order.pk)
    invoice = Invoice.all_companies.get(pk=sale_invoice.invoice_id)
    mark()
    payment_register(
        company=books.company,
        partner_id=order.partner_id,
        journal=books.bank,
        amount=invoice.amount_total,
        date=timezone.localdate(),
        by=None,
        invoices=[invoice],
    )


# ------------------------------------------------------------------------------------ recording one flow
@dataclass(frozen=True)
class Table:
    """How the raw flow writes one table: its columns and what each needs per flow."""

    name: str
    pk: str
    columns: list[str]
    fk: dict[int, str]  # column index -> referenced table
    unique_text: dict[int, int | None]  # column index -> max length
    unique_uuid: set[int]
    unique_other: set[str]  # unique columns the raw flow cannot vary: it refuses to copy such tables


def _tables() -> dict[str, Table]:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not isinstance(meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            continue
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        unique = {f.name for f in fields if f.unique}
        for together in meta.unique_together:
            unique.update(together)
        for constraint in meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                unique.update(constraint.fields)
        fk: dict[int, str] = {}
        text: dict[int, int | None] = {}
        uuids: set[int] = set()
        other: set[str] = set()
        for index, f in enumerate(fields):
            if f.is_relation and f.related_model is not None:
                fk[index] = f.related_model._meta.db_table
            elif f.name in unique and isinstance(f, models.CharField | models.TextField):
                text[index] = getattr(f, "max_length", None)
            elif f.name in unique and isinstance(f, models.UUIDField):
                uuids.add(index)
            elif f.name in unique:
                other.add(str(f.column))
        found[meta.db_table] = Table(
            meta.db_table, str(meta.pk.column), [str(f.column) for f in fields], fk, text, uuids, other
        )
    return found


@dataclass
class Write:
    """One statement of the recorded flow and the rows it touched (values as the database returned them)."""

    verb: str  # insert, update, delete
    table: str
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # insert: (old id, *values)
    # update: (old id, {column index: (before, after)}); delete: old ids
    changes: list[tuple[int, dict[int, tuple[Any, Any]]]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)


_TABLE_RE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class Recorder:
    """An execute wrapper writing down every INSERT, UPDATE and DELETE of a flow, row by row."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        self.steps: list[list[Write]] = []
        self.max_id: dict[str, int] = {}

    def step(self) -> None:
        self.steps.append([])

    def _select(self, table: Table, where: str, params: list[Any]) -> list[tuple[Any, ...]]:
        q = connection.ops.quote_name
        columns = ", ".join(q(c) for c in [table.pk, *table.columns])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {q(table.name)} WHERE {where} ORDER BY {q(table.pk)}", params
            )
            return list(cursor.fetchall())

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        matched = _TABLE_RE.match(sql)
        if matched is None:
            return execute(sql, params, many, context)
        verb = matched.group(1).split()[0].lower()
        table = self.tables[matched.group(2)]
        q = connection.ops.quote_name
        if verb == "insert":
            if table.unique_other:
                raise AssertionError(f"{table.name}: unique {table.unique_other} cannot be copied")
            if table.name not in self.max_id:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT COALESCE(MAX({q(table.pk)}), 0) FROM {q(table.name)}")
                    self.max_id[table.name] = cursor.fetchone()[0]
            result = execute(sql, params, many, context)
            rows = self._select(table, f"{q(table.pk)} > %s", [self.max_id[table.name]])
            if rows:
                self.max_id[table.name] = rows[-1][0]
            self.steps[-1].append(Write("insert", table.name, rows=rows))
            return result
        assert not many
        where = sql.partition(" WHERE ")[2]
        params = list(params or ())
        where_params = params[len(params) - where.count("%s") :] if where else []
        before = self._select(table, where or "1 = 1", where_params)
        result = execute(sql, params, many, context)
        if verb == "delete":
            self.steps[-1].append(Write("delete", table.name, ids=[row[0] for row in before]))
            return result
        ids = [row[0] for row in before]
        after = (
            {
                row[0]: row
                for row in self._select(table, f"{q(table.pk)} IN ({', '.join(['%s'] * len(ids))})", ids)
            }
            if ids
            else {}
        )
        changes = []
        for row in before:
            new = after[row[0]]
            changes.append(
                (row[0], {i - 1: (row[i], new[i]) for i in range(1, len(row)) if row[i] != new[i]})
            )
        self.steps[-1].append(Write("update", table.name, changes=changes))
        return result


# ------------------------------------------------------------------------------------ the raw flow
def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


class RawFlow:
    """Replays the recorded writes as hand-written SQL: one INSERT per row (foreign keys to rows of the
    same flow remapped, unique text suffixed, unique UUIDs new), one UPDATE per updated row (rows of the
    flow set to the values the services gave them; older rows changed by the same difference, so stock
    and sequences move as they do through the services), one DELETE per deleted row; step by step, each
    step its own transaction."""

    def __init__(self, tables: dict[str, Table], steps: list[list[Write]]) -> None:
        self.tables = tables
        self.steps = [step for step in steps if step]
        self.flows = itertools.count(1)
        self.vendor = connection.vendor
        q = connection.ops.quote_name
        self.insert_sql = {
            t.name: f"INSERT INTO {q(t.name)} ({', '.join(q(c) for c in t.columns)}) VALUES "
            f"({', '.join(['%s'] * len(t.columns))}) RETURNING {q(t.pk)}"
            for t in tables.values()
        }
        self.counts = {
            verb: sum(
                len(w.rows) + len(w.changes) + len(w.ids) for s in self.steps for w in s if w.verb == verb
            )
            for verb in ("insert", "update", "delete")
        }
        self.statements = sum(self.counts.values())
        self.json_columns = self._json_columns()

    def _json_columns(self) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        for model in apps.get_models(include_auto_created=True):
            table = self.tables.get(model._meta.db_table)
            if table is None:
                continue
            for f in model._meta.concrete_fields:
                if isinstance(f, models.JSONField) and f.column in table.columns:
                    found.setdefault(table.name, set()).add(table.columns.index(f.column))
        return found

    def _value(
        self, table: Table, index: int, value: Any, ids: dict[tuple[str, int], int], suffix: str
    ) -> Any:
        if value is None:
            return None
        target = table.fk.get(index)
        if target is not None:
            return ids.get((target, value), value)
        if index in table.unique_text and value:
            length = table.unique_text[index]
            return (value[: length - len(suffix)] if length else value) + suffix
        if index in table.unique_uuid:
            return uuid.uuid4() if self.vendor == "postgresql" else uuid.uuid4().hex
        if self.vendor == "postgresql" and index in self.json_columns.get(table.name, ()):
            return connection.ops.adapt_json_value(value, None) if not isinstance(value, str) else value
        return value

    def run(self) -> None:
        suffix = f"~r{next(self.flows)}"
        ids: dict[tuple[str, int], int] = {}
        q = connection.ops.quote_name
        for step in self.steps:
            with transaction.atomic(), connection.cursor() as cursor:
                for write in step:
                    table = self.tables[write.table]
                    for row in write.rows:
                        values = [self._value(table, i, v, ids, suffix) for i, v in enumerate(row[1:])]
                        if table.name == "accounting_journalentry":
                            values[table.columns.index("state")] = "draft"  # posted by a later update
                        cursor.execute(self.insert_sql[table.name], values)
                        ids[(table.name, row[0])] = cursor.fetchone()[0]
                    for old_id, changed in write.changes:
                        new_id = ids.get((table.name, old_id))
                        sets, values = [], []
                        for index, (before, after) in changed.items():
                            column = q(table.columns[index])
                            if new_id is None and _is_number(before) and _is_number(after):
                                sets.append(f"{column} = {column} + %s")
                                values.append(after - before)
                            else:
                                sets.append(f"{column} = %s")
                                values.append(self._value(table, index, after, ids, suffix))
                        if not sets:  # the statement wrote the row without changing it: so does this one
                            first = q(table.columns[0])
                            sets.append(f"{first} = {first}")
                        values.append(new_id if new_id is not None else old_id)
                        cursor.execute(
                            f"UPDATE {q(table.name)} SET {', '.join(sets)} WHERE {q(table.pk)} = %s",
                            values,
                        )
                    for old_id in write.ids:
                        cursor.execute(
                            f"DELETE FROM {q(table.name)} WHERE {q(table.pk)} = %s",
                            [ids.get((table.name, old_id), old_id)],
                        )


# ------------------------------------------------------------------------------------ running and checking
def _race(clients: int, work: Callable[[int], None]) -> tuple[float, list[BaseException]]:
    """``work(client)`` FLOWS[clients] times in each of ``clients`` threads released together."""
    start = threading.Barrier(clients)
    errors: list[BaseException] = []

    def client(index: int) -> None:
        try:
            start.wait(timeout=60)
            for _ in range(FLOWS[clients]):
                work(index)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, errors


def _queries(books: Books, lines: int) -> tuple[int, int]:
    """Queries of one flow of ``lines`` lines: all of them, and the per-line conditional reservations."""
    with CaptureQueriesContext(connection) as captured:
        _flow(books, lines)
    sql = [query["sql"] for query in captured.captured_queries]
    return len(sql), sum(1 for text in sql if text.startswith(RESERVATION_SQL))


def _inconsistencies(books: Books) -> dict[str, Any]:
    """What must be 0 after the runs: stock oversold, invoices unpaid, receivable open, ledger unbalanced."""
    company_id = books.company.pk
    quants = Quant.all_companies.filter(company_id=company_id, location__usage="internal")
    oversold = sum(
        max(Decimal(0), -row.quantity) + max(Decimal(0), row.reserved_quantity - row.quantity)
        for row in quants
    )
    delivered = dict(
        Move.all_companies.filter(transfer__company_id=company_id, transfer__kind="delivery", state="done")
        .values("product_id")
        .annotate(total=Sum("quantity_done"))
        .values_list("product_id", "total")
    )
    on_hand = dict(
        quants.values("product_id").annotate(total=Sum("quantity")).values_list("product_id", "total")
    )
    stock_drift = sum(abs(STOCK - delivered.get(pk, 0) - on_hand.get(pk, 0)) for pk in books.products)
    unpaid = (
        Invoice.all_companies.filter(company_id=company_id, kind="out_invoice")
        .exclude(state="paid", amount_residual=0)
        .count()
    )
    receivable = accounting.default_account_id(company_id, "receivable")
    open_items = JournalLine.all_companies.filter(
        company_id=company_id, account_id=receivable, reconciled=False
    ).count()
    balance = JournalLine.all_companies.filter(company_id=company_id, account_id=receivable).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    unbalanced = (
        JournalEntry.all_companies.filter(company_id=company_id)
        .annotate(d=Sum("lines__debit"), c=Sum("lines__credit"))
        .filter(~Q(d=F("c")))
        .count()
    )
    return {
        "oversold": oversold,
        "stock drift": stock_drift,
        "unpaid invoices": unpaid,
        "open receivable lines": open_items,
        "receivable balance": (balance["d"] or 0) - (balance["c"] or 0),
        "unbalanced entries": unbalanced,
    }


def run() -> list[BenchResult]:
    books = _setup()
    _flow(books, LINES)  # warm what a first flow fills (sequences, settings, caches)
    _flow(books, FEW_LINES)
    ten, ten_reserve = _queries(books, LINES)
    two, two_reserve = _queries(books, FEW_LINES)

    tables = _tables()
    recorder = Recorder(tables)
    with connection.execute_wrapper(recorder):
        _flow(books, LINES, step=recorder.step)
    raw = RawFlow(tables, recorder.steps)
    invoices_before = Invoice.all_companies.filter(company_id=books.company.pk, kind="out_invoice").count()

    results: list[BenchResult] = []
    problems: list[BaseException] = []
    for clients in sorted(FLOWS):
        raw_seconds, raw_errors = _race(clients, lambda _client: raw.run())
        seconds, errors = _race(clients, lambda client: _flow(books, LINES, client))
        problems += raw_errors + errors
        flows = clients * FLOWS[clients]
        results.append(
            BenchResult(
                name=f"W1 order to cash, {LINES} lines, {clients} client{'s' if clients > 1 else ''}",
                seconds=seconds,
                baseline_seconds=raw_seconds,
                baseline_label="the same writes in raw SQL",
                limit_ratio=LIMIT_RATIO,
                detail=(
                    f"{flows / seconds:.1f} vs {flows / raw_seconds:.1f} flows/s over {flows} flows; "
                    f"{ten} queries per flow vs {raw.counts['insert']} INSERTs, {raw.counts['update']} "
                    f"UPDATEs, {raw.counts['delete']} DELETEs; "
                    f"errors {len(errors) + len(raw_errors)}"
                    + (f" (first: {(errors or raw_errors)[0]!r})" if errors or raw_errors else "")
                ),
            )
        )
    checks = _inconsistencies(books)
    paid = (
        Invoice.all_companies.filter(company_id=books.company.pk, kind="out_invoice")
        .exclude(number__contains="~r")
        .count()
        - invoices_before
    )
    bad = sum(1 for value in checks.values() if value) + len(problems)
    results.append(
        BenchResult(
            name="W1 stock, receivable and ledger inconsistencies",
            seconds=float(bad),
            baseline_seconds=1.0,
            baseline_label="(must be 0)",
            limit_ratio=0.0,
            measured=", ".join(f"{name} {value}" for name, value in checks.items())
            + f", errors {len(problems)}; {paid} invoices raised and paid",
            over_limit="INCONSISTENT",
        )
    )
    results.append(
        BenchResult(
            name=f"W1 queries per flow, {LINES} lines vs {FEW_LINES}",
            seconds=float(ten - ten_reserve),
            baseline_seconds=float(two - two_reserve),
            baseline_label=f"the {FEW_LINES}-line count",
            limit_ratio=QUERY_GROWTH_LIMIT,
            measured=(
                f"{ten - ten_reserve} vs {two - two_reserve} queries, plus {ten_reserve} vs {two_reserve} "
                f"conditional reservations (one per goods line, by design): {ten} vs {two} in all"
            ),
            over_limit="GROWS WITH LINES",
        )
    )
    return results
