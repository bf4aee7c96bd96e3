"""Purchasing screens: lists, forms with errors, detail with actions, PDF, settings, the vendor panel."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from concord.modules.purchasing.documents.pdf import order_html, order_pdf
from concord.modules.purchasing.models import OrderState, PurchaseOrder, VendorPrice
from concord.modules.purchasing.services.orders import order_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in


def test_the_pages_render(signed_in, manager, make_order, wok):
    order = make_order((wok, 2, "200"))
    client = signed_in(manager)
    for name in (
        "purchasing:orders",
        "purchasing:order-create",
        "purchasing:vendor-prices",
        "purchasing:vendor-price-create",
        "purchasing:settings",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    detail = client.get(reverse("purchasing:order-detail", args=[order.pk]))
    assert detail.status_code == 200
    assert order.number in detail.content.decode()
    assert client.get(reverse("purchasing:order-edit", args=[order.pk])).status_code == 200
    assert client.get(reverse("purchasing:order-send", args=[order.pk])).status_code == 200
    assert client.get(reverse("purchasing:order-line-row") + "?index=3").status_code == 200
    assert client.get(reverse("purchasing:orders") + "?state=rfq").status_code == 200


def test_creating_an_order_from_the_form(signed_in, buyer, vendor, wok):
    client = signed_in(buyer)
    response = client.post(
        reverse("purchasing:order-create"),
        {
            "vendor": vendor.pk,
            "order_date": "2026-03-10",
            "currency": "THB",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": wok.pk,
            "lines-0-quantity": "3",
        },
    )
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("purchasing:order-detail", args=[order.pk])
    assert order.amount_untaxed == 600


def test_the_form_shows_the_services_error(signed_in, buyer, vendor, wok):
    client = signed_in(buyer)
    response = client.post(
        reverse("purchasing:order-create"),
        {
            "vendor": vendor.pk,
            "order_date": "2026-03-10",
            "currency": "THB",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": wok.pk,
            "lines-0-quantity": "0",
        },
    )
    assert response.status_code == 400
    assert "more than zero" in response.content.decode()
    assert PurchaseOrder.objects.count() == 0


def test_confirm_and_bill_from_the_detail_page(signed_in, buyer, make_order, install):
    order = make_order((install, 1, "1000"))
    client = signed_in(buyer)
    client.post(reverse("purchasing:order-action", args=[order.pk, "confirm"]))
    order.refresh_from_db()
    assert order.state == OrderState.PURCHASE
    response = client.post(reverse("purchasing:order-bill", args=[order.pk]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.DONE


def test_a_buyer_cannot_change_the_settings(signed_in, buyer):
    response = signed_in(buyer).post(reverse("purchasing:settings"), {"approval_amount": "10"})
    assert response.status_code == 403


def test_a_manager_sets_the_approval_amount(signed_in, manager, books):
    response = signed_in(manager).post(reverse("purchasing:settings"), {"approval_amount": "5000"})
    assert response.status_code == 302
    from concord.modules.purchasing.services.settings import approval_amount_of

    assert approval_amount_of(books) == 5000


def test_a_vendor_price_from_the_form(signed_in, buyer, vendor, wok):
    response = signed_in(buyer).post(
        reverse("purchasing:vendor-price-create"),
        {
            "vendor": vendor.pk,
            "product": wok.pk,
            "min_quantity": "0",
            "price": "150",
            "currency": "THB",
            "lead_time_days": "3",
        },
    )
    assert response.status_code == 302
    assert VendorPrice.objects.get().price == Decimal(150)


def test_another_companys_order_is_not_found(signed_in, make_company, make_user, make_order, wok):
    from concord.core.identity.roles import Role

    stranger = make_user(
        company=make_company(name="Lanna", code="lanna"), roles=(Role.MANAGER,), username="x"
    )
    order = make_order((wok, 1))
    assert signed_in(stranger).get(reverse("purchasing:order-detail", args=[order.pk])).status_code == 404


def test_the_vendor_panel_shows_purchases(signed_in, manager, make_order, wok, vendor):
    order = make_order((wok, 1))
    response = signed_in(manager).get(reverse("parties:detail", args=[vendor.pk]))
    assert response.status_code == 200
    assert order.number in response.content.decode()


def test_the_pdf_is_a_pdf_in_the_thai_layout(signed_in, manager, make_order, wok, buyer):
    order = make_order((wok, 2, "200"))
    assert "ใบขอเสนอราคา" in order_html(order)
    order_confirm(order=order, by=buyer)
    assert "ใบสั่งซื้อ" in order_html(order)
    assert order_pdf(order).startswith(b"%PDF")
    response = signed_in(manager).get(reverse("purchasing:order-pdf", args=[order.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_pdf_of_a_foreign_company_is_in_its_vendors_language(make_company, make_partner, make_product):
    from concord.modules.purchasing.services.orders import OrderLineInput, order_create

    other = make_company(name="Phnom Penh Trading", code="pp", country="KH", currency="USD")
    order = order_create(
        company=other,
        vendor_id=make_partner(other, "Mekong Supplies", language="en").pk,
        lines=[
            OrderLineInput(
                product_id=make_product(other, "Rice").pk, quantity=Decimal(1), unit_price=Decimal(5)
            )
        ],
        by=None,
    )
    html = order_html(order)
    assert "REQUEST FOR QUOTATION" in html
    assert order_pdf(order).startswith(b"%PDF")
    khmer = order_create(
        company=other,
        vendor_id=make_partner(other, "Angkor Supplies", language="km").pk,
        lines=[
            OrderLineInput(
                product_id=make_product(other, "Salt").pk, quantity=Decimal(1), unit_price=Decimal(2)
            )
        ],
        by=None,
    )
    assert '<html lang="km">' in order_html(khmer)
