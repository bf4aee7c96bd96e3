"""Sales screens: lists, the quotation form, detail and actions, the customer's public page, isolation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concord.core.identity.roles import Role
from concord.modules.sales.models import OrderState, SaleOrder
from concord.modules.sales.services.orders import order_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in


def test_the_pages_render(signed_in, manager, customer, wok, make_quote):
    quote = make_quote((wok, 2))
    client = signed_in(manager)
    for name in (
        "sales:dashboard",
        "sales:quotations",
        "sales:orders",
        "sales:quote-create",
        "sales:pricelists",
        "sales:pricelist-create",
        "sales:customer-pricing",
        "sales:settings",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    detail = client.get(reverse("sales:order-detail", args=[quote.pk]))
    assert detail.status_code == 200
    assert quote.number in detail.content.decode()
    for name in ("sales:order-edit", "sales:order-send", "sales:order-confirm"):
        assert client.get(reverse(name, args=[quote.pk])).status_code == 200, name
    assert client.get(reverse("sales:order-line-row") + "?index=3").status_code == 200
    price = client.get(
        reverse("sales:line-price"), {"index": 0, "lines-0-product": wok.pk, "partner": customer.pk}
    )
    assert 'value="1000' in price.content.decode()
    assert client.get(reverse("sales:quotations") + "?state=draft&export=csv").status_code == 200
    assert client.get(reverse("sales:order-pdf", args=[quote.pk]))["Content-Type"] == "application/pdf"
    party = client.get(reverse("parties:detail", args=[customer.pk]))
    assert quote.number in party.content.decode()


def test_creating_a_quote_through_the_form_and_confirming_it(signed_in, seller, customer, wok, stock):
    stock(wok, 5)
    client = signed_in(seller)
    response = client.post(
        reverse("sales:quote-create"),
        {
            "partner": customer.pk,
            "quote_date": "2026-03-10",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": wok.pk,
            "lines-0-quantity": "3",
        },
    )
    quote = SaleOrder.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sales:order-detail", args=[quote.pk])
    assert quote.amount_total == 3210
    bad = client.post(
        reverse("sales:quote-create"),
        {
            "partner": customer.pk,
            "quote_date": "2026-03-10",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": wok.pk,
            "lines-0-quantity": "1",
            "lines-0-discount_percent": "150",
        },
    )
    assert bad.status_code == 400
    assert "between 0 and 100" in bad.content.decode()
    assert SaleOrder.objects.count() == 1
    SaleOrder.objects.filter(pk=quote.pk).update(validity_date=None)  # dated in the past in the form
    confirmed = client.post(reverse("sales:order-confirm", args=[quote.pk]), {})
    assert confirmed.status_code == 302
    quote.refresh_from_db()
    assert quote.state == OrderState.SALE
    page = client.get(reverse("sales:order-detail", args=[quote.pk])).content.decode()
    assert quote.order_number in page
    assert "WH/OUT/" in page


def test_the_public_page_shows_and_accepts_the_quote_without_signing_in(client, wok, stock, make_quote):
    stock(wok, 5)
    quote = make_quote((wok, 2))
    url = reverse("sales:quote-public", args=[quote.access_token])
    page = client.get(url)
    assert page.status_code == 200
    assert "2,140.00" in page.content.decode()
    assert (
        client.get(reverse("sales:quote-public-pdf", args=[quote.access_token]))["Content-Type"]
        == "application/pdf"
    )
    assert client.post(url, {"signed_by": ""}).status_code == 400
    assert client.post(url, {"signed_by": "Somsak Jaidee"}).status_code == 302
    quote.refresh_from_db()
    assert quote.state == OrderState.SALE
    assert quote.signed_by == "Somsak Jaidee"
    assert "Somsak Jaidee" in client.get(url).content.decode()
    assert client.get(reverse("sales:quote-public", args=["not-a-token"])).status_code == 404


def test_another_companys_order_is_not_found(signed_in, make_company, make_user, wok, make_quote):
    quote = make_quote((wok, 1))
    other = make_company(name="Other Co", code="other")
    outsider = make_user(company=other, roles=(Role.MANAGER,), username="outsider")
    client = signed_in(outsider)
    assert client.get(reverse("sales:order-detail", args=[quote.pk])).status_code == 404
    assert client.post(reverse("sales:order-confirm", args=[quote.pk])).status_code == 404


def test_the_accountant_sees_but_cannot_confirm(signed_in, books, make_user, wok, stock, make_quote):
    stock(wok, 1)
    quote = make_quote((wok, 1))
    accountant = make_user(company=books, roles=(Role.ACCOUNTANT,), username="ann")
    client = signed_in(accountant)
    assert client.get(reverse("sales:order-detail", args=[quote.pk])).status_code == 200
    assert client.post(reverse("sales:order-confirm", args=[quote.pk])).status_code == 403
    order_confirm(order=quote, by=None)
    assert client.get(reverse("sales:orders")).status_code == 200
