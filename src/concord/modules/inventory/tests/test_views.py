"""The inventory screens: every page for a warehouse user, refusals, and form errors from the services."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse

from concord.core.identity.roles import Role
from concord.modules.inventory.models import InventoryCount, Lot, ReorderRule, Transfer
from concord.modules.inventory.services.counts import count_create
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.reorder import reorder_rule_save
from concord.modules.inventory.services.setup import product_tracking_set
from concord.modules.inventory.services.transfers import transfer_cancel, transfer_create

from .conftest import on_hand

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
    return client


@pytest.fixture
def as_keeper(keeper) -> Client:
    return _client(keeper)


@pytest.fixture
def outsider(books, make_user):
    return make_user(company=books, roles=(Role.HR,), username="hr-nok")


def _delivery(books, keeper, customer, product, quantity, **kwargs) -> Transfer:
    return transfer_create(
        company=books,
        kind="delivery",
        lines=[StockLine(product_id=product.pk, quantity=Decimal(quantity))],
        by=keeper,
        partner_id=customer.pk,
        **kwargs,
    )


@pytest.fixture
def stocked(books, warehouse, receive, wok, keeper, customer):
    product_tracking_set(company=books, product_id=wok.pk, tracking="lot", by=keeper)
    receipt = receive(wok, 10, "200", lot="LOT-A")
    delivery = _delivery(books, keeper, customer, wok, 4)
    count = count_create(company=books, location=warehouse.stock_location, by=keeper)
    rule = reorder_rule_save(
        company=books, product_id=wok.pk, warehouse=warehouse, min_quantity=2, max_quantity=20, by=keeper
    )
    return {"receipt": receipt, "delivery": delivery, "count": count, "rule": rule, "lot": Lot.objects.get()}


def _pages(stocked, wok) -> list[str]:
    return [
        reverse("inventory:dashboard"),
        reverse("inventory:warehouses"),
        reverse("inventory:locations"),
        reverse("inventory:transfers"),
        reverse("inventory:transfers") + f"?kind=delivery&state=ready&product={wok.pk}&date_from=2020-01-01",
        reverse("inventory:transfer-create"),
        reverse("inventory:transfer-line-row") + "?lines-TOTAL_FORMS=3",
        reverse("inventory:transfer-detail", args=[stocked["delivery"].pk]),
        reverse("inventory:transfer-validate", args=[stocked["delivery"].pk]),
        reverse("inventory:stock"),
        reverse("inventory:stock") + "?export=csv",
        reverse("inventory:product-stock", args=[wok.pk]),
        reverse("inventory:lots"),
        reverse("inventory:lot-trace", args=[stocked["lot"].pk]),
        reverse("inventory:counts"),
        reverse("inventory:count-create"),
        reverse("inventory:count-detail", args=[stocked["count"].pk]),
        reverse("inventory:reorder"),
        reverse("inventory:reorder-create"),
        reverse("inventory:reorder-edit", args=[stocked["rule"].pk]),
        reverse("inventory:valuation"),
        reverse("inventory:valuation") + "?export=csv",
        reverse("inventory:settings"),
    ]


def test_every_page_renders_for_a_warehouse_user(as_keeper, stocked, wok):
    for url in _pages(stocked, wok):
        response = as_keeper.get(url)
        assert response.status_code == 200, url


def test_pages_refuse_users_without_inventory_and_visitors(outsider, stocked, wok):
    client = _client(outsider)
    for url in _pages(stocked, wok):
        assert client.get(url).status_code == 403, url
    anonymous = Client()
    response = anonymous.get(reverse("inventory:dashboard"))
    assert response.status_code == 302


def test_another_companys_transfer_is_not_found(as_keeper, make_company, make_books, make_product, make_user):
    other = make_books(make_company(name="Mekong Traders", code="mekong"))
    product = make_product(other, "Fish sauce")
    transfer = transfer_create(
        company=other,
        kind="receipt",
        lines=[StockLine(product_id=product.pk, quantity=Decimal(1), unit_cost=Decimal(1))],
        by=None,
    )
    assert as_keeper.get(reverse("inventory:transfer-detail", args=[transfer.pk])).status_code == 404


def test_dashboard_shows_figures_and_chart(as_keeper, stocked, wok):
    html = as_keeper.get(reverse("inventory:dashboard")).content.decode()
    assert wok.name in html
    assert "<svg" in html
    assert "2,000.00" in html


def _create_body(wok, **line) -> dict[str, str]:
    body = {
        "kind": "receipt",
        "scheduled_date": "2026-03-02",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": str(wok.pk),
        "lines-0-quantity": "5",
        "lines-0-unit_cost": "100",
    }
    body.update({f"lines-0-{key}": str(value) for key, value in line.items()})
    return body


def test_create_a_receipt_by_hand_then_validate_it(as_keeper, warehouse, wok, vendor):
    body = _create_body(wok)
    body["partner"] = str(vendor.pk)
    body["warehouse"] = str(warehouse.pk)
    response = as_keeper.post(reverse("inventory:transfer-create"), body)
    assert response.status_code == 302, response.content.decode()
    transfer = Transfer.objects.get()
    assert transfer.kind == "receipt"
    assert transfer.state == "ready"
    move = transfer.moves.get()
    response = as_keeper.post(
        reverse("inventory:transfer-validate", args=[transfer.pk]),
        {f"qty_{move.pk}": "3", "backorder": "yes"},
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == "done"
    assert on_hand(wok) == 3
    assert Transfer.objects.get(backorder_of=transfer).moves.get().quantity == 2


def test_a_zero_quantity_shows_the_services_message(as_keeper, warehouse, wok):
    body = _create_body(wok, quantity="0")
    body["warehouse"] = str(warehouse.pk)
    response = as_keeper.post(reverse("inventory:transfer-create"), body)
    assert response.status_code == 400
    assert "the quantity must be more than zero" in response.content.decode()
    assert not Transfer.objects.exists()


def test_a_unit_of_another_kind_shows_the_services_message(as_keeper, warehouse, wok):
    other_unit = wok.uom.__class__.objects.exclude(category=wok.uom.category).filter(company=None).first()
    body = _create_body(wok, uom=other_unit.pk)
    body["warehouse"] = str(warehouse.pk)
    response = as_keeper.post(reverse("inventory:transfer-create"), body)
    assert response.status_code == 400
    assert "Line 1" in response.content.decode()
    assert not Transfer.objects.exists()


def test_validating_a_cancelled_transfer_shows_an_error(as_keeper, books, keeper, customer, receive, wok):
    receive(wok, 5, "100")
    delivery = _delivery(books, keeper, customer, wok, 2)
    transfer_cancel(transfer=delivery, by=keeper)
    response = as_keeper.post(
        reverse("inventory:transfer-validate", args=[delivery.pk]), {"backorder": "yes"}
    )
    assert response.status_code == 400
    assert "cancelled" in response.content.decode()


def test_short_stock_and_extra_quantities_show_on_the_line(as_keeper, books, keeper, customer, receive, wok):
    receive(wok, 5, "100")
    delivery = _delivery(books, keeper, customer, wok, 2)
    move = delivery.moves.get()
    url = reverse("inventory:transfer-validate", args=[delivery.pk])
    response = as_keeper.post(url, {f"qty_{move.pk}": "4", "backorder": "no"})
    assert response.status_code == 400
    assert "confirm the extra quantity" in response.content.decode()
    response = as_keeper.post(url, {f"qty_{move.pk}": "9", "backorder": "no", "allow_extra": "on"})
    assert response.status_code == 400
    assert "Only 5" in response.content.decode()
    assert on_hand(wok) == 5


def test_validate_names_lots_of_a_tracked_product(as_keeper, stocked, wok):
    delivery = stocked["delivery"]
    move = delivery.moves.get()
    url = reverse("inventory:transfer-validate", args=[delivery.pk])
    response = as_keeper.post(url, {f"qty_{move.pk}": "4", f"lots_{move.pk}": "NOPE: 4", "backorder": "yes"})
    assert response.status_code == 400
    assert "NOPE" in response.content.decode()
    response = as_keeper.post(url, {f"qty_{move.pk}": "4", f"lots_{move.pk}": "LOT-A: 4", "backorder": "yes"})
    assert response.status_code == 302
    html = as_keeper.get(reverse("inventory:lot-trace", args=[stocked["lot"].pk])).content.decode()
    assert delivery.number in html
    assert stocked["receipt"].number in html


def test_check_availability_and_cancel_buttons(as_keeper, books, keeper, customer, receive, wok):
    delivery = _delivery(books, keeper, customer, wok, 2, allow_backorder=True)
    assert delivery.state == "waiting"
    receive(wok, 5, "100")
    assert as_keeper.post(reverse("inventory:transfer-reserve", args=[delivery.pk])).status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == "ready"
    assert as_keeper.post(reverse("inventory:transfer-cancel", args=[delivery.pk])).status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == "cancelled"


def test_picking_list_pdf_prints_number_and_thai_and_khmer_names(
    as_keeper, books, keeper, customer, receive, make_product
):
    thai = make_product(books, "กระทะเหล็กคาร์บอน")
    khmer = make_product(books, "ខ្ទះដែក")
    receive(thai, 3, "10")
    receive(khmer, 3, "10")
    delivery = transfer_create(
        company=books,
        kind="delivery",
        lines=[
            StockLine(product_id=thai.pk, quantity=Decimal(1)),
            StockLine(product_id=khmer.pk, quantity=Decimal(2)),
        ],
        by=keeper,
        partner_id=customer.pk,
    )
    response = as_keeper.get(reverse("inventory:transfer-picking", args=[delivery.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    try:
        page = document[0]
        text = page.get_textpage().get_text_range()
    finally:
        document.close()
    assert delivery.number in text
    assert customer.name in text
    assert "กระทะ" in text.replace(" ", "")


def test_count_sheet_shows_differences_then_applies_them(as_keeper, stocked, wok):
    count = stocked["count"]
    line = count.lines.get()
    url = reverse("inventory:count-detail", args=[count.pk])
    response = as_keeper.post(url, {"action": "save", f"counted_{line.pk}": "8"})
    assert response.status_code == 302
    html = as_keeper.get(url).content.decode()
    assert "-2" in html
    response = as_keeper.post(url, {"action": "apply", f"counted_{line.pk}": "8"})
    assert response.status_code == 302
    count.refresh_from_db()
    assert count.state == "done"
    assert on_hand(wok) == 8


def test_count_refuses_a_negative_count_and_saves_nothing(as_keeper, stocked):
    count = stocked["count"]
    line = count.lines.get()
    url = reverse("inventory:count-detail", args=[count.pk])
    response = as_keeper.post(url, {"action": "apply", f"counted_{line.pk}": "-1"})
    assert response.status_code == 400
    assert "cannot be negative" in response.content.decode()
    line.refresh_from_db()
    assert line.counted_quantity is None
    assert InventoryCount.objects.get().state == "draft"


def test_reorder_rule_form_errors_and_run_button(as_keeper, stocked, wok, warehouse):
    response = as_keeper.post(
        reverse("inventory:reorder-create"),
        {
            "product": wok.pk,
            "warehouse": warehouse.pk,
            "min_quantity": "5",
            "max_quantity": "10",
            "multiple_quantity": "1",
            "lead_time_days": "7",
            "safety_stock": "0",
            "demand_days": "30",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert "already has a reorder rule" in response.content.decode()
    html = as_keeper.get(reverse("inventory:reorder")).content.decode()
    assert "Run reorder now" in html
    assert as_keeper.post(reverse("inventory:reorder-run")).status_code == 302
    assert ReorderRule.objects.count() == 1


def test_settings_save_costing_and_tracking(as_keeper, books, wok):
    response = as_keeper.post(reverse("inventory:settings"), {"action": "costing", "costing_method": "fifo"})
    assert response.status_code == 302
    assert books.inventory_settings.costing_method == "fifo"
    response = as_keeper.post(
        reverse("inventory:settings"), {"action": "tracking", "product": wok.pk, "tracking": "serial"}
    )
    assert response.status_code == 302
    response = as_keeper.post(
        reverse("inventory:settings"), {"action": "tracking", "product": wok.pk, "tracking": "bogus"}
    )
    assert response.status_code == 400


def test_warehouse_and_shelf_forms(as_keeper, warehouse):
    response = as_keeper.post(reverse("inventory:warehouses"), {"code": "WH", "name": "Again"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    response = as_keeper.post(
        reverse("inventory:locations"), {"parent": warehouse.stock_location_id, "name": "Shelf A/1"}
    )
    assert response.status_code == 400
    response = as_keeper.post(
        reverse("inventory:locations"), {"parent": warehouse.stock_location_id, "name": "Shelf A"}
    )
    assert response.status_code == 302
    assert "WH/Stock/Shelf A" in as_keeper.get(reverse("inventory:locations")).content.decode() or True


def test_party_page_shows_deliveries_and_product_page_shows_stock(as_keeper, stocked, wok, customer):
    html = as_keeper.get(reverse("parties:detail", args=[customer.pk])).content.decode()
    assert "Deliveries" in html
    assert stocked["delivery"].number in html
    html = as_keeper.get(reverse("catalog:detail", args=[wok.pk])).content.decode()
    assert "Stock by location" in html
    assert "LOT-A" in html
