"""Company-owned models (exchange rates here) are scoped by the default manager, as every business row is."""

import datetime
from decimal import Decimal

from django.test import Client

from concord.core.identity.roles import Role
from concord.core.identity.scope import company_scope
from concord.core.money.models import ExchangeRate
from concord.core.money.services import exchange_rate_set

DAY = datetime.date(2026, 11, 2)


def _rates(make_company):
    siam = make_company(code="siam", currency="THB")
    mekong = make_company(code="mekong", country="KH", currency="USD")
    exchange_rate_set(company=siam, currency="USD", rate_date=DAY, rate=Decimal("34.5"), by=None)
    exchange_rate_set(company=mekong, currency="KHR", rate_date=DAY, rate=Decimal("0.000245"), by=None)
    return siam, mekong


def test_default_manager_shows_only_the_scopes_companies(make_company):
    siam, mekong = _rates(make_company)
    with company_scope([siam.id]):
        assert list(ExchangeRate.objects.values_list("currency", flat=True)) == ["USD"]
        assert ExchangeRate.all_companies.count() == 2  # system code may still see everything
        assert not ExchangeRate.objects.filter(company=mekong).exists()
    assert ExchangeRate.objects.count() == 2  # outside a scope (worker, migrations): unfiltered


def test_for_user_scopes_explicitly(make_company, make_user):
    siam, _mekong = _rates(make_company)
    seller = make_user(company=siam, roles=(Role.SALES,))
    assert [rate.company_id for rate in ExchangeRate.objects.for_user(seller)] == [siam.id]


def test_a_request_only_sees_its_users_companies(make_company, make_user):
    siam, _mekong = _rates(make_company)
    accountant = make_user(company=siam, roles=(Role.ACCOUNTANT,))
    client = Client()
    client.force_login(accountant)
    page = client.get("/money/rates/").content.decode()
    assert "34.5" in page
    assert "0.000245" not in page
