from decimal import Decimal

import pytest
from babel.numbers import format_currency
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from concord.core.money.formatting import format_money
from concord.core.money.money import Money


@pytest.mark.parametrize(
    ("locale", "currency", "amount", "expected"),
    [
        ("en", "THB", "1250.505", "THB1,250.51"),
        ("en", "USD", "1250.5", "$1,250.50"),
        ("en", "KHR", "40000", "KHR40,000"),
        ("th", "THB", "1250.505", "฿1,250.51"),
        ("th", "USD", "-12.345", "-US$12.35"),
        ("th", "KHR", "40000.5", "KHR40,001"),
        ("km", "THB", "1250.5", "1,250.50฿"),
        ("km", "USD", "1250.5", "1,250.50$"),
        ("km", "KHR", "40000.4", "40,000៛"),
    ],
)
def test_format_money_in_our_three_languages(locale, currency, amount, expected):
    assert format_money(Money(amount, currency), locale) == expected


@pytest.mark.parametrize("locale", ["en", "th", "km"])
@pytest.mark.parametrize("currency", ["THB", "USD"])
def test_two_decimal_currencies_match_babel_exactly(locale, currency):
    amount = Decimal("98765.43")
    assert format_money(Money(amount, currency), locale) == format_currency(amount, currency, locale=locale)


@pytest.mark.parametrize("locale", ["en", "th", "km"])
def test_riel_is_babel_output_without_the_sen(locale):
    babel = format_currency(Decimal("40000"), "KHR", locale=locale)
    assert babel.count(".00") == 1  # Babel keeps CLDR's 2 decimals for KHR ...
    assert format_money(Money("40000", "KHR"), locale) == babel.replace(".00", "")  # ... we do not


def test_format_rounds_half_up_unlike_babel():
    assert format_currency(Decimal("0.125"), "USD", locale="en") == "$0.12"  # Babel: half even
    assert format_money(Money("0.125", "USD"), "en") == "$0.13"


def test_unknown_locale_falls_back_to_english():
    assert format_money(Money("5", "USD"), "xx") == "$5.00"


def render(source, **context):
    return Template("{% load money_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "THB1,234.50"), ("th", "฿1,234.50"), ("km", "1,234.50฿")]
)
def test_money_filter_uses_the_active_language(language, expected):
    with translation.override(language):
        assert render('{{ amount|money:"THB" }}', amount=Decimal("1234.5")) == expected


def test_money_filter_accepts_money_and_leaves_empty_values_empty():
    with translation.override("km"):
        assert render("{{ price|money }}", price=Money("40000", "KHR")) == "40,000៛"
        assert render('{{ nothing|money:"THB" }}', nothing=None) == ""


def test_money_filter_refuses_a_currency_that_contradicts_the_amount():
    with pytest.raises(TemplateSyntaxError):
        render('{{ price|money:"USD" }}', price=Money("1", "THB"))
    with pytest.raises(TemplateSyntaxError):
        render("{{ amount|money }}", amount=Decimal(1))


def test_exchange_rate_filter_shows_significant_decimals():
    with translation.override("en"):
        assert render("{{ rate|exchange_rate }}", rate=Decimal("36.5000000000")) == "36.5"
        assert render("{{ rate|exchange_rate }}", rate=Decimal("0.0089000000")) == "0.0089"
        assert render("{{ rate|exchange_rate }}", rate=Decimal("4100")) == "4,100"
