"""Purchasing services: prices, approval, idempotent confirmation, 3-way match, reordering, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from concord.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from concord.core.outbox.facade import dispatch_pending
from concord.core.outbox.models import OutboxEvent
from concord.modules.accounting.facade import invoice_get
from concord.modules.inventory.facade import transfer_get, transfer_validate, transfers_by_source
from concord.modules.purchasing.documents.sending import order_send
from concord.modules.purchasing.events import PurchaseOrderConfirmed, PurchaseOrderSent
from concord.modules.purchasing.models import OrderState, PurchaseOrder, PurchaseOrderLine
from concord.modules.purchasing.queries import MatchStatus, best_vendor_price, order_match, order_transfers
from concord.modules.purchasing.services.bills import order_bill_create
from concord.modules.purchasing.services.orders import (
    OrderLineInput,
    order_approve,
    order_cancel,
    order_confirm,
    order_create,
)
from concord.modules.purchasing.services.pricelists import vendor_price_create
from concord.modules.purchasing.services.reorder import reorder_on_stock_below_minimum
from concord.modules.purchasing.services.settings import purchasing_settings_update

from .conftest import stock_below_minimum, unit

pytestmark = pytest.mark.django_db


def _best(**kwargs):
    found = best_vendor_price(**kwargs)
    assert found is not None
    return found


def receipt_of(order):
    (receipt,) = [t for t in order_transfers(order) if t.state != "cancelled"]
    return receipt


def receive(order, by, quantities=None, **kwargs):
    """Validate the order's open receipt, ``quantities`` per product id (default: everything)."""
    receipt = next(t for t in order_transfers(order) if t.state not in ("done", "cancelled"))
    by_move = None
    if quantities is not None:
        by_move = {move.id: Decimal(str(quantities[move.product_id])) for move in receipt.moves}
    return transfer_validate(receipt.id, by=by, quantities=by_move, **kwargs)


# ------------------------------------------------------------------------------------ price lists
def test_the_selector_picks_the_cheapest_valid_price_for_the_quantity(
    books, vendor, other_vendor, *, wok, buyer
):
    today = timezone.localdate()
    vendor_price_create(company=books, vendor_id=vendor.pk, product_id=wok.pk, price=Decimal(180), by=buyer)
    vendor_price_create(
        company=books,
        vendor_id=other_vendor.pk,
        product_id=wok.pk,
        price=Decimal(150),
        min_quantity=Decimal(50),
        by=buyer,
    )
    vendor_price_create(
        company=books,
        vendor_id=other_vendor.pk,
        product_id=wok.pk,
        price=Decimal(100),
        date_end=today - dt.timedelta(days=1),
        by=buyer,
    )

    assert _best(company=books, product_id=wok.pk, quantity=Decimal(10), on_date=today).price == 180
    assert _best(company=books, product_id=wok.pk, quantity=Decimal(60), on_date=today).price == 150
    earlier = today - dt.timedelta(days=5)
    assert _best(company=books, product_id=wok.pk, quantity=Decimal(10), on_date=earlier).price == 100


def test_an_rfq_takes_its_price_and_date_from_the_vendor_price_list(
    books, vendor, wok, *, lid, buyer, make_order
):
    vendor_price_create(
        company=books, vendor_id=vendor.pk, product_id=wok.pk, price=Decimal(175), lead_time_days=7, by=buyer
    )

    order = make_order((wok, 10), (lid, 4))

    assert order.state == OrderState.RFQ
    assert order.number.startswith("PO/")
    wok_line, lid_line = PurchaseOrderLine.objects.filter(order=order).order_by("sequence")
    assert wok_line.unit_price == 175
    assert wok_line.planned_date == order.order_date + dt.timedelta(days=7)
    assert lid_line.unit_price == 50  # no price list entry: the product's purchase price
    assert order.amount_untaxed == Decimal(1750 + 200)


def test_a_price_in_a_box_is_restated_for_the_unit(books, wok, make_order):
    order = make_order((wok, 2))
    line = PurchaseOrderLine.objects.get(order=order)
    assert line.product_quantity == 2

    boxed = order_create(
        company=books,
        vendor_id=order.vendor_id,
        lines=[OrderLineInput(product_id=wok.pk, quantity=Decimal(2), uom_id=unit("box12").pk)],
        by=None,
    )
    line = PurchaseOrderLine.objects.get(order=boxed)
    assert (line.product_quantity, line.unit_price) == (Decimal(24), Decimal(2400))


# ------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("quantity", ["0", "-3"])
def test_a_line_needs_a_positive_quantity(make_order, wok, quantity):
    with pytest.raises(ValidationFailed) as caught:
        make_order((wok, quantity))
    assert caught.value.field == "lines"
    assert PurchaseOrder.objects.count() == 0


def test_a_unit_of_another_kind_is_refused(books, vendor, wok):
    with pytest.raises(ValidationFailed) as caught:
        order_create(
            company=books,
            vendor_id=vendor.pk,
            lines=[OrderLineInput(product_id=wok.pk, quantity=Decimal(1), uom_id=unit("kg").pk)],
            by=None,
        )
    assert caught.value.field == "lines"


def test_a_vendor_of_another_company_is_refused(make_order, make_company, make_partner, wok):
    foreign = make_partner(make_company(name="Lanna Goods", code="lanna"), "Doi Supplies")
    with pytest.raises(ValidationFailed) as caught:
        make_order((wok, 1), vendor_id=foreign.pk)
    assert caught.value.field == "vendor_id"


def test_a_customer_only_party_is_not_a_vendor(books, make_partner, make_order, wok):
    customer = make_partner(books, "Chao Phraya Foods", is_supplier=False)
    with pytest.raises(ValidationFailed):
        make_order((wok, 1), vendor_id=customer.pk)


def test_a_product_of_another_company_is_refused(make_order, make_company, make_product):
    foreign = make_product(make_company(name="Lanna Goods", code="lanna"), "Teak table")
    with pytest.raises(ValidationFailed) as caught:
        make_order((foreign, 1))
    assert caught.value.field == "lines"


def test_a_negative_price_is_refused(books, vendor, wok, buyer, make_order):
    with pytest.raises(ValidationFailed):
        make_order((wok, 1, "-1"))
    with pytest.raises(ValidationFailed) as caught:
        vendor_price_create(
            company=books, vendor_id=vendor.pk, product_id=wok.pk, price=Decimal(-5), by=buyer
        )
    assert caught.value.field == "price"


# ------------------------------------------------------------------------------------ confirmation
def test_confirming_creates_one_receipt_even_when_clicked_twice(make_order, wok, lid, install, buyer):
    order = make_order((wok, 10, "200"), (lid, 5, "50"), (install, 1, "1000"))

    first = order_confirm(order=order, by=buyer)
    second = order_confirm(order=order, by=buyer)

    assert first.state == second.state == OrderState.PURCHASE
    transfers = transfers_by_source(order.company_id, order.source_key)
    assert len(transfers) == 1
    (receipt,) = transfers
    assert receipt.kind == "receipt"
    assert receipt.partner_id == order.vendor_id
    by_product = {move.product_id: move for move in receipt.moves}
    assert set(by_product) == {wok.pk, lid.pk}  # the service is not stocked
    assert by_product[wok.pk].quantity == 10
    assert OutboxEvent.objects.filter(event_type=PurchaseOrderConfirmed.event_type).count() == 1


def test_the_receipt_is_valued_at_the_net_price_in_company_currency(make_order, wok, buyer):
    order = make_order((wok, 10, "200"))
    PurchaseOrderLine.objects.filter(order=order).update(discount_percent=Decimal(10))
    order_confirm(order=order, by=buyer)
    received = receive(order, buyer)
    (move,) = received.moves
    assert move.value == Decimal(1800)


def test_above_the_approval_amount_a_manager_must_approve(books, make_order, wok, buyer, manager):
    purchasing_settings_update(company=books, approval_amount=Decimal(5000), by=manager)
    small = make_order((wok, 10, "200"))
    large = make_order((wok, 100, "200"))

    assert order_confirm(order=small, by=buyer).state == OrderState.PURCHASE
    waiting = order_confirm(order=large, by=buyer)
    assert waiting.state == OrderState.TO_APPROVE
    assert transfers_by_source(books.pk, large.source_key) == []
    with pytest.raises(PermissionDeniedError):
        order_approve(order=large, by=buyer)

    approved = order_approve(order=large, by=manager)
    assert approved.state == OrderState.PURCHASE
    assert approved.approved_by == manager
    assert len(transfers_by_source(books.pk, large.source_key)) == 1
    assert order_approve(order=large, by=manager).state == OrderState.PURCHASE  # again: nothing happens
    assert len(transfers_by_source(books.pk, large.source_key)) == 1


def test_only_a_waiting_order_can_be_approved(make_order, wok, manager):
    order = make_order((wok, 1))
    with pytest.raises(Conflict):
        order_approve(order=order, by=manager)


# ------------------------------------------------------------------------------------ 3-way match
def test_bills_follow_what_was_received_and_over_billing_is_refused(make_order, wok, install, buyer):
    order = make_order((wok, 10, "200"), (install, 1, "1000"))
    order_confirm(order=order, by=buyer)
    assert order_match(order).status == MatchStatus.TO_BILL  # the service can be billed at once

    receive(order, buyer, {wok.pk: 4})
    match = order_match(order)
    wok_line, _install_line = match.lines
    assert (wok_line.ordered, wok_line.received, wok_line.billed) == (Decimal(10), Decimal(4), Decimal(0))

    bill = order_bill_create(order=order, by=buyer)
    invoice = invoice_get(bill.invoice_id)
    assert invoice is not None
    assert invoice.kind == "in_invoice"
    assert invoice.state == "draft"
    assert invoice.source_key == f"purchasing.order:{order.pk}:bill:1"
    assert invoice.amount_untaxed == Decimal(4 * 200 + 1000)
    match = order_match(order)
    assert [line.billed for line in match.lines] == [4, 1]
    assert match.status == MatchStatus.WAITING

    with pytest.raises(ValidationFailed) as caught:
        order_bill_create(order=order, by=buyer)
    assert caught.value.field == "quantities"
    wok_line_id = match.lines[0].line_id
    with pytest.raises(ValidationFailed) as caught:
        order_bill_create(order=order, by=buyer, quantities={wok_line_id: Decimal(2)})
    assert "received" in str(caught.value.message)

    forced = order_bill_create(order=order, by=buyer, quantities={wok_line_id: Decimal(2)}, force=True)
    assert forced.forced
    assert order_match(order).status == MatchStatus.OVER_BILLED


def test_an_order_received_and_billed_in_full_is_done(make_order, wok, buyer):
    order = make_order((wok, 3, "200"))
    order_confirm(order=order, by=buyer)
    receive(order, buyer)
    assert order_match(order).status == MatchStatus.TO_BILL

    order_bill_create(order=order, by=buyer)

    order.refresh_from_db()
    assert order.state == OrderState.DONE
    assert order_match(order).status == MatchStatus.FULLY_BILLED


def test_receiving_more_than_ordered_needs_allow_extra(make_order, wok, buyer):
    order = make_order((wok, 2, "200"))
    order_confirm(order=order, by=buyer)
    with pytest.raises(ValidationFailed):
        receive(order, buyer, {wok.pk: 3})
    receive(order, buyer, {wok.pk: 3}, allow_extra=True)
    assert order_match(order).lines[0].received == 3


# ------------------------------------------------------------------------------------ cancelling
def test_cancelling_an_open_order_cancels_its_receipt(make_order, wok, buyer, manager):
    order = make_order((wok, 2, "200"))
    order_confirm(order=order, by=buyer)
    receipt = receipt_of(order)

    assert order_cancel(order=order, by=manager).state == OrderState.CANCELLED
    cancelled = transfer_get(receipt.id)
    assert cancelled is not None
    assert cancelled.state == "cancelled"
    with pytest.raises(Conflict):
        order_confirm(order=order, by=buyer)


def test_an_order_with_received_goods_cannot_be_cancelled(make_order, wok, buyer, manager):
    order = make_order((wok, 2, "200"))
    order_confirm(order=order, by=buyer)
    receive(order, buyer)

    with pytest.raises(Conflict):
        order_cancel(order=order, by=manager)
    order.refresh_from_db()
    assert order.state == OrderState.PURCHASE


# ------------------------------------------------------------------------------------ sending
def test_sending_emails_the_pdf_after_commit_and_marks_the_rfq_sent(make_order, wok, buyer):
    order = make_order((wok, 2, "200"))
    sent = order_send(order=order, to=["sales@isan.example"], by=buyer)
    assert sent.state == OrderState.SENT
    assert mail.outbox == []
    (event,) = OutboxEvent.objects.filter(event_type=PurchaseOrderSent.event_type)
    assert (event.aggregate_type, event.aggregate_id) == ("parties.party", str(order.vendor_id))

    dispatch_pending()

    (message,) = mail.outbox
    assert message.to == ["sales@isan.example"]
    (filename, content, _mimetype) = message.attachments[0]
    assert filename == order.number.replace("/", "-") + ".pdf"
    assert content.startswith(b"%PDF")


def test_a_bad_address_is_named(make_order, wok, buyer):
    order = make_order((wok, 1))
    with pytest.raises(ValidationFailed) as caught:
        order_send(order=order, to=["not-an-address"], by=buyer)
    assert caught.value.field == "to"


# ------------------------------------------------------------------------------------ reordering
def test_reordering_groups_a_vendors_products_in_one_rfq_and_ignores_redelivery(
    books, vendor, wok, lid, buyer
):
    vendor_price_create(company=books, vendor_id=vendor.pk, product_id=lid.pk, price=Decimal(45), by=buyer)
    wok_event = stock_below_minimum(books, wok, "20", vendor_id=vendor.pk)
    lid_event = stock_below_minimum(books, lid, "8", rule_id=2)  # no vendor on the rule: the price list's

    with transaction.atomic():
        reorder_on_stock_below_minimum(wok_event)
    reorder_on_stock_below_minimum(lid_event)
    reorder_on_stock_below_minimum(wok_event)  # delivered again
    reorder_on_stock_below_minimum(lid_event)

    (rfq,) = PurchaseOrder.objects.all()
    assert (rfq.state, rfq.vendor_id, rfq.from_reorder) == (OrderState.RFQ, vendor.pk, True)
    lines = {line.product_id: line for line in PurchaseOrderLine.objects.filter(order=rfq)}
    assert lines[wok.pk].quantity == 20
    assert lines[lid.pk].quantity == 8
    assert lines[lid.pk].unit_price == 45
    assert rfq.amount_untaxed == 20 * 200 + 8 * 45

    reorder_on_stock_below_minimum(stock_below_minimum(books, wok, "25", vendor_id=vendor.pk))
    assert PurchaseOrderLine.objects.get(order=rfq, product_id=wok.pk).quantity == 25  # raised, not added


def test_reordering_without_any_vendor_is_skipped(books, wok):
    reorder_on_stock_below_minimum(stock_below_minimum(books, wok, "20"))
    assert PurchaseOrder.objects.count() == 0
