"""The read side: dashboard figures, the valuation report against the ledger, a lot's traceability."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concord.modules.inventory import queries
from concord.modules.inventory.models import Lot
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.setup import product_tracking_set
from concord.modules.inventory.services.transfers import transfer_create, transfer_validate

from .conftest import account_balance

pytestmark = pytest.mark.django_db


def _deliver(books, keeper, customer, product, quantity, **kwargs):
    return transfer_create(
        company=books,
        kind="delivery",
        lines=[StockLine(product_id=product.pk, quantity=Decimal(quantity))],
        by=keeper,
        partner_id=customer.pk,
        **kwargs,
    )


def test_dashboard_shows_on_hand_reserved_available_incoming_outgoing(
    books, warehouse, receive, wok, lid, keeper, customer, vendor, django_assert_max_num_queries
):
    receive(wok, 10, "200")
    receive(lid, 4, "50")
    _deliver(books, keeper, customer, wok, 3)  # reserved, outgoing
    transfer_create(
        company=books,
        kind="receipt",
        lines=[StockLine(product_id=lid.pk, quantity=Decimal(6), unit_cost=Decimal(50))],
        by=keeper,
        partner_id=vendor.pk,
    )  # incoming, not yet done
    with django_assert_max_num_queries(5):
        data = queries.stock_dashboard(books.pk, books.currency)
    rows = {row.product_id: row for row in data.rows}
    assert (rows[wok.pk].on_hand, rows[wok.pk].reserved, rows[wok.pk].available) == (
        Decimal(10),
        Decimal(3),
        Decimal(7),
    )
    assert (rows[wok.pk].incoming, rows[wok.pk].outgoing) == (Decimal(0), Decimal(3))
    assert (rows[lid.pk].on_hand, rows[lid.pk].incoming, rows[lid.pk].outgoing) == (
        Decimal(4),
        Decimal(6),
        Decimal(0),
    )
    assert rows[wok.pk].value == Decimal("2000.00")
    assert data.total_value == Decimal("2200.00")
    assert [bar.label for bar in data.bars] == [wok.name, lid.name]
    assert data.bars[0].percent == 100


def test_dashboard_queries_do_not_grow_with_products(
    books, warehouse, receive, make_product, django_assert_max_num_queries
):
    for number in range(12):
        receive(make_product(books, f"Pan {number}"), 2, "10")
    with django_assert_max_num_queries(5):
        data = queries.stock_dashboard(books.pk, books.currency)
    assert len(data.rows) == 12


def test_valuation_report_equals_the_ledger(books, warehouse, receive, wok, lid, keeper, customer):
    receive(wok, 10, "100")
    receive(wok, 10, "130")
    receive(lid, 5, "40")
    delivery = _deliver(books, keeper, customer, wok, 7)
    transfer_validate(transfer=delivery, by=keeper)
    report = queries.valuation_report(books.pk, books.currency)
    rows = {row.product_id: row for row in report.rows}
    assert rows[wok.pk].quantity == 13
    assert rows[wok.pk].unit_cost == Decimal("115.0000")
    assert rows[lid.pk].value == Decimal("200.00")
    assert report.total_value == account_balance(books, "inventory")
    assert report.ledger_balance == report.total_value
    assert report.difference == 0


def test_traceability_of_a_lot_received_then_delivered(
    books, warehouse, receive, wok, keeper, customer, vendor
):
    product_tracking_set(company=books, product_id=wok.pk, tracking="lot", by=keeper)
    receive(wok, 5, "100", lot="LOT-2026-01")
    receive(wok, 3, "100", lot="LOT-2026-02")
    delivery = _deliver(books, keeper, customer, wok, 2)
    transfer_validate(
        transfer=delivery, by=keeper, lots={delivery.moves.get().pk: [("LOT-2026-01", Decimal(2))]}
    )
    lot = Lot.objects.get(name="LOT-2026-01")
    trace = queries.lot_trace(lot)
    assert [line.direction for line in trace.lines] == ["in", "out"]
    came, went = trace.lines
    assert came.partner_name == vendor.name
    assert came.dest == "WH/Stock"
    assert came.transfer_number.startswith("WH/IN/")
    assert went.partner_name == customer.name
    assert went.source == "WH/Stock"
    assert went.transfer_number == delivery.number
    assert (trace.received, trace.shipped) == (Decimal(5), Decimal(2))


def test_party_transfers_lists_receipts_and_deliveries(
    books, warehouse, receive, wok, keeper, customer, vendor
):
    receipt = receive(wok, 5, "100")
    delivery = _deliver(books, keeper, customer, wok, 1)
    assert [row.number for row in queries.party_transfers(vendor.pk)] == [receipt.number]
    assert [(row.number, row.state) for row in queries.party_transfers(customer.pk)] == [
        (delivery.number, "ready")
    ]
