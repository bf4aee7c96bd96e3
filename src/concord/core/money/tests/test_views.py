import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from concord.core.identity.roles import Role
from concord.core.money.models import ExchangeRate
from concord.core.money.services import exchange_rate_set
from concord.core.registry import registry

RATES = reverse("money:rates")
SET = reverse("money:rate_set")


@pytest.fixture
def accountant(company, make_user):
    return make_user(company=company, roles=(Role.ACCOUNTANT,))


@pytest.fixture
def signed_in(client, accountant):
    client.force_login(accountant)
    return client


def valid_post(**overrides):
    return {"currency": "USD", "rate_date": "2026-11-24", "rate": "36.45"} | overrides


def test_the_list_shows_the_companys_rates_filtered_by_currency(signed_in, company, make_company, accountant):
    exchange_rate_set(
        company=company, currency="USD", rate_date=dt.date(2026, 11, 2), rate="36.45", by=accountant
    )
    exchange_rate_set(
        company=company, currency="KHR", rate_date=dt.date(2026, 11, 3), rate="0.0088", by=accountant
    )
    other = make_company(currency="USD")
    exchange_rate_set(
        company=other, currency="EUR", rate_date=dt.date(2026, 11, 4), rate="1.1", by=accountant
    )

    page = signed_in.get(RATES)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 USD = 36.45 THB" in html
    assert "1 KHR = 0.0088 THB" in html
    assert "EUR" not in html  # another company's rate
    assert '<label class="form-label" for="rates-currency">' in html

    filtered = signed_in.get(RATES, {"currency": "KHR"}).content.decode()
    assert "1 KHR = 0.0088 THB" in filtered
    assert "1 USD = 36.45 THB" not in filtered


def test_the_form_saves_a_rate_and_redirects_to_its_currency(signed_in, company, accountant):
    form_page = signed_in.get(SET)
    assert form_page.status_code == 200
    html = form_page.content.decode()
    for name in ("currency", "rate_date", "rate"):
        assert f'for="id_{name}"' in html  # every field has a label
    assert '<option value="THB"' not in html  # the company currency has no rate

    response = signed_in.post(SET, valid_post())
    assert response.status_code == 302
    assert response["Location"] == f"{RATES}?currency=USD"
    rate = ExchangeRate.all_companies.get()
    assert (rate.company, rate.currency, rate.rate_date, rate.rate) == (
        company,
        "USD",
        dt.date(2026, 11, 24),
        Decimal("36.45"),
    )
    assert rate.set_by == accountant

    signed_in.post(SET, valid_post(rate="36.50"))
    assert ExchangeRate.all_companies.get().rate == Decimal("36.50")  # same day: replaced


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (valid_post(rate="0"), "rate"),
        (valid_post(rate="-3"), "rate"),
        (valid_post(rate="abc"), "rate"),
        (valid_post(rate="36.5", currency="ZZZ"), "currency"),
        (valid_post(currency="THB"), "currency"),
        (valid_post(rate_date="24/24/2026"), "rate_date"),
        (valid_post(rate_date=""), "rate_date"),
    ],
)
def test_the_form_rejects_bad_input_with_a_field_error_and_saves_nothing(signed_in, data, field):
    response = signed_in.post(SET, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    assert f'id="id_{field}"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ExchangeRate.all_companies.exists()


def test_sales_may_view_but_not_set_rates(client, company, make_user):
    client.force_login(make_user(company=company, roles=(Role.SALES,)))
    page = client.get(RATES)
    assert page.status_code == 200
    assert SET not in page.content.decode()  # no "Set a rate" link
    assert client.get(SET).status_code == 403
    assert client.post(SET, valid_post()).status_code == 403
    assert not ExchangeRate.all_companies.exists()


def test_roles_without_currencies_see_nothing(client, company, make_user):
    client.force_login(make_user(company=company, roles=(Role.WAREHOUSE,)))
    assert client.get(RATES).status_code == 403


def test_a_role_in_another_company_does_not_open_this_one(client, company, make_company, make_user):
    other = make_company()
    user = make_user(company=company, roles=(Role.SALES,))
    from concord.core.identity.models import Membership

    Membership.objects.create(user=user, company=other, role=Role.ACCOUNTANT)
    client.force_login(user)  # active company: the default one, where the user is only in sales
    assert client.get(RATES).status_code == 200
    assert client.get(SET).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get(RATES)
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_exchange_rates_are_in_the_back_office_navigation():
    item = registry.nav_items.get("money.rates")
    assert (item.office, item.url_name, item.permission) == ("back", "money:rates", "currencies.view")
    assert str(item.label) == "Exchange rates"


def test_the_list_is_paginated_and_the_pager_keeps_the_currency(signed_in, company, accountant):
    from concord.core.money.views import RATES_PER_PAGE

    first_day = dt.date(2026, 1, 1)
    for offset in range(RATES_PER_PAGE + 3):
        exchange_rate_set(
            company=company,
            currency="USD",
            rate_date=first_day + dt.timedelta(days=offset),
            rate="36.45",
            by=accountant,
        )
    exchange_rate_set(company=company, currency="KHR", rate_date=first_day, rate="0.0088", by=accountant)
    newest_first = list(
        ExchangeRate.all_companies.filter(currency="USD").order_by("-rate_date").values_list("pk", flat=True)
    )

    first = signed_in.get(RATES, {"currency": "USD"})
    assert [row.pk for row in first.context["page"].object_list] == newest_first[:RATES_PER_PAGE]
    html = first.content.decode()
    assert html.count("1 USD = 36.45 THB") == RATES_PER_PAGE
    assert '<nav aria-label="Pages">' in html
    assert (
        '<li class="page-item active" aria-current="page"><span class="page-link">Page 1 of 2</span>' in html
    )
    assert 'href="?currency=USD&amp;page=2"' in html  # the filter survives paging

    second = signed_in.get(RATES, {"currency": "USD", "page": "2"})
    assert [row.pk for row in second.context["page"].object_list] == newest_first[RATES_PER_PAGE:]
    assert 'href="?currency=USD&amp;page=1"' in second.content.decode()
    assert "KHR = 0.0088" not in second.content.decode()

    # A stale or mistyped page number shows a page rather than an error.
    assert signed_in.get(RATES, {"currency": "USD", "page": "99"}).context["page"].number == 2
    assert signed_in.get(RATES, {"currency": "USD", "page": "x"}).context["page"].number == 1

    few = signed_in.get(RATES, {"currency": "KHR"}).content.decode()
    assert "1 KHR = 0.0088 THB" in few
    assert 'aria-label="Pages"' not in few  # one page: no pager
