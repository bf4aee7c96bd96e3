"""Receipts, deliveries, reservations, backorders and cancellations keep quants equal to the moves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from concord.core.errors import ValidationFailed
from concord.modules.inventory.errors import InsufficientStockError, TransferStateError
from concord.modules.inventory.models import MoveLine, Quant, Transfer
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.transfers import (
    transfer_cancel,
    transfer_create,
    transfer_update_lines,
    transfer_validate,
)

from .conftest import account_balance, on_hand, reserved


def quants_equal_history(company) -> None:
    """Every internal quant equals what its moves brought in minus what they took out."""
    for quant in Quant.objects.filter(company=company):
        lot = Q(lot_id=quant.lot_id) if quant.lot_id else Q(lot__isnull=True)
        into = MoveLine.objects.filter(lot, product_id=quant.product_id, dest_location=quant.location)
        out = MoveLine.objects.filter(lot, product_id=quant.product_id, source_location=quant.location)
        total = (into.aggregate(t=Sum("quantity"))["t"] or 0) - (out.aggregate(t=Sum("quantity"))["t"] or 0)
        assert quant.quantity == total, quant


def deliver(company, keeper, customer, *lines, allow_backorder=False, source_key=""):
    return transfer_create(
        company=company,
        kind="delivery",
        lines=[StockLine(product_id=p.pk, quantity=Decimal(q)) for p, q in lines],
        by=keeper,
        partner_id=customer.pk,
        allow_backorder=allow_backorder,
        source_key=source_key,
    )


def test_receipt_puts_stock_in_and_posts_its_value(books, receive, wok, keeper):
    receipt = receive(wok, 100, "200.00")
    assert receipt.state == "done"
    assert receipt.number.startswith("WH/IN/")
    assert on_hand(wok) == 100
    assert account_balance(books, "inventory") == Decimal("20000.00")
    assert account_balance(books, "stock_interim_received") == Decimal("-20000.00")
    quants_equal_history(books)


def test_delivery_reserves_then_ships_at_average_cost(books, receive, wok, keeper, customer):
    receive(wok, 10, "100")
    receive(wok, 10, "130")
    delivery = deliver(books, keeper, customer, (wok, 5))
    assert delivery.state == "ready"
    assert reserved(wok) == 5
    transfer_validate(transfer=delivery, by=keeper)
    assert on_hand(wok) == 15
    assert reserved(wok) == 0
    assert account_balance(books, "cost_of_sales") == Decimal("575.00")
    assert account_balance(books, "inventory") == Decimal("2300.00") - Decimal("575.00")
    quants_equal_history(books)


def test_reservation_refuses_more_than_available_and_saves_nothing(books, receive, wok, keeper, customer):
    receive(wok, 3, "100")
    before = Transfer.objects.count()
    with pytest.raises(InsufficientStockError, match="Only 3 of Carbon steel wok 36 cm available"):
        deliver(books, keeper, customer, (wok, 5))
    assert Transfer.objects.count() == before
    assert reserved(wok) == 0


def test_backorder_reserves_what_is_there_and_the_rest_follows(books, receive, wok, lid, keeper, customer):
    receive(wok, 3, "100")
    delivery = deliver(books, keeper, customer, (wok, 5), (lid, 2), allow_backorder=True)
    assert delivery.state == "waiting"
    assert reserved(wok) == 3
    transfer_validate(transfer=delivery, by=keeper)
    back = Transfer.objects.get(backorder_of=delivery)
    assert on_hand(wok) == 0
    assert {(m.product_id, m.quantity) for m in back.moves.all()} == {
        (wok.pk, Decimal(2)),
        (lid.pk, Decimal(2)),
    }
    assert back.state == "waiting"
    receive(wok, 5, "100")
    receive(lid, 5, "40")
    from concord.modules.inventory.services.transfers import transfer_reserve

    back = transfer_reserve(transfer=back, by=keeper)
    assert back.state == "ready"
    transfer_validate(transfer=back, by=keeper)
    assert on_hand(wok) == 3
    assert on_hand(lid) == 3
    quants_equal_history(books)


def test_cancel_releases_and_a_done_transfer_cannot_be_cancelled(books, receive, wok, keeper, customer):
    receive(wok, 10, "100")
    delivery = deliver(books, keeper, customer, (wok, 4))
    assert reserved(wok) == 4
    transfer_cancel(transfer=delivery, by=keeper)
    assert reserved(wok) == 0
    done = deliver(books, keeper, customer, (wok, 1))
    transfer_validate(transfer=done, by=keeper)
    with pytest.raises(TransferStateError, match="cannot be cancelled"):
        transfer_cancel(transfer=done, by=keeper)


def test_change_releases_and_reserves_again(books, receive, wok, keeper, customer):
    receive(wok, 10, "100")
    delivery = deliver(books, keeper, customer, (wok, 4))
    transfer_update_lines(
        transfer=delivery, lines=[StockLine(product_id=wok.pk, quantity=Decimal(7))], by=keeper
    )
    assert reserved(wok) == 7
    with pytest.raises(InsufficientStockError):
        transfer_update_lines(
            transfer=delivery, lines=[StockLine(product_id=wok.pk, quantity=Decimal(11))], by=keeper
        )
    assert reserved(wok) == 7


def test_partial_receipt_makes_a_backorder_and_extra_needs_consent(books, warehouse, wok, keeper, vendor):
    receipt = transfer_create(
        company=books,
        kind="receipt",
        lines=[StockLine(product_id=wok.pk, quantity=Decimal(10), unit_cost=Decimal(100))],
        by=keeper,
        partner_id=vendor.pk,
    )
    move = receipt.moves.get()
    with pytest.raises(ValidationFailed, match="more than the 10 expected"):
        transfer_validate(transfer=receipt, by=keeper, quantities={move.pk: Decimal(12)})
    transfer_validate(transfer=receipt, by=keeper, quantities={move.pk: Decimal(6)})
    assert on_hand(wok) == 6
    back = Transfer.objects.get(backorder_of=receipt)
    assert back.moves.get().quantity == 4
    transfer_validate(
        transfer=back, by=keeper, quantities={back.moves.get().pk: Decimal(5)}, allow_extra=True
    )
    assert on_hand(wok) == 11


@pytest.mark.parametrize("quantity", ["0", "-1"])
def test_zero_and_negative_quantities_are_refused(books, warehouse, wok, keeper, quantity):
    with pytest.raises(ValidationFailed, match="more than zero"):
        transfer_create(
            company=books,
            kind="receipt",
            lines=[StockLine(product_id=wok.pk, quantity=Decimal(quantity))],
            by=keeper,
        )


def test_unit_of_another_category_is_refused(books, warehouse, wok, keeper, shared_uom):
    kg = shared_uom("kg")
    with pytest.raises(ValidationFailed, match="Line 1"):
        transfer_create(
            company=books,
            kind="receipt",
            lines=[StockLine(product_id=wok.pk, quantity=Decimal(1), uom_id=kg.pk)],
            by=keeper,
        )


def test_source_key_makes_create_idempotent(books, receive, wok, keeper, customer):
    receive(wok, 10, "100")
    first = deliver(books, keeper, customer, (wok, 2), source_key="sales.order:1")
    second = deliver(books, keeper, customer, (wok, 2), source_key="sales.order:1")
    assert first.pk == second.pk
    assert reserved(wok) == 2


def test_moving_more_than_a_shelf_holds_is_refused_and_moves_nothing(books, warehouse, receive, wok, keeper):
    from concord.modules.inventory.services.setup import location_create

    shelf = location_create(company=books, name="A1", parent=warehouse.stock_location, by=keeper)
    receive(wok, 5, "100")
    to_shelf = transfer_create(
        company=books,
        kind="internal",
        lines=[StockLine(product_id=wok.pk, quantity=Decimal(3))],
        by=keeper,
        dest_location=shelf,
        reserve=False,
    )
    move = to_shelf.moves.get()
    with pytest.raises(InsufficientStockError, match="Only 5 of Carbon steel wok 36 cm"):
        transfer_validate(transfer=to_shelf, by=keeper, quantities={move.pk: Decimal(6)}, allow_extra=True)
    assert on_hand(wok, location=shelf) == 0
    transfer_validate(transfer=to_shelf, by=keeper, quantities={move.pk: Decimal(3)})
    assert on_hand(wok, location=shelf) == 3
    assert on_hand(wok) == 5  # still in the warehouse: an internal move values nothing
    assert account_balance(books, "inventory") == Decimal("500.00")
    quants_equal_history(books)
