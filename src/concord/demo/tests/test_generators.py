"""The demo's generators without a database: tax IDs, passwords, seeded streams and rate series."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from stdnum.th import tin

from concord.demo.identity import cambodian_tax_id, generate_password, thai_company_tax_id
from concord.demo.money import USD_KHR, USD_THB
from concord.demo.steps import SIZES, DemoContext


def _ctx(seed: int) -> DemoContext:
    return DemoContext(size=SIZES["small"], seed=seed, today=date(2026, 3, 15))


def test_thai_company_tax_ids_pass_the_check_digit_and_a_changed_digit_fails() -> None:
    rng = random.Random(1)
    for _ in range(200):
        number = thai_company_tax_id(f"{rng.randint(0, 99_999):05d}")
        assert tin.is_valid(number), number
        assert tin.tin_type(number) == "moa"
        wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
        assert not tin.is_valid(wrong)


def test_tax_id_generators_refuse_bad_running_numbers() -> None:
    with pytest.raises(ValueError, match="five digits"):
        thai_company_tax_id("12a45")
    with pytest.raises(ValueError, match="nine digits"):
        cambodian_tax_id("12345")


def test_generated_passwords_are_long_unambiguous_and_unique() -> None:
    passwords = [generate_password() for _ in range(500)]
    assert len(set(passwords)) == len(passwords)
    for password in passwords:
        assert len(password) == 14
        assert not set(password) & set("0O1lI")


def test_each_step_has_its_own_seeded_stream() -> None:
    a, b, other_seed = _ctx(2026), _ctx(2026), _ctx(2027)
    draws = [a.rng("money").random() for _ in range(3)]
    assert draws == [b.rng("money").random() for _ in range(3)]
    assert draws != [a.rng("identity").random() for _ in range(3)]
    assert draws != [other_seed.rng("money").random() for _ in range(3)]


def test_rate_series_depend_on_the_seed_and_the_day_not_on_the_window() -> None:
    today = date(2026, 3, 15)
    month = USD_THB.walk(_ctx(2026), until=today, since=today - timedelta(days=29))
    year = USD_THB.walk(_ctx(2026), until=today, since=today - timedelta(days=364))
    other = USD_THB.walk(_ctx(9), until=today, since=today - timedelta(days=29))

    assert len(month) == 30
    assert len(year) == 365
    assert all(year[day] == value for day, value in month.items())
    assert month != other
    riel = USD_KHR.walk(_ctx(2026), until=today, since=today - timedelta(days=364))
    assert all(value == value.to_integral_value() for value in riel.values())  # riel quoted whole
    assert 3900 < min(riel.values()) <= max(riel.values()) < 4250
