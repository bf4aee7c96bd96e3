"""Unit-of-measure conversions and prices per unit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concord.core.money.money import Money
from concord.modules.catalog import facade
from concord.modules.catalog.errors import UomMismatchError
from concord.modules.catalog.units import price_for_uom, uom_convert


def test_seeded_units(units):
    assert {"pc", "dozen", "box12", "kg", "g", "l", "ml", "h"} <= set(units)
    assert units["kg"].is_reference
    assert units["pc"].is_reference
    assert units["box12"].ratio == 12
    assert units["g"].ratio == Decimal("0.001")


def test_box_of_12_to_pieces(units):
    assert uom_convert(Decimal(3), units["box12"], units["pc"]) == Decimal(36)
    assert uom_convert(Decimal(30), units["pc"], units["box12"]) == Decimal("2.50")
    assert uom_convert(Decimal(1), units["pc"], units["dozen"]) == Decimal("0.08")


def test_grams_to_kilograms(units):
    assert uom_convert(Decimal(1500), units["g"], units["kg"]) == Decimal("1.500")
    assert uom_convert("0.25", units["kg"], units["g"]) == Decimal(250)


def test_rounding_to_target_precision(units):
    # 7 pieces are 0.58333 dozen; a dozen is counted to 0.01
    assert uom_convert(Decimal(7), units["pc"], units["dozen"]) == Decimal("0.58")
    # whole pieces: half up
    assert uom_convert(Decimal("0.125"), units["box12"], units["pc"]) == Decimal(2)
    assert uom_convert(Decimal("0.125"), units["box12"], units["pc"], rounded=False) == Decimal("1.5")


def test_kilograms_to_pieces_refused(units):
    with pytest.raises(UomMismatchError) as refused:
        uom_convert(Decimal(1), units["kg"], units["pc"])
    assert refused.value.status_code == 422
    assert "different things" in str(refused.value)


def test_price_for_uom(units):
    assert price_for_uom(Money("10", "THB"), units["pc"], units["box12"]) == Money("120", "THB")
    assert price_for_uom(Money("100", "THB"), units["kg"], units["g"]) == Money("0.1", "THB")
    with pytest.raises(UomMismatchError):
        price_for_uom(Money("10", "USD"), units["l"], units["kg"])


def test_facade_takes_ids_and_shared_codes(units):
    assert facade.uom_convert(2, "box12", units["pc"].pk) == Decimal(24)
    assert facade.price_for_uom(Money("3", "USD"), "pc", "dozen") == Money("36", "USD")
