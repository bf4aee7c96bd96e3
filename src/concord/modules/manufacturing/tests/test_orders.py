"""Manufacturing orders: confirm reserves, produce consumes and values, cancel releases, idempotency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concord.core.errors import Conflict, ValidationFailed
from concord.core.outbox.models import OutboxEvent
from concord.modules.inventory.facade import product_unit_cost, stock_levels, transfer_get
from concord.modules.manufacturing.events import ManufacturingOrderConfirmed, ManufacturingOrderDone
from concord.modules.manufacturing.models import ManufacturingOrder, OrderState
from concord.modules.manufacturing.queries import order_availability
from concord.modules.manufacturing.services.orders import (
    order_cancel,
    order_confirm,
    order_create,
    order_produce,
    order_update,
)


def levels(company, *products):
    found = stock_levels(company.pk, [p.pk for p in products])
    return {p.pk: found[p.pk] for p in products}


def make_order(company, products, quantity="10", **kwargs):
    return order_create(
        company=company, product_id=products["wok_set"].pk, quantity=Decimal(quantity), by=None, **kwargs
    )


def test_create_numbers_the_order_and_explodes_the_kit(company, products, boms):
    order = make_order(company, products)

    assert order.number.startswith("MO/")
    assert order.state == OrderState.DRAFT
    assert order.bom_id == boms["wok"].pk
    needs = {c.product_id: c.quantity for c in order.components.all()}
    assert needs == {
        products["pan"].pk: Decimal(10),
        products["handle"].pk: Decimal(10),
        products["screw"].pk: Decimal(20),
        products["lid"].pk: Decimal(10),
    }
    assert make_order(company, products).number != order.number


def test_a_product_without_bom_or_zero_quantity_is_refused(company, products, boms):
    with pytest.raises(ValidationFailed) as caught:
        order_create(company=company, product_id=products["pan"].pk, quantity=Decimal(1), by=None)
    assert caught.value.field == "bom_id"
    with pytest.raises(ValidationFailed) as caught:
        make_order(company, products, quantity="0")
    assert caught.value.field == "quantity"


def test_confirm_reserves_the_components(company, products, stocked):
    order = order_confirm(order=make_order(company, products), by=None)

    assert order.state == OrderState.CONFIRMED
    assert order.consume_transfer_id is not None
    transfer = transfer_get(order.consume_transfer_id)
    assert transfer is not None
    assert transfer.kind == "consume"
    assert transfer.source_key == f"manufacturing.order:{order.pk}"
    assert levels(company, products["pan"])[products["pan"].pk].reserved == Decimal(10)
    assert levels(company, products["screw"])[products["screw"].pk].available == Decimal(0)
    availability, rows = order_availability(order)
    assert availability == "ready"
    assert all(row.shortage == 0 for row in rows)
    assert OutboxEvent.objects.filter(event_type=ManufacturingOrderConfirmed.event_type).count() == 1


def test_confirm_with_missing_components_waits_and_names_the_shortage(company, products, boms):
    from concord.modules.manufacturing.tests.conftest import stock_in

    stock_in(company, [(products["pan"], "4", "100")])
    order = order_confirm(order=make_order(company, products), by=None)

    availability, rows = order_availability(order)
    assert availability == "waiting"
    by_product = {row.product_id: row for row in rows}
    assert by_product[products["pan"].pk].reserved == Decimal(4)
    assert by_product[products["pan"].pk].shortage == Decimal(6)
    # The lid is a sub-assembly: the order screen proposes a child order for it.
    assert by_product[products["lid"].pk].sub_bom_id == boms["lid"].pk
    assert by_product[products["lid"].pk].shortage == Decimal(10)


def test_confirming_twice_reserves_once(company, products, stocked):
    order = make_order(company, products)
    first = order_confirm(order=order, by=None)
    second = order_confirm(order=order, by=None)

    assert second.consume_transfer_id == first.consume_transfer_id
    assert levels(company, products["pan"])[products["pan"].pk].reserved == Decimal(10)
    assert OutboxEvent.objects.filter(event_type=ManufacturingOrderConfirmed.event_type).count() == 1


def test_producing_ten_consumes_the_components_and_values_the_goods_at_their_cost(
    company, products, stocked, make_books
):
    make_books(company)
    order = order_confirm(order=make_order(company, products), by=None)

    done = order_produce(order=order, by=None)

    p = products
    assert done.state == OrderState.DONE
    assert done.quantity_produced == Decimal(10)
    consumed_value = Decimal(10 * 100 + 10 * 20 + 20 * 1 + 10 * 40)
    assert done.value == consumed_value
    found = levels(company, p["pan"], p["handle"], p["screw"], p["lid"], p["wok_set"])
    assert all(found[x.pk].on_hand == 0 for x in (p["pan"], p["handle"], p["screw"], p["lid"]))
    assert found[p["wok_set"].pk].on_hand == Decimal(10)
    assert product_unit_cost(company.pk, p["wok_set"].pk) == consumed_value / 10
    assert {c.quantity_consumed for c in done.components.all()} == {Decimal(10), Decimal(20)}
    event = OutboxEvent.objects.get(event_type=ManufacturingOrderDone.event_type)
    assert (
        event.payload["value"] == f"{consumed_value:f}" or Decimal(event.payload["value"]) == consumed_value
    )


def test_producing_twice_produces_once(company, products, stocked):
    order = order_confirm(order=make_order(company, products), by=None)
    order_produce(order=order, by=None)
    again = order_produce(order=order, by=None)

    assert again.state == OrderState.DONE
    assert levels(company, products["wok_set"])[products["wok_set"].pk].on_hand == Decimal(10)
    assert OutboxEvent.objects.filter(event_type=ManufacturingOrderDone.event_type).count() == 1


def test_producing_a_draft_confirms_it_first(company, products, stocked):
    done = order_produce(order=make_order(company, products, quantity="2"), by=None)

    assert done.state == OrderState.DONE
    assert levels(company, products["wok_set"])[products["wok_set"].pk].on_hand == Decimal(2)


def test_producing_less_closes_the_order_and_keeps_the_rest_as_a_backorder(company, products, stocked):
    order = order_confirm(order=make_order(company, products), by=None)

    done = order_produce(order=order, by=None, quantity=Decimal(4))

    assert done.state == OrderState.DONE
    assert done.quantity_produced == Decimal(4)
    assert done.value == Decimal(4 * 162)
    rest = ManufacturingOrder.objects.get(backorder_of=done)
    assert rest.state == OrderState.CONFIRMED
    assert rest.quantity == Decimal(6)
    assert {c.product_id: c.quantity for c in rest.components.all()}[products["screw"].pk] == Decimal(12)
    # The rest keeps the reservations the first order had for it.
    assert levels(company, products["pan"])[products["pan"].pk].reserved == Decimal(6)
    assert order_availability(rest)[0] == "ready"
    finished = order_produce(order=rest, by=None)
    assert finished.quantity_produced == Decimal(6)
    assert levels(company, products["wok_set"])[products["wok_set"].pk].on_hand == Decimal(10)


def test_producing_less_without_backorder_releases_the_rest(company, products, stocked):
    order = order_confirm(order=make_order(company, products), by=None)

    order_produce(order=order, by=None, quantity=Decimal(4), backorder=False)

    assert not ManufacturingOrder.objects.filter(backorder_of=order).exists()
    pan = levels(company, products["pan"])[products["pan"].pk]
    assert (pan.on_hand, pan.reserved) == (Decimal(6), Decimal(0))


def test_producing_more_than_ordered_is_refused(company, products, stocked):
    order = order_confirm(order=make_order(company, products, quantity="2"), by=None)
    with pytest.raises(ValidationFailed) as caught:
        order_produce(order=order, by=None, quantity=Decimal(3))
    assert caught.value.field == "quantity"


def test_cancel_releases_the_reservations(company, products, stocked):
    order = order_confirm(order=make_order(company, products), by=None)

    cancelled = order_cancel(order=order, by=None)

    assert cancelled.state == OrderState.CANCELLED
    assert order.consume_transfer_id is not None
    transfer = transfer_get(order.consume_transfer_id)
    assert transfer is not None
    assert transfer.state == "cancelled"
    assert levels(company, products["pan"])[products["pan"].pk].reserved == Decimal(0)
    assert order_cancel(order=order, by=None).state == OrderState.CANCELLED  # twice: no error
    with pytest.raises(Conflict):
        order_confirm(order=order, by=None)


def test_a_done_order_cannot_be_cancelled(company, products, stocked):
    order = order_produce(order=make_order(company, products, quantity="1"), by=None)
    with pytest.raises(Conflict) as caught:
        order_cancel(order=order, by=None)
    assert "cannot be cancelled" in str(caught.value.message)


def test_only_a_draft_can_be_changed(company, products, stocked):
    order = make_order(company, products)
    changed = order_update(order=order, by=None, quantity=Decimal(3))
    assert {c.product_id: c.quantity for c in changed.components.all()}[products["screw"].pk] == Decimal(6)
    order_confirm(order=order, by=None)
    with pytest.raises(Conflict):
        order_update(order=order, by=None, quantity=Decimal(5))
