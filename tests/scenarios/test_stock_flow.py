"""Buy, sell, make and count: the stock, its valuation and the ledger agree to the satang.

A Thai company buys 100 rice cookers (345.67 THB each) and 20 gift boxes (12.35 THB) from one vendor
(purchase order -> receipt -> vendor bill, three-way matched), sells 80 cookers across 16 orders placed
by 8 clients at once, makes 10 gift sets (1 cooker + 1 box each), then counts the shelves and finds 2
cookers missing.

Hand computation (THB, weighted average, every unit at its purchase cost):
    received      100 x 345.67 = 34,567.00     20 x 12.35 = 247.00      inventory in   34,814.00
    sold          80 x 345.67                                           cost of sales  27,653.60
    gift sets     10 x (345.67 + 12.35) = 3,580.20 (components out, kits in: no change)
    missing       2 x 345.67                                            inventory loss    691.34
    left          8 cookers 2,765.36 + 10 boxes 123.50 + 10 sets 3,580.20 = 6,469.06
                  = 34,814.00 - 27,653.60 - 691.34
    bill          34,814.00 + VAT 7% 2,436.98 = 37,250.98 payable; goods received not invoiced: 0
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.db.models import Sum

from concord.core.identity.roles import Role
from concord.modules.accounting import facade as accounting
from concord.modules.inventory import facade as inventory
from concord.modules.inventory.models import MoveLine, Quant, Transfer
from concord.modules.inventory.queries import valuation_report
from concord.modules.inventory.services.counts import count_apply, count_create, count_set
from concord.modules.inventory.services.setup import warehouse_default
from concord.modules.inventory.services.transfers import transfer_validate
from concord.modules.manufacturing.services.boms import BomLineInput, bom_create
from concord.modules.manufacturing.services.orders import order_confirm, order_create, order_produce
from concord.modules.purchasing.models import PurchaseBill
from concord.modules.purchasing.queries import order_match
from concord.modules.purchasing.services.bills import order_bill_create
from concord.modules.purchasing.services.orders import OrderLineInput
from concord.modules.purchasing.services.orders import order_confirm as po_confirm
from concord.modules.purchasing.services.orders import order_create as po_create

CLIENTS = 8
ORDERS_PER_CLIENT = 2
UNITS_PER_ORDER = 5


def on_hand(product) -> Decimal:
    return Quant.objects.filter(product_id=product.pk).aggregate(t=Sum("quantity"))["t"] or Decimal(0)


def balance(company, role: str) -> Decimal:
    return accounting.account_balance(
        company_id=company.pk, account_id=accounting.default_account_id(company.pk, role)
    )


@pytest.mark.django_db(transaction=True)
def test_buy_sell_make_and_count_agree_with_the_ledger(
    company, make_books, make_user, make_partner, make_product
):
    make_books(company)
    warehouse = warehouse_default(company)
    keeper = make_user(company=company, roles=(Role.WAREHOUSE, Role.MANAGER), username="somchai")
    vendor = make_partner(company, "Isan Appliances Co., Ltd.", is_customer=False)
    customers = [make_partner(company, f"Customer {n}", is_supplier=False) for n in range(CLIENTS)]
    cooker = make_product(company, "หม้อหุงข้าว 1.8 ลิตร", internal_ref="RC18", purchase_price="345.67")
    box = make_product(company, "Gift box", internal_ref="BOX", purchase_price="12.35")
    gift_set = make_product(company, "Rice cooker gift set", internal_ref="SET1")

    # Buy: PO -> receipt -> bill, three-way matched.
    order = po_create(
        company=company,
        vendor_id=vendor.pk,
        lines=[
            OrderLineInput(product_id=cooker.pk, quantity=Decimal(100), unit_price=Decimal("345.67")),
            OrderLineInput(product_id=box.pk, quantity=Decimal(20), unit_price=Decimal("12.35")),
        ],
        by=keeper,
    )
    order = po_confirm(order=order, by=keeper)
    po_confirm(order=order, by=keeper)  # a double click: still one receipt
    receipts = inventory.transfers_by_source(company.pk, f"purchasing.order:{order.pk}")
    assert len(receipts) == 1
    transfer_validate(transfer=Transfer.objects.get(pk=receipts[0].id), by=keeper)
    assert (on_hand(cooker), on_hand(box)) == (Decimal(100), Decimal(20))
    assert balance(company, "inventory") == Decimal("34814.00")
    assert balance(company, "stock_interim_received") == Decimal("-34814.00")
    bill = order_bill_create(order=order, by=keeper)
    invoice = accounting.invoice_post(PurchaseBill.objects.get(pk=bill.pk).invoice_id, by=keeper)
    assert invoice.amount_total == Decimal("37250.98")
    assert balance(company, "stock_interim_received") == 0
    assert order_match(order).status == "fully_billed"

    # Sell 80 across 16 orders placed by 8 clients at once.
    start = threading.Barrier(CLIENTS)
    errors: list[BaseException] = []
    deliveries: list[int] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(ORDERS_PER_CLIENT):
                with transaction.atomic():
                    info = inventory.stock_reserve(
                        company_id=company.pk,
                        lines=[inventory.StockLine(product_id=cooker.pk, quantity=Decimal(UNITS_PER_ORDER))],
                        by=keeper,
                        partner_id=customers[index].pk,
                        source_key=f"scenario:order:{index}:{n}",
                    )
                with lock:
                    deliveries.append(info.id)
        except BaseException as exc:  # noqa: BLE001 - fails the test below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(deliveries) == CLIENTS * ORDERS_PER_CLIENT
    assert Quant.objects.get(product_id=cooker.pk).reserved_quantity == 80
    for pk in deliveries:
        inventory.transfer_validate(pk, by=keeper)
    assert on_hand(cooker) == 20
    assert balance(company, "cost_of_sales") == Decimal("27653.60")

    # Make 10 gift sets.
    bom_create(
        company=company,
        product_id=gift_set.pk,
        lines=[
            BomLineInput(product_id=cooker.pk, quantity=Decimal(1)),
            BomLineInput(product_id=box.pk, quantity=Decimal(1)),
        ],
        by=keeper,
    )
    mo = order_create(company=company, product_id=gift_set.pk, quantity=Decimal(10), by=keeper)
    mo = order_confirm(order=mo, by=keeper)
    mo = order_produce(order=mo, by=keeper)
    order_produce(order=mo, by=keeper)  # retried: produces nothing more
    assert mo.state == "done"
    assert (on_hand(cooker), on_hand(box), on_hand(gift_set)) == (Decimal(10), Decimal(10), Decimal(10))

    # Count: 2 cookers are missing.
    count = count_create(company=company, location=warehouse.stock_location, by=keeper)
    line = count.lines.get(product_id=cooker.pk)
    count_set(count=count, counted={line.pk: "8"}, by=keeper)
    count_apply(count=count, by=keeper)
    assert balance(company, "inventory_loss") == Decimal("691.34")

    # Quants, the valuation report and the ledger agree to the satang.
    assert (on_hand(cooker), on_hand(box), on_hand(gift_set)) == (Decimal(8), Decimal(10), Decimal(10))
    report = valuation_report(company.pk, "THB")
    by_product = {row.product_id: row for row in report.rows}
    assert by_product[cooker.pk].value == Decimal("2765.36")
    assert by_product[box.pk].value == Decimal("123.50")
    assert by_product[gift_set.pk].value == Decimal("3580.20")
    assert report.total_value == Decimal("6469.06") == balance(company, "inventory")
    assert report.difference == 0
    for quant in Quant.objects.filter(company=company):
        into = MoveLine.objects.filter(product_id=quant.product_id, dest_location=quant.location)
        out = MoveLine.objects.filter(product_id=quant.product_id, source_location=quant.location)
        moved = (into.aggregate(t=Sum("quantity"))["t"] or 0) - (out.aggregate(t=Sum("quantity"))["t"] or 0)
        assert quant.quantity == moved
