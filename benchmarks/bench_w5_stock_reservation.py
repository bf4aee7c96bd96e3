"""W5 reserving stock: 16 clients competing for 10 hot products, against raw conditional UPDATEs.

Data: one company, 10 goods with ``STOCK`` units each in the main warehouse (received through the
services), and one customer.

(a) Workload: 16 threads, each with its own connection, confirm ``ORDERS_PER_CLIENT`` orders of 1 to 3
lines (quantities 1 to 3, products in random order) through ``inventory.facade.stock_reserve``, each
order its own transaction; an order that finds too little is refused whole (``InsufficientStockError``).
Demand is about twice the stock, so the last units are fought over. Baseline, same run, same orders,
same 16 threads: raw SQL doing the reservations alone, one
``UPDATE inventory_quant SET reserved_quantity = reserved_quantity + n WHERE id = %s AND quantity -
reserved_quantity >= n`` per line, rolled back when one finds too little. Printed: orders per second of
both, and the oversell count (units reserved beyond what is on hand, or confirmed beyond the stock),
judged on its own line: it must be 0.

(b) Queries per delivery validation, for a 1-line and a 10-line delivery: the 10-line count against
the 1-line count (limit 1.0x: the count must not grow with the lines).

Why the limit (90x on SQLite, 45x on PostgreSQL): a facade reservation is a whole document, not an
update. It checks every line (product, unit, partner), creates the delivery and its moves, records
each reservation, takes the gapless transfer number (a locked sequence row every delivery queues on,
taken last so it is held briefly), writes an audit entry and an outbox event and checks the reorder
rules: about 28 queries against the baseline's one per line, and on SQLite the raw updates cost
almost nothing (2,100 orders/s). Measured when written on a 2-CPU machine: 60x on SQLite (36 against
2,142 orders/s) and 29x on PostgreSQL (25 against 712 orders/s), 0 oversold, 27 queries per
validation for 1 line and for 10. The limits sit 1.5x above; what they catch is work per line
growing (a query per quant read, a lock held across the whole order) or the retry loop spinning.
"""

from __future__ import annotations

import random
import threading
import time
from decimal import Decimal
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from benchmarks.harness import BenchResult
from concord.core.identity.models import Company
from concord.modules.catalog.services import product_create
from concord.modules.inventory import facade as inventory
from concord.modules.inventory.errors import InsufficientStockError
from concord.modules.inventory.models import Move, Quant, Reservation, Transfer
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.transfers import transfer_create, transfer_validate
from concord.modules.parties.services import party_create

CLIENTS = 16
PRODUCTS = 10
STOCK = 60
ORDERS_PER_CLIENT = 25
LIMIT_RATIO = {"sqlite": 90.0, "postgresql": 45.0}

Order = list[tuple[int, int]]  # (product index, quantity)


def _orders(seed: int) -> list[list[Order]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible orders, not security
    return [
        [
            [(index, rng.randint(1, 3)) for index in rng.sample(range(PRODUCTS), k=rng.randint(1, 3))]
            for _ in range(ORDERS_PER_CLIENT)
        ]
        for _ in range(CLIENTS)
    ]


def _setup() -> tuple[Company, list[int], int]:
    company, _created = Company.objects.get_or_create(
        code="w5", defaults={"name": "W5 Hot Products Co., Ltd.", "country": "TH", "currency": "THB"}
    )
    customer = party_create(
        company=company, name="W5 customer", is_customer=True, by=None, allow_duplicate=True
    )
    products = [
        product_create(company=company, name=f"Hot product {n}", internal_ref=f"W5-{n}", by=None).pk
        for n in range(PRODUCTS)
    ]
    with transaction.atomic():
        receipt = transfer_create(
            company=company,
            kind="receipt",
            lines=[
                StockLine(product_id=pk, quantity=Decimal(STOCK), unit_cost=Decimal(10)) for pk in products
            ],
            by=None,
        )
        transfer_validate(transfer=receipt, by=None)
    return company, products, customer.pk


def _reset(company: Company) -> None:
    """Give every reservation back and drop the deliveries, so each run starts from the same stock."""
    with transaction.atomic():
        deliveries = Transfer.objects.filter(company=company, kind="delivery")
        Reservation.objects.filter(move__transfer__in=deliveries).delete()
        Move.objects.filter(transfer__in=deliveries).delete()
        deliveries.delete()
        Quant.objects.filter(company=company).update(reserved_quantity=0)


def _race(work: Any) -> tuple[float, int, list[BaseException]]:
    """Run ``work(client)`` in CLIENTS threads released together; seconds, confirmed orders, errors."""
    start = threading.Barrier(CLIENTS)
    confirmed = [0] * CLIENTS
    errors: list[BaseException] = []

    def client(index: int) -> None:
        try:
            start.wait(timeout=60)
            confirmed[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, sum(confirmed), errors


def _oversold(company: Company) -> int:
    """Units reserved beyond what is on hand, plus units confirmed beyond the stock."""
    over = 0
    for quant in Quant.objects.filter(company=company):
        over += max(0, int(quant.reserved_quantity - quant.quantity))
        confirmed = Move.objects.filter(
            transfer__company=company, transfer__kind="delivery", product_id=quant.product_id
        )
        over += max(0, int((confirmed.aggregate(t=Sum("quantity"))["t"] or 0) - quant.quantity))
    return over


def _validation_queries(company: Company, products: list[int], customer_id: int, lines: int) -> int:
    with transaction.atomic():
        delivery = transfer_create(
            company=company,
            kind="delivery",
            lines=[StockLine(product_id=pk, quantity=Decimal(1)) for pk in products[:lines]],
            by=None,
            partner_id=customer_id,
        )
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        transfer_validate(transfer=delivery, by=None)
    return len(captured.captured_queries)


def run() -> list[BenchResult]:
    company, products, customer_id = _setup()
    orders = _orders(seed=5)
    quant_ids = dict(Quant.objects.filter(company=company).values_list("product_id", "pk"))

    def facade_client(index: int) -> int:
        done = 0
        for order in orders[index]:
            lines = [StockLine(product_id=products[p], quantity=Decimal(q)) for p, q in order]
            try:
                with transaction.atomic():
                    inventory.stock_reserve(
                        company_id=company.pk, lines=lines, by=None, partner_id=customer_id
                    )
                done += 1
            except InsufficientStockError:
                pass
        return done

    def raw_client(index: int) -> int:
        done = 0
        sql = (
            "UPDATE inventory_quant SET reserved_quantity = reserved_quantity + %s"
            " WHERE id = %s AND quantity - reserved_quantity >= %s"
        )
        for order in orders[index]:
            with transaction.atomic(), connection.cursor() as cursor:
                short = False
                for p, q in sorted(order):
                    cursor.execute(sql, [q, quant_ids[products[p]], q])
                    if cursor.rowcount != 1:
                        short = True
                        break
                if short:
                    transaction.set_rollback(True)
                else:
                    done += 1
        return done

    _reset(company)
    raw_seconds, raw_orders, raw_errors = _race(raw_client)
    _reset(company)
    seconds, facade_orders, errors = _race(facade_client)
    oversold = _oversold(company)
    problems = len(errors) + len(raw_errors)
    _reset(company)
    one = _validation_queries(company, products, customer_id, 1)
    ten = _validation_queries(company, products, customer_id, 10)
    vendor = connection.vendor
    total_orders = CLIENTS * ORDERS_PER_CLIENT
    return [
        BenchResult(
            name="W5 16 clients reserving 10 hot products",
            seconds=seconds,
            baseline_seconds=raw_seconds,
            baseline_label="raw conditional UPDATEs",
            limit_ratio=LIMIT_RATIO[vendor],
            detail=(
                f"{total_orders / seconds:.0f} vs {total_orders / raw_seconds:.0f} orders/s; "
                f"confirmed {facade_orders} vs {raw_orders} of {total_orders}; errors {problems}"
                + (f" (first: {(errors or raw_errors)[0]!r})" if problems else "")
            ),
        ),
        BenchResult(
            name="W5 oversold units",
            seconds=float(oversold + problems),
            baseline_seconds=1.0,
            baseline_label="(must be 0)",
            limit_ratio=0.0,
            measured=f"{oversold} units oversold, {problems} errors",
            over_limit="OVERSOLD",
        ),
        BenchResult(
            name="W5 queries per delivery validation, 10 lines vs 1",
            seconds=float(ten),
            baseline_seconds=float(one),
            baseline_label="the 1-line count",
            limit_ratio=1.0,
            measured=f"{ten} vs {one} queries",
            over_limit="GROWS WITH LINES",
        ),
    ]
