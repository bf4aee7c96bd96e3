"""Lots and serial numbers, FIFO and average costing, counts, production valuation, reorder events."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from concord.core.errors import ValidationFailed
from concord.core.outbox.models import OutboxEvent
from concord.modules.inventory.errors import LotRequiredError
from concord.modules.inventory.models import Lot, MoveLine, ProductCost, Quant, ValuationLayer
from concord.modules.inventory.services.counts import count_apply, count_create, count_set
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.reorder import reorder_rule_save
from concord.modules.inventory.services.setup import category_costing_set, product_tracking_set
from concord.modules.inventory.services.transfers import production_done, transfer_create, transfer_validate

from .conftest import account_balance, on_hand


def delivery(company, keeper, customer, product, quantity):
    return transfer_create(
        company=company,
        kind="delivery",
        lines=[StockLine(product_id=product.pk, quantity=Decimal(quantity))],
        by=keeper,
        partner_id=customer.pk,
    )


def test_a_lot_tracked_product_needs_its_lot_and_is_traced(
    books, warehouse, receive, wok, keeper, customer, vendor
):
    product_tracking_set(company=books, product_id=wok.pk, tracking="lot", by=keeper)
    with pytest.raises(LotRequiredError, match="tracked by lot or serial number"):
        receive(wok, 5, "100")
    assert on_hand(wok) == 0
    receive(wok, 5, "100", lot="L-2026-01")
    receive(wok, 5, "110", lot="L-2026-02")
    out = delivery(books, keeper, customer, wok, 7)
    transfer_validate(transfer=out, by=keeper)
    first = Lot.objects.get(name="L-2026-01")
    assert on_hand(wok, lot=first) == 0
    assert on_hand(wok, lot__name="L-2026-02") == 3
    traced = MoveLine.objects.filter(lot=first).order_by("pk")
    assert [(line.source_location.usage, line.dest_location.usage) for line in traced] == [
        ("supplier", "internal"),
        ("internal", "customer"),
    ]


def test_delivery_of_a_named_lot_takes_that_lot(books, warehouse, receive, wok, keeper, customer):
    product_tracking_set(company=books, product_id=wok.pk, tracking="lot", by=keeper)
    receive(wok, 5, "100", lot="A")
    receive(wok, 5, "100", lot="B")
    out = delivery(books, keeper, customer, wok, 2)
    move = out.moves.get()
    transfer_validate(transfer=out, by=keeper, lots={move.pk: [("B", Decimal(2))]})
    assert on_hand(wok, lot__name="A") == 5
    assert on_hand(wok, lot__name="B") == 3
    assert Quant.objects.aggregate(r=Sum("reserved_quantity"))["r"] == 0


def test_serial_numbers_move_one_unit_each_once(books, warehouse, wok, keeper, vendor):
    product_tracking_set(company=books, product_id=wok.pk, tracking="serial", by=keeper)
    receipt = transfer_create(
        company=books,
        kind="receipt",
        lines=[StockLine(product_id=wok.pk, quantity=Decimal(2), unit_cost=Decimal(10))],
        by=keeper,
    )
    move = receipt.moves.get()
    with pytest.raises(ValidationFailed, match="exactly one unit"):
        transfer_validate(transfer=receipt, by=keeper, lots={move.pk: [("SN1", Decimal(2))]})
    transfer_validate(transfer=receipt, by=keeper, lots={move.pk: [("SN1", Decimal(1)), ("SN2", Decimal(1))]})
    again = transfer_create(
        company=books,
        kind="receipt",
        lines=[StockLine(product_id=wok.pk, quantity=Decimal(1), unit_cost=Decimal(10))],
        by=keeper,
    )
    with pytest.raises(ValidationFailed, match="already in stock: SN1"):
        transfer_validate(transfer=again, by=keeper, lots={again.moves.get().pk: [("SN1", Decimal(1))]})


def test_fifo_takes_the_oldest_cost_first(
    books, warehouse, receive, wok, keeper, customer, make_product, make_category
):
    category = make_category(books, "Cookware")
    category_costing_set(company=books, category_id=category.pk, method="fifo", by=keeper)
    pan = make_product(books, "Frying pan", category=category)
    receive(pan, 10, "100")
    receive(pan, 10, "130")
    transfer_validate(transfer=delivery(books, keeper, customer, pan, 15), by=keeper)
    assert account_balance(books, "cost_of_sales") == Decimal("1650.00")  # 10 x 100 + 5 x 130
    cost = ProductCost.objects.get(product_id=pan.pk)
    assert (cost.quantity, cost.value) == (Decimal(5), Decimal("650.00"))
    assert ValuationLayer.objects.filter(product_id=pan.pk).aggregate(v=Sum("value"))["v"] == Decimal(
        "650.00"
    )


def test_average_cost_rounds_to_the_satang_and_the_ledger_agrees(books, receive, wok, keeper, customer):
    receive(wok, 3, "100")
    receive(wok, 3, "100.01")
    for _n in range(5):
        transfer_validate(transfer=delivery(books, keeper, customer, wok, 1), by=keeper)
    cost = ProductCost.objects.get(product_id=wok.pk)
    assert cost.quantity == 1
    assert account_balance(books, "inventory") == cost.value
    transfer_validate(transfer=delivery(books, keeper, customer, wok, 1), by=keeper)
    cost.refresh_from_db()
    assert (cost.quantity, cost.value) == (Decimal(0), Decimal(0))
    assert account_balance(books, "inventory") == 0


def test_a_count_posts_the_missing_units_to_inventory_loss(books, warehouse, receive, wok, lid, keeper):
    receive(wok, 10, "100")
    receive(lid, 4, "50")
    count = count_create(company=books, location=warehouse.stock_location, by=keeper)
    lines = {line.product_id: line for line in count.lines.all()}
    assert lines[wok.pk].expected_quantity == 10
    count_set(count=count, counted={lines[wok.pk].pk: "8", lines[lid.pk].pk: "5"}, by=keeper)
    count_apply(count=count, by=keeper)
    assert on_hand(wok) == 8
    assert on_hand(lid) == 5
    assert account_balance(books, "inventory_loss") == Decimal("200.00") - Decimal("50.00")
    assert account_balance(books, "inventory") == Decimal("800.00") + Decimal("250.00")


def test_production_values_the_kit_at_its_components_cost(
    books, warehouse, receive, wok, lid, keeper, make_product
):
    kit = make_product(books, "Wok set")
    receive(wok, 10, "100")
    receive(lid, 10, "40")
    consume = transfer_create(
        company=books,
        kind="consume",
        lines=[
            StockLine(product_id=wok.pk, quantity=Decimal(4)),
            StockLine(product_id=lid.pk, quantity=Decimal(4)),
        ],
        by=keeper,
    )
    with pytest.raises(Exception, match="manufacturing order"):
        transfer_validate(transfer=consume, by=keeper)
    output = production_done(
        consume_transfer=consume,
        produce=[StockLine(product_id=kit.pk, quantity=Decimal(4))],
        by=keeper,
        source_key="mo:1",
    )
    assert output.state == "done"
    assert on_hand(kit) == 4
    assert ProductCost.objects.get(product_id=kit.pk).value == Decimal("560.00")
    assert account_balance(books, "inventory") == Decimal("1400.00")  # 1400 in, 560 out, 560 back as kits
    again = production_done(
        consume_transfer=consume,
        produce=[StockLine(product_id=kit.pk, quantity=Decimal(4))],
        by=keeper,
        source_key="mo:1",
    )
    assert again.pk == output.pk
    assert on_hand(kit) == 4


def test_falling_below_the_minimum_publishes_an_event(
    books, warehouse, receive, wok, keeper, customer, vendor
):
    receive(wok, 12, "100")
    reorder_rule_save(
        company=books,
        product_id=wok.pk,
        warehouse=warehouse,
        min_quantity=5,
        max_quantity=20,
        multiple_quantity=5,
        vendor_id=vendor.pk,
        by=keeper,
    )
    assert not OutboxEvent.objects.filter(event_type__endswith="StockBelowMinimum").exists()
    transfer_validate(transfer=delivery(books, keeper, customer, wok, 8), by=keeper)
    # Reserving already dropped the forecast below the minimum; validating tells it again (the same figure).
    events = OutboxEvent.objects.filter(event_type__endswith="StockBelowMinimum").order_by("pk")
    assert len(events) == 2
    event = events.last()
    assert event is not None
    assert event.payload["quantity_to_order"] == "20"  # 20 - 4 = 16, rounded up to multiples of 5
    assert event.payload["vendor_id"] == vendor.pk


def test_a_receipt_without_a_cost_is_valued_at_the_purchase_price_per_stock_unit(
    books, warehouse, keeper, make_product, shared_uom
):
    steamer = make_product(books, "Bamboo steamer", purchase_price="120", purchase_uom=shared_uom("dozen"))
    receipt = transfer_create(
        company=books,
        kind="receipt",
        lines=[StockLine(product_id=steamer.pk, quantity=Decimal(24))],
        by=keeper,
    )
    transfer_validate(transfer=receipt, by=keeper)
    assert ProductCost.objects.get(product_id=steamer.pk).value == Decimal("240.00")  # 24 pieces at 10 each
    assert account_balance(books, "inventory") == Decimal("240.00")
