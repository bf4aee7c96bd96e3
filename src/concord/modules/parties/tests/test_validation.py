"""The checks behind every party field: tax IDs per country, countries, emails, phones, name keys."""

from __future__ import annotations

import pytest

from concord.core.errors import ValidationFailed
from concord.modules.parties.tests.conftest import thai_tin
from concord.modules.parties.validation import (
    clean_branch_code,
    clean_country,
    clean_email,
    clean_phone,
    clean_tax_id,
    name_key,
)


def test_thai_tax_id_needs_13_digits_and_a_valid_check_digit() -> None:
    valid = thai_tin(12345)
    assert clean_tax_id(f"{valid[:1]}-{valid[1:5]}-{valid[5:]}", country="TH") == valid
    wrong_check = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    with pytest.raises(ValidationFailed) as error:
        clean_tax_id(wrong_check, country="TH")
    assert error.value.field == "tax_id"
    assert "Thai tax ID" in str(error.value.message)
    with pytest.raises(ValidationFailed):
        clean_tax_id(valid[:-1], country="TH")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("K001-901234567", "K001-901234567"),
        ("k001 901234567", "K001-901234567"),
        ("L001123456789", "L001-123456789"),
        ("E001-1234567890", "E001-1234567890"),
        ("100123456", "100123456"),
    ],
)
def test_cambodian_tax_ids_in_the_gdt_format(typed: str, stored: str) -> None:
    assert clean_tax_id(typed, country="KH") == stored


@pytest.mark.parametrize("typed", ["K01-901234567", "K001-90123", "0000-000000000", "K001-000000000", "ABCD"])
def test_malformed_cambodian_tax_ids_are_refused(typed: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        clean_tax_id(typed, country="KH")
    assert error.value.field == "tax_id"


def test_other_countries_keep_the_tax_id_as_typed() -> None:
    assert clean_tax_id("  DE123456789 ", country="DE") == "DE123456789"
    assert clean_tax_id("", country="TH") == ""


def test_country_must_be_a_known_iso_code() -> None:
    assert clean_country("kh") == "KH"
    for bad in ("XX", "ZZ", "Thailand", "", "EU"):
        with pytest.raises(ValidationFailed) as error:
            clean_country(bad)
        assert error.value.field == "country"


def test_branch_code_is_a_thai_rule() -> None:
    assert clean_branch_code("", country="TH", has_tax_id=True) == "00000"
    assert clean_branch_code("1", country="TH", has_tax_id=True) == "00001"
    assert clean_branch_code("00001", country="KH", has_tax_id=True) == ""
    with pytest.raises(ValidationFailed):
        clean_branch_code("HQ", country="TH", has_tax_id=True)


def test_email_is_checked() -> None:
    assert clean_email(" Sales@Siam.Example ") == "Sales@Siam.Example"
    for bad in ("somchai@", "no at sign", "a@b"):
        with pytest.raises(ValidationFailed) as error:
            clean_email(bad)
        assert error.value.field == "email"


@pytest.mark.parametrize(
    ("typed", "country", "e164"),
    [
        ("081 234 5678", "TH", "+66812345678"),
        ("02-123-4567", "TH", "+6621234567"),
        ("+66 81 234 5678", "KH", "+66812345678"),
        ("012 345 678", "KH", "+85512345678"),
        ("0066 81 234 5678", "KH", "+66812345678"),
        ("66812345678", "TH", "+66812345678"),
    ],
)
def test_phones_become_e164_with_the_party_country_as_default(typed: str, country: str, e164: str) -> None:
    assert clean_phone(typed, country=country) == e164


@pytest.mark.parametrize("bad", ["12", "call me", "081-abc-5678", "+0 123 456 789"])
def test_what_is_not_a_phone_number_is_refused(bad: str) -> None:
    with pytest.raises(ValidationFailed):
        clean_phone(bad, country="TH")


def test_name_key_ignores_case_spacing_and_legal_forms_in_any_script() -> None:
    assert name_key("Siam Kitchenware Co., Ltd.") == name_key("SIAM  KITCHENWARE")
    assert name_key("บริษัท สยาม คิทเช่นแวร์ จำกัด") == name_key("สยาม คิทเช่นแวร์")
    assert name_key("ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម") == name_key("អង្គរពាណិជ្ជកម្ម")
    assert name_key("Princeton Inc.") == "princeton"
