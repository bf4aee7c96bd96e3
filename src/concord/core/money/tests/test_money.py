from decimal import Decimal

import pytest

from concord.core.money.currencies import currency_name, currency_symbol, is_valid_currency, minor_units
from concord.core.money.errors import CurrencyMismatchError, InvalidAmountError, InvalidCurrencyError
from concord.core.money.money import Money


@pytest.mark.parametrize(
    ("currency", "digits", "amount", "expected"),
    [
        ("THB", 2, "1250.505", "1250.51"),
        ("THB", 2, "1250.504", "1250.50"),
        ("THB", 2, "-0.005", "-0.01"),  # half up means away from zero, for refunds too
        ("KHR", 0, "40000.5", "40001"),
        ("KHR", 0, "40000.49", "40000"),
        ("JPY", 0, "1234.5", "1235"),
        ("BHD", 3, "1.2345", "1.235"),
        ("USD", 2, "0.125", "0.13"),  # half even would give 0.12
    ],
)
def test_rounding_follows_the_currency_minor_unit(currency, digits, amount, expected):
    assert minor_units(currency) == digits
    rounded = Money(amount, currency).rounded()
    assert rounded.amount == Decimal(expected)
    assert rounded.amount.as_tuple().exponent == -digits
    assert rounded.currency == currency


def test_khr_override_differs_from_cldr():
    from babel.numbers import get_currency_precision

    assert get_currency_precision("KHR") == 2  # what CLDR says; we use 0 on purpose
    assert minor_units("KHR") == 0


@pytest.mark.parametrize(
    ("amount", "currency", "ratios"),
    [
        ("100", "THB", [1, 1, 1]),
        ("100.01", "USD", [1, 1, 1]),
        ("-100", "THB", [1, 2, 3]),
        ("40001", "KHR", [Decimal("0.3"), Decimal("0.3"), Decimal("0.4")]),
        ("0.05", "THB", [1, 2, 3, 4, 5, 6]),
        ("1", "BHD", [7, 0, 3]),
    ],
)
def test_allocation_adds_up_exactly(amount, currency, ratios):
    total = Money(amount, currency)
    parts = total.allocate(ratios)
    assert len(parts) == len(ratios)
    assert sum((part for part in parts), Money.zero(currency)) == total.rounded()
    quantum = Decimal(1).scaleb(-minor_units(currency))
    for part, ratio in zip(parts, ratios, strict=True):
        assert part.amount == part.amount.quantize(quantum)
        exact = total.rounded().amount * Decimal(ratio) / sum(Decimal(r) for r in ratios)
        assert abs(part.amount - exact) < quantum  # no part is off by a whole minor unit


def test_allocation_gives_leftover_units_to_the_first_largest_remainders():
    assert [part.amount for part in Money("100", "THB").allocate([1, 1, 1])] == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert [part.amount for part in Money("10", "KHR").allocate([1, 1, 1])] == [4, 3, 3]


@pytest.mark.parametrize("ratios", [[], [0, 0], [1, -1]])
def test_allocation_rejects_meaningless_ratios(ratios):
    with pytest.raises(ValueError, match="ratio"):
        Money("10", "THB").allocate(ratios)


def test_mixed_currencies_are_refused():
    thb, usd = Money("10", "THB"), Money("10", "USD")
    with pytest.raises(CurrencyMismatchError, match="THB and USD"):
        thb + usd
    with pytest.raises(CurrencyMismatchError):
        thb - usd
    with pytest.raises(CurrencyMismatchError):
        assert thb < usd
    assert thb != usd


def test_floats_are_rejected_with_a_clear_error():
    with pytest.raises(TypeError, match="not float"):
        Money(0.1, "THB")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not float"):
        Money("1", "THB") * 1.1
    with pytest.raises(TypeError, match="not float"):
        Money("1", "THB") / 3.0
    with pytest.raises(TypeError, match="not float"):
        Money("1", "THB").allocate([0.5, 0.5])  # type: ignore[list-item]


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_non_numbers_are_rejected(bad):
    with pytest.raises(InvalidAmountError):
        Money(bad, "THB")


@pytest.mark.parametrize("code", ["ZZZ", "XXX", "TH", "THBB", ""])
def test_unknown_currencies_are_rejected(code):
    assert not is_valid_currency(code)
    with pytest.raises(InvalidCurrencyError) as raised:
        Money("1", code)
    assert raised.value.field == "currency"


def test_arithmetic_keeps_full_precision_and_the_currency():
    price = Money("19.99", "USD")
    assert price + Money(1, "USD") == Money("20.99", "USD")
    assert price - Money("0.99", "USD") == Money(19, "USD")
    assert price * 3 == Money("59.97", "USD")
    assert 3 * price == Money("59.97", "USD")
    assert (price / 3).amount == Decimal("19.99") / 3  # not rounded until asked
    assert (price / 3).rounded() == Money("6.66", "USD")
    assert -price == Money("-19.99", "USD")
    assert abs(-price) == price
    assert Money("1", "thb").currency == "THB"


def test_comparison_within_a_currency():
    assert Money("1.00", "THB") == Money(1, "THB")
    assert hash(Money("1.00", "THB")) == hash(Money(1, "THB"))
    assert Money("1", "THB") < Money("1.01", "THB") <= Money("1.01", "THB")
    assert Money("2", "THB") > Money("1.99", "THB") >= Money("1.99", "THB")
    assert Money.zero("KHR").is_zero()
    assert not Money("0.01", "THB").is_zero()


def test_money_times_money_is_refused():
    with pytest.raises(TypeError):
        Money("1", "THB") * Money("1", "THB")


def test_money_is_immutable():
    price = Money("1", "THB")
    with pytest.raises(AttributeError):
        price.amount = Decimal(2)  # type: ignore[misc]


def test_currency_names_and_symbols_come_from_cldr():
    assert currency_symbol("THB", "th") == "฿"
    assert currency_symbol("KHR", "km") == "៛"
    assert currency_name("USD", "en") == "US Dollar"
    assert currency_name("THB", "th") == "บาท"
    with pytest.raises(InvalidCurrencyError):
        currency_name("ZZZ")
