"""Sales services: prices, totals, the order-to-cash flow, idempotency, cancelling, credit control, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from concord.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from concord.core.outbox.facade import dispatch_pending
from concord.core.outbox.models import OutboxEvent
from concord.modules.accounting import facade as accounting
from concord.modules.crm import facade as crm
from concord.modules.inventory import facade as inventory
from concord.modules.sales import facade as sales_facade
from concord.modules.sales.documents.pdf import order_document, order_html, order_pdf
from concord.modules.sales.documents.sending import order_send
from concord.modules.sales.events import SalesOrderApprovalRequested, SalesOrderConfirmed
from concord.modules.sales.models import OrderState, Pricelist, SaleOrder, SaleOrderLine
from concord.modules.sales.services.invoicing import order_invoice_create, order_transfers
from concord.modules.sales.services.orders import (
    OrderLineInput,
    order_approve,
    order_cancel,
    order_confirm,
    order_create,
    order_line_optional_set,
    quote_accept,
)
from concord.modules.sales.services.pricelists import (
    PricelistItemInput,
    customer_pricelist_set,
    pricelist_create,
)
from concord.modules.sales.services.settings import product_invoice_policy_set, sales_settings_update

pytestmark = pytest.mark.django_db


def _product_model():
    return SaleOrderLine._meta.get_field("product").remote_field.model


def _open_delivery(order):
    return next(t for t in order_transfers(order) if t.state not in ("done", "cancelled"))


def _events(event_class):
    return OutboxEvent.objects.filter(event_type=event_class.event_type).count()


# ------------------------------------------------------------------------------------ prices and totals
def test_prices_come_from_the_most_specific_rule_of_the_customers_price_list(
    books, customer, wok, lid, install, make_category, seller, make_quote
):
    cookware = make_category(books, "Cookware")
    _product_model().objects.filter(pk=lid.pk).update(category=cookware)
    today = timezone.localdate()
    retail = pricelist_create(
        company=books,
        name="Distributors",
        by=seller,
        items=[
            PricelistItemInput(discount_percent=Decimal(5)),  # every product
            PricelistItemInput(category_id=cookware.pk, discount_percent=Decimal(10)),
            PricelistItemInput(product_id=wok.pk, fixed_price=Decimal(900)),
            PricelistItemInput(product_id=wok.pk, fixed_price=Decimal(850), min_quantity=Decimal(10)),
            PricelistItemInput(
                product_id=wok.pk, fixed_price=Decimal(1), date_end=today - dt.timedelta(days=1)
            ),
        ],
    )
    customer_pricelist_set(company=books, partner_id=customer.pk, pricelist_id=retail.pk, by=seller)
    quote = make_quote((wok, 2), (wok, 10), (lid, 1), (install, 1))
    assert quote.pricelist_id == retail.pk
    prices = list(SaleOrderLine.objects.filter(order=quote).values_list("unit_price", flat=True))
    assert prices == [Decimal(900), Decimal(850), Decimal(180), Decimal(1425)]
    # without a price list of its own, a customer buys at the company's default, else the sale price
    customer_pricelist_set(company=books, partner_id=customer.pk, pricelist_id=None, by=seller)
    assert make_quote((wok, 1)).lines.get().unit_price == Decimal(1000)
    sales_settings_update(company=books, default_pricelist_id=retail.pk, by=seller)
    assert make_quote((wok, 1)).lines.get().unit_price == Decimal(900)


def test_totals_carry_vat_as_the_invoice_will_and_leave_optional_lines_out(
    books, customer, wok, lid, seller, make_quote
):
    quote = order_create(
        company=books,
        partner_id=customer.pk,
        by=seller,
        lines=[
            OrderLineInput(product_id=wok.pk, quantity=Decimal(3), discount_percent=Decimal("12.5")),
            OrderLineInput(product_id=lid.pk, quantity=Decimal(2), is_optional=True),
        ],
    )
    assert quote.number.startswith("SQ/")
    assert quote.state == OrderState.DRAFT
    assert quote.validity_date == quote.quote_date + dt.timedelta(days=30)
    assert (quote.amount_untaxed, quote.amount_tax, quote.amount_total) == (
        Decimal("2625.00"),
        Decimal("183.75"),
        Decimal("2808.75"),
    )
    optional = quote.lines.get(is_optional=True)
    quote = order_line_optional_set(order=quote, line_id=optional.pk, selected=True, by=seller)
    assert quote.amount_untaxed == Decimal("3025.00")
    assert quote.amount_total == Decimal("3236.75")


# ------------------------------------------------------------------------------------ the integrated flow
def test_confirm_reserves_invoices_on_order_and_on_delivery_then_payment_closes_it(
    books, customer, wok, install, seller, manager, stock, make_quote, make_opportunity
):
    stock(wok, 10)
    opportunity = make_opportunity(books, customer)
    quote = make_quote((wok, 4), (install, 1), opportunity_id=opportunity.pk)
    order = order_confirm(order=quote, by=seller)
    assert order.state == OrderState.SALE
    assert order.order_number.startswith("SO/")
    won = crm.opportunity_get(opportunity.pk)
    assert won is not None
    assert won.status == "won"
    (delivery,) = order_transfers(order)
    assert delivery.kind == "delivery"
    assert delivery.source_key == f"sales.order:{order.pk}"
    assert {move.origin_key: move.quantity_reserved for move in delivery.moves} == {
        f"sales.line:{order.lines.get(product=wok).pk}": Decimal(4)
    }
    (on_order,) = accounting.invoices_by_source(books.pk, order.source_key)
    assert on_order.source_key == f"{order.source_key}:order"
    assert on_order.state == "posted"
    assert on_order.amount_total == Decimal("1605.00")
    assert order.invoice_status == "partly"  # the service is invoiced, the goods wait for their delivery
    assert _events(SalesOrderConfirmed) == 1

    # confirming again: nothing more reserved or invoiced
    again = order_confirm(order=quote, by=seller)
    assert again.pk == order.pk
    assert again.order_number == order.order_number
    assert len(order_transfers(order)) == 1
    assert len(accounting.invoices_by_source(books.pk, order.source_key)) == 1
    assert _events(SalesOrderConfirmed) == 1

    # inventory delivers 3 of 4: the handler records it and invoices what left
    delivery = _open_delivery(order)
    inventory.transfer_validate(
        delivery.id, by=manager, quantities={delivery.moves[0].id: Decimal(3)}, backorder=True
    )
    dispatch_pending()
    dispatch_pending()  # a second round changes nothing
    order.refresh_from_db()
    wok_line = order.lines.get(product=wok)
    assert wok_line.delivered_quantity == Decimal(3)
    assert wok_line.invoiced_quantity == Decimal(3)
    invoices = accounting.invoices_by_source(books.pk, order.source_key)
    assert [i.source_key for i in invoices] == [
        f"{order.source_key}:order",
        f"{order.source_key}:delivery:{delivery.id}",
    ]
    assert invoices[1].amount_total == Decimal("3210.00")
    assert order.invoice_status == "partly"
    with pytest.raises(ValidationFailed, match="Nothing to invoice"):
        order_invoice_create(order=order, by=seller)

    # the backorder goes out: last invoice; payments settle everything
    inventory.transfer_validate(_open_delivery(order).id, by=manager)
    dispatch_pending()
    order.refresh_from_db()
    assert order.invoice_status == "invoiced"
    assert order.state == OrderState.DONE
    assert order.payment_status == "not_paid"
    invoices = accounting.invoices_by_source(books.pk, order.source_key)
    assert len(invoices) == 3
    accounting.invoice_payment_register(
        invoice_id=invoices[0].id, amount=invoices[0].amount_total, by=manager
    )
    dispatch_pending()
    order.refresh_from_db()
    assert order.payment_status == "partly"
    for invoice in invoices[1:]:
        accounting.invoice_payment_register(invoice_id=invoice.id, amount=invoice.amount_total, by=manager)
    dispatch_pending()
    order.refresh_from_db()
    assert order.payment_status == "paid"
    info = sales_facade.order_get(order.pk)
    assert info is not None
    assert info.payment_status == "paid"
    assert len(info.lines) == 2
    assert [o.id for o in sales_facade.orders_for_party(books.pk, customer.pk)] == [order.pk]


def test_the_manual_invoice_uses_the_delivery_key_so_the_handler_adds_nothing(
    books, wok, seller, manager, stock, make_quote
):
    stock(wok, 5)
    order = order_confirm(order=make_quote((wok, 2)), by=seller)
    assert order.invoice_status == "nothing"
    delivery = _open_delivery(order)
    inventory.transfer_validate(delivery.id, by=manager)
    (made,) = order_invoice_create(order=order, by=seller)  # before the outbox delivered DeliveryDone
    assert made.source_key == f"{order.source_key}:delivery:{delivery.id}"
    dispatch_pending()
    assert len(accounting.invoices_by_source(books.pk, order.source_key)) == 1
    order.refresh_from_db()
    assert order.state == OrderState.DONE


def test_goods_invoiced_on_order_are_invoiced_at_confirmation(books, wok, seller, stock, make_quote):
    stock(wok, 5)
    product_invoice_policy_set(company=books, product_id=wok.pk, policy="order", by=seller)
    sales_settings_update(company=books, auto_post_invoices=False, by=seller)
    order = order_confirm(order=make_quote((wok, 2)), by=seller)
    (invoice,) = accounting.invoices_by_source(books.pk, order.source_key)
    assert invoice.state == "draft"
    assert invoice.amount_untaxed == Decimal("2000.00")
    assert order.invoice_status == "invoiced"


def test_short_stock_is_refused_unless_a_backorder_is_chosen(books, wok, seller, stock, make_quote):
    stock(wok, 3)
    quote = make_quote((wok, 5))
    with pytest.raises(Conflict, match="Only 3"):
        order_confirm(order=quote, by=seller)
    quote.refresh_from_db()
    assert quote.state == OrderState.DRAFT
    assert quote.order_number == ""
    assert order_transfers(quote) == []
    order = order_confirm(order=quote, by=seller, allow_backorder=True)
    (delivery,) = order_transfers(order)
    assert delivery.moves[0].quantity_reserved == Decimal(3)
    assert order.order_number.endswith("00001")  # the refused attempt took no number


def test_cancel_releases_the_stock_and_reverses_the_posted_invoice(
    books, wok, install, seller, manager, stock, make_quote
):
    stock(wok, 5)
    order = order_confirm(order=make_quote((wok, 5), (install, 1)), by=seller)
    assert inventory.stock_levels(books.pk, [wok.pk])[wok.pk].reserved == Decimal(5)
    cancelled = order_cancel(order=order, by=seller, reason="Customer changed its mind")
    assert cancelled.state == OrderState.CANCELLED
    assert inventory.stock_levels(books.pk, [wok.pk])[wok.pk].reserved == Decimal(0)
    (invoice,) = accounting.invoices_by_source(books.pk, order.source_key)
    assert invoice.state == "cancelled"
    with pytest.raises(Conflict, match="already cancelled"):
        order_cancel(order=order, by=seller)
    with pytest.raises(Conflict, match="cancelled"):
        order_confirm(order=order, by=seller)


def test_cancel_is_refused_once_goods_left_or_an_invoice_is_paid(
    books, wok, install, seller, manager, stock, make_quote
):
    stock(wok, 5)
    delivered = order_confirm(order=make_quote((wok, 2)), by=seller)
    delivery = _open_delivery(delivered)
    inventory.transfer_validate(delivery.id, by=manager, quantities={delivery.moves[0].id: Decimal(1)})
    dispatch_pending()
    with pytest.raises(Conflict, match="delivered"):
        order_cancel(order=delivered, by=seller)
    paid = order_confirm(order=make_quote((install, 1), (wok, 1)), by=seller)
    (invoice,) = accounting.invoices_by_source(books.pk, paid.source_key)
    accounting.invoice_payment_register(invoice_id=invoice.id, amount=Decimal(100), by=manager)
    with pytest.raises(Conflict, match="paid"):
        order_cancel(order=paid, by=seller)
    paid.refresh_from_db()
    assert paid.state == OrderState.SALE


# ------------------------------------------------------------------------------------ credit control
def test_beyond_the_credit_limit_an_order_waits_for_a_manager(
    books, make_partner, wok, install, seller, manager, stock, make_quote
):
    stock(wok, 5)
    sales_settings_update(company=books, credit_control=True, by=manager)
    tight = make_partner(books, "Small Shop", is_supplier=False, credit_limit="3000")
    first = order_confirm(order=make_quote((install, 1), partner_id=tight.pk), by=seller)  # 1,605 open
    assert first.is_order
    second = make_quote((wok, 2), partner_id=tight.pk)  # 2,140: 3,745 > 3,000
    waiting = order_confirm(order=second, by=seller)
    assert waiting.state == OrderState.TO_APPROVE
    assert order_transfers(waiting) == []
    assert _events(SalesOrderApprovalRequested) == 1
    assert order_confirm(order=second, by=seller).state == OrderState.TO_APPROVE  # retried: nothing more
    with pytest.raises(PermissionDeniedError):
        order_approve(order=second, by=seller)
    approved = order_approve(order=second, by=manager)
    assert approved.state == OrderState.SALE
    assert approved.approved_by == manager
    assert len(order_transfers(approved)) == 1


# ------------------------------------------------------------------------------------ bad input
def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(
    books, make_company, make_partner, customer, wok, seller, make_quote
):
    other = make_company(name="Other Co", code="other")
    stranger = make_partner(other, "Not our customer")
    cases: list[tuple[dict[str, int], list[tuple[object, ...]], str]] = [
        ({"partner_id": stranger.pk}, [(wok, 1)], "partner_id"),
        ({}, [], "lines"),
        ({}, [(wok, 0)], "lines"),
        ({}, [(wok, -2)], "lines"),
        ({}, [(wok, 1, None, -5)], "lines"),
        ({}, [(wok, 1, None, 101)], "lines"),
    ]
    for fields, items, field in cases:
        with pytest.raises(ValidationFailed) as caught:
            make_quote(*items, **fields)
        assert caught.value.field == field, (fields, items)
    assert not SaleOrder.objects.exists()


def test_confirming_a_bad_quotation_is_refused_and_changes_nothing(
    books, customer, wok, lid, seller, stock, make_quote
):
    stock(wok, 10)
    stock(lid, 10)
    usd = pricelist_create(company=books, name="Export", currency="USD", by=seller)
    wrong_currency = make_quote((wok, 1), pricelist_id=usd.pk, currency="THB")
    expired = make_quote((wok, 1), quote_date=timezone.localdate() - dt.timedelta(days=40))
    archived = make_quote((lid, 1))
    _product_model().objects.filter(pk=lid.pk).update(is_active=False)
    only_optional = order_create(
        company=books,
        partner_id=customer.pk,
        by=seller,
        lines=[OrderLineInput(product_id=wok.pk, quantity=Decimal(1), is_optional=True)],
    )
    for quote, field, message in (
        (wrong_currency, "pricelist_id", "USD"),
        (expired, "validity_date", "expired"),
        (archived, "lines", "archived"),
        (only_optional, "lines", "at least one line"),
    ):
        with pytest.raises(ValidationFailed, match=message) as caught:
            order_confirm(order=quote, by=seller)
        assert caught.value.field == field
        quote.refresh_from_db()
        assert quote.state == OrderState.DRAFT
        assert quote.order_number == ""
    assert inventory.stock_levels(books.pk, [wok.pk])[wok.pk].reserved == Decimal(0)
    assert not Pricelist.objects.exclude(pk=usd.pk).exists()


def test_confirm_costs_the_same_queries_for_2_and_10_lines(
    books, wok, lid, install, seller, stock, make_quote
):
    """Sales, the invoice and the delivery cost a constant number of queries; the only per-line ones are
    inventory's conditional reservation of each quant (``UPDATE quant ... WHERE available >= n``), which
    is how it stays safe under concurrency."""
    stock(wok, 100)
    stock(lid, 100)

    def count(lines: int) -> tuple[int, int]:
        quote = make_quote((install, 1), *[((wok, lid)[i % 2], 1) for i in range(lines - 1)])
        with CaptureQueriesContext(connection) as queries:
            order_confirm(order=quote, by=seller)
        sql = [query["sql"] for query in queries.captured_queries]
        reservations = sum(1 for text in sql if text.startswith('UPDATE "inventory_quant"'))
        return len(sql) - reservations, reservations

    count(2)  # warm what the first confirmation fills (sequences, settings)
    small, large = count(2), count(10)
    assert large[0] == small[0]
    assert large[1] - small[1] == 8  # one per goods line: 9 of 10 against 1 of 2


# ------------------------------------------------------------------------------------ documents, email, public page
def test_the_quote_prints_in_the_customers_language(books, make_partner, customer, wok, seller, make_quote):
    thai = make_quote((wok, 2))
    assert order_document(thai).layout == "th"
    html = order_html(thai)
    assert "ใบเสนอราคา" in html
    assert "QUOTATION" in html
    assert "2,140.00" in html
    assert "สองพันหนึ่งร้อยสี่สิบบาทถ้วน" in html
    khmer = make_quote((wok, 1), partner_id=make_partner(books, "Phnom Penh Kitchens", language="km").pk)
    assert "សម្រង់តម្លៃ" in order_html(khmer)
    english = make_quote((wok, 1), partner_id=make_partner(books, "Global Foods", language="en").pk)
    assert order_document(english).layout == "en"
    assert "QUOTATION" in order_html(english)
    for quote in (thai, khmer, english):
        assert order_pdf(quote).startswith(b"%PDF")


def test_sending_goes_through_the_outbox_and_the_link_accepts_the_quote(
    books, customer, wok, seller, stock, make_quote
):
    stock(wok, 1)
    quote = make_quote((wok, 2))
    sent = order_send(order=quote, to=["buyer@cpf.example"], by=seller, base_url="https://erp.example")
    assert sent.state == OrderState.SENT
    assert mail.outbox == []  # only after commit, by the outbox
    dispatch_pending()
    (message,) = mail.outbox
    assert f"https://erp.example/sales/q/{quote.access_token}/" in message.body
    assert message.attachments[0][0].endswith(".pdf")
    with pytest.raises(ValidationFailed):
        order_send(order=quote, to=["not-an-address"], by=seller)
    by_token = sales_facade.quote_by_token(quote.access_token)
    assert by_token is not None
    assert by_token.id == quote.pk
    assert sales_facade.quote_by_token("nope") is None
    with pytest.raises(ValidationFailed):
        quote_accept(order=quote, signed_by="  ")
    accepted = quote_accept(order=quote, signed_by="Somsak Jaidee")
    assert accepted.state == OrderState.SALE
    assert accepted.signed_by == "Somsak Jaidee"
    assert order_transfers(accepted)[0].moves[0].quantity_reserved == Decimal(1)  # the rest later
