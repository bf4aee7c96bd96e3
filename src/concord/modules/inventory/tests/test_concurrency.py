"""Sixteen clients competing for the last units on PostgreSQL: nothing is oversold, nothing deadlocks.

Each thread has its own connection and confirms orders of several lines in a random product order
(the worst case for lock ordering), each in its own transaction. Reservations are conditional
updates of the quant rows taken in product order, so a competing order waits and then sees what is
left; a transaction that finds too little rolls back whole. Afterwards every quant equals the sum of
its moves and reserved quantities equal the reservations.
"""

from __future__ import annotations

import random
import threading
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.db.models import Sum

from concord.modules.inventory.errors import InsufficientStockError
from concord.modules.inventory.models import Move, Quant, Reservation, Transfer
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.transfers import transfer_create, transfer_validate

from .test_transfers import quants_equal_history

THREADS = 16
ORDERS_PER_THREAD = 6
STOCK_PER_PRODUCT = 12


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_sixteen_clients_never_oversell_the_last_units(
    books, warehouse, receive, keeper, customer, make_product
):
    products = [make_product(books, f"Hot item {n}", internal_ref=f"HOT{n}") for n in range(4)]
    for product in products:
        receive(product, STOCK_PER_PRODUCT, "10")
    start = threading.Barrier(THREADS)
    confirmed: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        rng = random.Random(index)
        try:
            start.wait(timeout=30)
            for _n in range(ORDERS_PER_THREAD):
                chosen = rng.sample(products, k=rng.randint(1, 3))
                lines = [StockLine(product_id=p.pk, quantity=Decimal(rng.randint(1, 2))) for p in chosen]
                try:
                    with transaction.atomic():
                        transfer = transfer_create(
                            company=books, kind="delivery", lines=lines, by=None, partner_id=customer.pk
                        )
                    with lock:
                        confirmed.append(transfer.pk)
                except InsufficientStockError as exc:
                    with lock:
                        refused.append(str(exc))
        except BaseException as exc:  # noqa: BLE001 - any other error fails the test below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert confirmed
    assert refused
    for product in products:
        reserved = (
            Reservation.objects.filter(quant__product_id=product.pk).aggregate(t=Sum("quantity"))["t"] or 0
        )
        quant = Quant.objects.get(product_id=product.pk)
        assert quant.reserved_quantity == reserved <= quant.quantity == STOCK_PER_PRODUCT
        demanded = Move.objects.filter(transfer_id__in=confirmed, product_id=product.pk).aggregate(
            t=Sum("quantity")
        )
        assert (demanded["t"] or 0) == reserved  # every confirmed order got all it asked, nothing more
    assert Transfer.objects.filter(kind="delivery").count() == len(confirmed)

    # Now ship them all at once from several threads: stock goes down exactly by what was reserved.
    chunks = [confirmed[n::4] for n in range(4)]

    def ship(ids: list[int]) -> None:
        try:
            for pk in ids:
                transfer_validate(transfer=Transfer.objects.get(pk=pk), by=None)
        except BaseException as exc:  # noqa: BLE001
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    shippers = [threading.Thread(target=ship, args=(chunk,)) for chunk in chunks]
    for thread in shippers:
        thread.start()
    for thread in shippers:
        thread.join(timeout=120)
    assert not errors, errors
    for product in products:
        quant = Quant.objects.get(product_id=product.pk)
        shipped = Move.objects.filter(transfer_id__in=confirmed, product_id=product.pk).aggregate(
            t=Sum("quantity_done")
        )
        assert quant.quantity == STOCK_PER_PRODUCT - (shipped["t"] or 0)
        assert quant.reserved_quantity == 0
    quants_equal_history(books)
