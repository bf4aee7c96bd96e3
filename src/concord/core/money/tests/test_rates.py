import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from concord.core.audit.models import AuditEntry
from concord.core.identity.roles import Role
from concord.core.identity.scope import company_scope
from concord.core.money.errors import InvalidAmountError, InvalidCurrencyError, NoExchangeRateError
from concord.core.money.models import ExchangeRate, RateSource
from concord.core.money.money import Money
from concord.core.money.queries import convert, exchange_rate_on, exchange_rates_for
from concord.core.money.services import exchange_rate_set

D1 = dt.date(2026, 11, 1)
D2 = dt.date(2026, 11, 20)


@pytest.fixture
def accountant(company, make_user):
    return make_user(company=company, roles=(Role.ACCOUNTANT,))


@pytest.fixture
def rates(company, accountant):
    """A Thai company (THB) with USD and KHR rates on two dates."""
    exchange_rate_set(company=company, currency="USD", rate_date=D1, rate="36.00", by=accountant)
    exchange_rate_set(company=company, currency="USD", rate_date=D2, rate="35.50", by=accountant)
    exchange_rate_set(company=company, currency="KHR", rate_date=D1, rate="0.0088", by=accountant)
    return company


def test_set_creates_then_replaces_the_days_rate_and_audits_both(company, accountant):
    first = exchange_rate_set(company=company, currency="usd", rate_date=D1, rate="36.1", by=accountant)
    assert (first.currency, first.rate, first.source, first.set_by) == (
        "USD",
        Decimal("36.1"),
        "manual",
        accountant,
    )
    again = exchange_rate_set(
        company=company,
        currency="USD",
        rate_date=D1,
        rate=Decimal("36.2"),
        by=accountant,
        source=RateSource.IMPORT,
    )
    assert again.pk == first.pk
    stored = ExchangeRate.all_companies.get(pk=first.pk)
    assert (stored.rate, stored.source) == (Decimal("36.2"), "import")
    assert ExchangeRate.all_companies.count() == 1
    entries = list(AuditEntry.objects.filter(object_id=str(first.pk)).order_by("id"))
    assert [entry.action for entry in entries] == ["create", "update"]
    assert entries[1].changes["rate"] == ["36.1000000000", "36.2000000000"]
    assert entries[1].actor == accountant


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"currency": "ZZZ"}, InvalidCurrencyError, "currency"),
        ({"currency": "THB"}, InvalidCurrencyError, "currency"),  # the company's own currency
        ({"rate": "0"}, InvalidAmountError, "rate"),
        ({"rate": "-1"}, InvalidAmountError, "rate"),
        ({"rate": "0.00000000001"}, InvalidAmountError, "rate"),  # rounds to zero at 10 decimals
        ({"rate": "1e20"}, InvalidAmountError, "rate"),
        ({"rate": "abc"}, InvalidAmountError, "amount"),
    ],
)
def test_set_refuses_bad_rates_and_saves_nothing(company, accountant, fields, error, field):
    arguments = {
        "company": company,
        "currency": "USD",
        "rate_date": D1,
        "rate": "36",
        "by": accountant,
    } | fields
    with pytest.raises(error) as raised:
        exchange_rate_set(**arguments)
    assert raised.value.field == field
    assert not ExchangeRate.all_companies.exists()


def test_set_refuses_float_rates(company, accountant):
    with pytest.raises(TypeError, match="not float"):
        exchange_rate_set(company=company, currency="USD", rate_date=D1, rate=36.5, by=accountant)  # type: ignore[arg-type]


def test_database_refuses_a_non_positive_rate(company):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.all_companies.create(company=company, currency="USD", rate_date=D1, rate=Decimal(0))


def test_database_refuses_two_rates_on_one_day(company):
    ExchangeRate.all_companies.create(company=company, currency="USD", rate_date=D1, rate=Decimal(36))
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.all_companies.create(company=company, currency="USD", rate_date=D1, rate=Decimal(37))


@pytest.mark.parametrize(
    ("on_date", "expected"),
    [
        (D1, "36"),
        (dt.date(2026, 11, 19), "36"),  # the latest rate on or before the day
        (D2, "35.5"),
        (dt.date(2027, 1, 1), "35.5"),
    ],
)
def test_rate_on_a_date_is_the_latest_on_or_before_it(rates, on_date, expected):
    assert exchange_rate_on(company=rates, currency="USD", on_date=on_date) == Decimal(expected)


def test_no_rate_before_the_first_one(rates):
    with pytest.raises(NoExchangeRateError, match="No exchange rate for USD on or before 2026-10-31"):
        exchange_rate_on(company=rates, currency="USD", on_date=dt.date(2026, 10, 31))
    with pytest.raises(NoExchangeRateError, match="EUR"):
        exchange_rate_on(company=rates, currency="EUR", on_date=D2)


def test_the_company_currency_rate_is_one(rates):
    assert exchange_rate_on(company=rates, currency="THB", on_date=dt.date(2000, 1, 1)) == 1


def test_rates_are_per_company(rates, make_company):
    other = make_company(currency="THB")
    with pytest.raises(NoExchangeRateError):
        exchange_rate_on(company=other, currency="USD", on_date=D2)


def test_convert_foreign_to_company_currency(rates):
    assert convert(money=Money("100", "USD"), to_currency="THB", company=rates, on_date=D2) == Money(
        "3550.00", "THB"
    )
    assert convert(money=Money("40000", "KHR"), to_currency="THB", company=rates, on_date=D2) == Money(
        "352", "THB"
    )


def test_convert_company_currency_to_foreign_rounds_to_the_target(rates):
    usd = convert(money=Money("1000", "THB"), to_currency="USD", company=rates, on_date=D1)
    assert usd == Money("27.78", "USD")  # 1000 / 36 = 27.777...
    assert usd.amount.as_tuple().exponent == -2
    khr = convert(money=Money("100", "THB"), to_currency="KHR", company=rates, on_date=D1)
    assert khr == Money("11364", "KHR")  # 100 / 0.0088 = 11363.6...: whole riel


def test_convert_between_two_foreign_currencies_goes_through_the_company_currency(rates):
    # 10 USD = 355 THB on D2; 355 THB / 0.0088 = 40340.909... KHR
    assert convert(money=Money("10", "USD"), to_currency="KHR", company=rates, on_date=D2) == Money(
        "40341", "KHR"
    )
    # 40341 KHR = 354.9998 THB; / 35.5 = 9.99999... USD
    assert convert(money=Money("40341", "KHR"), to_currency="USD", company=rates, on_date=D2) == Money(
        "10.00", "USD"
    )


def test_convert_to_the_same_currency_only_rounds(rates):
    assert convert(money=Money("1.005", "USD"), to_currency="USD", company=rates, on_date=D1) == Money(
        "1.01", "USD"
    )


def test_convert_without_a_rate_raises(rates):
    with pytest.raises(NoExchangeRateError, match="USD"):
        convert(money=Money("1", "USD"), to_currency="THB", company=rates, on_date=dt.date(2026, 1, 1))


def test_rate_list_is_scoped_to_the_visible_companies(rates, make_company, accountant):
    other = make_company(currency="USD")
    exchange_rate_set(company=other, currency="THB", rate_date=D1, rate="0.028", by=accountant)
    assert [(r.currency, r.rate_date) for r in exchange_rates_for(company=rates)] == [
        ("KHR", D1),
        ("USD", D2),
        ("USD", D1),
    ]
    assert list(exchange_rates_for(company=rates, currency="KHR").values_list("currency", flat=True)) == [
        "KHR"
    ]
    with company_scope([other.pk]):
        assert not exchange_rates_for(company=rates).exists()
