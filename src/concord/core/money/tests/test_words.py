"""Amounts in words: a table of known readings per language, then round trips through a small reader.

The tables hold the conventions (Excel's BAHTTEXT for Thai: เอ็ด, ยี่สิบ, ถ้วน, ล้านล้าน); the round trips
read every generated text back with an independent parser, so a wrong place word anywhere in a wide
range of numbers shows up even where no table row covers it.
"""

from decimal import Decimal

import pytest

from concord.core.money.errors import InvalidAmountError, InvalidCurrencyError
from concord.core.money.words import english_amount_text, khmer_amount_text, thai_baht_text

# Numbers for the round trips: every number below 3,000, then powers of ten and their neighbours,
# then a deterministic spread up to 10^15 (no random module: the same numbers on every run).
_SPREAD = sorted(
    {
        *range(3000),
        *(10**k + d for k in range(1, 19) for d in (-1, 0, 1)),
        *((n * 7919 + 13) ** 2 % 10**15 for n in range(400)),
        1_000_001_000_000,
        1_000_005_000_000,
        21_000_021,
    }
)


# ------------------------------------------------------------------------------------------- Thai
@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1250.75", "หนึ่งพันสองร้อยห้าสิบบาทเจ็ดสิบห้าสตางค์"),
        ("100", "หนึ่งร้อยบาทถ้วน"),
        (21, "ยี่สิบเอ็ดบาทถ้วน"),
        (11, "สิบเอ็ดบาทถ้วน"),
        (1_000_000, "หนึ่งล้านบาทถ้วน"),
        ("0.50", "ห้าสิบสตางค์"),
        (0, "ศูนย์บาทถ้วน"),
        (1, "หนึ่งบาทถ้วน"),
        (10, "สิบบาทถ้วน"),
        (20, "ยี่สิบบาทถ้วน"),
        (101, "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (110, "หนึ่งร้อยสิบบาทถ้วน"),
        (111, "หนึ่งร้อยสิบเอ็ดบาทถ้วน"),
        (121, "หนึ่งร้อยยี่สิบเอ็ดบาทถ้วน"),
        (220, "สองร้อยยี่สิบบาทถ้วน"),
        (1001, "หนึ่งพันเอ็ดบาทถ้วน"),
        (1010, "หนึ่งพันสิบบาทถ้วน"),
        (10_700, "หนึ่งหมื่นเจ็ดร้อยบาทถ้วน"),
        (11_875, "หนึ่งหมื่นหนึ่งพันแปดร้อยเจ็ดสิบห้าบาทถ้วน"),
        (100_000, "หนึ่งแสนบาทถ้วน"),
        # เอ็ด follows a higher digit anywhere in the number, across the ล้าน boundary too (BAHTTEXT)
        (1_000_001, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (1_000_011, "หนึ่งล้านสิบเอ็ดบาทถ้วน"),
        (1_000_021, "หนึ่งล้านยี่สิบเอ็ดบาทถ้วน"),
        (11_000_000, "สิบเอ็ดล้านบาทถ้วน"),
        (11_000_001, "สิบเอ็ดล้านเอ็ดบาทถ้วน"),
        (21_000_000, "ยี่สิบเอ็ดล้านบาทถ้วน"),
        (21_500_000, "ยี่สิบเอ็ดล้านห้าแสนบาทถ้วน"),
        (1_234_567, "หนึ่งล้านสองแสนสามหมื่นสี่พันห้าร้อยหกสิบเจ็ดบาทถ้วน"),
        (10_000_000, "สิบล้านบาทถ้วน"),
        # ล้าน repeats for every six digits
        (10**12, "หนึ่งล้านล้านบาทถ้วน"),
        (10**18, "หนึ่งล้านล้านล้านบาทถ้วน"),
        (1_000_005_000_000, "หนึ่งล้านห้าล้านบาทถ้วน"),
        (2 * 10**13, "ยี่สิบล้านล้านบาทถ้วน"),
        ("123456789.01", "หนึ่งร้อยยี่สิบสามล้านสี่แสนห้าหมื่นหกพันเจ็ดร้อยแปดสิบเก้าบาทหนึ่งสตางค์"),
        # satang are their own number: หนึ่งสตางค์, not เอ็ดสตางค์
        ("1.01", "หนึ่งบาทหนึ่งสตางค์"),
        ("0.01", "หนึ่งสตางค์"),
        ("0.11", "สิบเอ็ดสตางค์"),
        ("0.21", "ยี่สิบเอ็ดสตางค์"),
        ("2500.5", "สองพันห้าร้อยบาทห้าสิบสตางค์"),
        ("776.87", "เจ็ดร้อยเจ็ดสิบหกบาทแปดสิบเจ็ดสตางค์"),
        # rounding half up to the satang
        ("1.005", "หนึ่งบาทหนึ่งสตางค์"),
        ("1.004", "หนึ่งบาทถ้วน"),
        ("123.456", "หนึ่งร้อยยี่สิบสามบาทสี่สิบหกสตางค์"),
        ("999.995", "หนึ่งพันบาทถ้วน"),
        ("999999.995", "หนึ่งล้านบาทถ้วน"),
        ("1000000.995", "หนึ่งล้านเอ็ดบาทถ้วน"),
        ("0.004", "ศูนย์บาทถ้วน"),
        # negative amounts (credit notes, refunds)
        (-5, "ลบห้าบาทถ้วน"),
        ("-1250.75", "ลบหนึ่งพันสองร้อยห้าสิบบาทเจ็ดสิบห้าสตางค์"),
        ("-0.50", "ลบห้าสิบสตางค์"),
        ("-0.005", "ลบหนึ่งสตางค์"),  # half up is away from zero, as Money rounds
        ("-0.004", "ศูนย์บาทถ้วน"),  # rounds to zero: no ลบ
        (Decimal("-0"), "ศูนย์บาทถ้วน"),
        # exponent forms and trailing zeros are the same amount
        (Decimal("1E+3"), "หนึ่งพันบาทถ้วน"),
        (Decimal("100.000"), "หนึ่งร้อยบาทถ้วน"),
        (" 42 ", "สี่สิบสองบาทถ้วน"),
    ],
)
def test_thai_baht_text_known_readings(amount, expected):
    assert thai_baht_text(amount if isinstance(amount, Decimal | str) else Decimal(amount)) == expected
    if isinstance(amount, int):
        assert thai_baht_text(amount) == expected  # an int is as good as a Decimal


_THAI_NUMBER_WORDS = {
    "ศูนย์": 0, "หนึ่ง": 1, "เอ็ด": 1, "สอง": 2, "สาม": 3, "สี่": 4,
    "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9,
}  # fmt: skip
_THAI_PLACE_WORDS = {"ยี่สิบ": 20, "สิบ": 10, "ร้อย": 100, "พัน": 1000, "หมื่น": 10_000, "แสน": 100_000}


def _read_thai_number(text: str) -> int:
    """An independent reader of Thai number words (the inverse of what thai_baht_text writes)."""
    tokens = sorted([*_THAI_NUMBER_WORDS, *_THAI_PLACE_WORDS, "ล้าน"], key=len, reverse=True)
    result, group, digit = 0, 0, None
    while text:
        token = next((t for t in tokens if text.startswith(t)), None)
        assert token is not None, f"unreadable Thai number words at {text!r}"
        text = text[len(token) :]
        if token == "ล้าน":
            result = (result + group + (digit or 0)) * 1_000_000
            group, digit = 0, None
        elif token == "ยี่สิบ":
            assert digit is None
            group += 20
        elif token in _THAI_PLACE_WORDS:
            group += (1 if digit is None else digit) * _THAI_PLACE_WORDS[token]
            digit = None
        else:
            assert digit is None, "two digits in a row"
            digit = _THAI_NUMBER_WORDS[token]
    return result + group + (digit or 0)


def test_thai_baht_text_reads_back_to_the_same_number():
    for number in _SPREAD:
        text = thai_baht_text(number)
        assert text.endswith("บาทถ้วน"), text
        words = text.removesuffix("บาทถ้วน")
        assert _read_thai_number(words) == number, (number, text)
        # the conventions the reader alone would not catch
        assert "หนึ่งสิบ" not in words, text
        assert "สองสิบ" not in words, text
        ends_in_one = number % 10 == 1
        assert words.endswith("เอ็ด") == (ends_in_one and number > 1), text
        assert ("เอ็ด" in words) <= ("1" in str(number)), text


def test_thai_satang_read_back_for_every_value():
    for satang in range(1, 100):
        amount = Decimal(satang).scaleb(-2)
        text = thai_baht_text(amount)
        assert text.endswith("สตางค์"), text
        assert "บาท" not in text, text
        words = text.removesuffix("สตางค์")
        assert _read_thai_number(words) == satang
        assert words.endswith("เอ็ด") == (satang % 10 == 1 and satang > 1), text
        assert thai_baht_text(amount + 7) == "เจ็ดบาท" + text


# ---------------------------------------------------------------------------------------- English
@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1250.75", "USD", "One thousand two hundred fifty US dollars and seventy-five cents"),
        ("1", "USD", "One US dollar"),
        ("1.01", "USD", "One US dollar and one cent"),
        ("2.00", "USD", "Two US dollars"),
        ("0.50", "USD", "Fifty cents"),
        ("0.01", "USD", "One cent"),
        ("0", "USD", "Zero US dollars"),
        ("0.125", "USD", "Thirteen cents"),  # half up
        ("-3.20", "USD", "Minus three US dollars and twenty cents"),
        ("21", "USD", "Twenty-one US dollars"),
        ("115", "USD", "One hundred fifteen US dollars"),
        ("1000000", "USD", "One million US dollars"),
        ("1000001", "USD", "One million one US dollars"),
        ("2000300040", "USD", "Two billion three hundred thousand forty US dollars"),
        (
            "999999999.99",
            "USD",
            (
                "Nine hundred ninety-nine million nine hundred ninety-nine thousand "
                "nine hundred ninety-nine US dollars and ninety-nine cents"
            ),
        ),
        # KHR is written in whole riel: amounts round to the riel
        ("40000", "KHR", "Forty thousand riels"),
        ("1", "KHR", "One riel"),
        ("40000.5", "KHR", "Forty thousand one riels"),
        ("40000.49", "KHR", "Forty thousand riels"),
        ("0", "KHR", "Zero riels"),
        ("1250.75", "THB", "One thousand two hundred fifty baht and seventy-five satang"),
        ("1", "THB", "One baht"),
        ("0.01", "THB", "One satang"),
        # a currency not in the table: its code, the fraction as on a cheque
        ("125.50", "EUR", "One hundred twenty-five EUR and 50/100"),
        ("125", "EUR", "One hundred twenty-five EUR"),
        ("1.234", "BHD", "One BHD and 234/1000"),
        ("1234.5", "JPY", "One thousand two hundred thirty-five JPY"),
        # the code is normalised as Money normalises it
        ("5", " usd ", "Five US dollars"),
    ],
)
def test_english_amount_text_known_readings(amount, currency, expected):
    assert english_amount_text(Decimal(amount), currency) == expected


_ENGLISH_ONES_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_ENGLISH_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ENGLISH_WORDS = {word: value for value, word in enumerate(_ENGLISH_ONES_WORDS)} | {
    word: 10 * tens for tens, word in enumerate(_ENGLISH_TENS_WORDS, start=2)
}
_ENGLISH_SCALE_WORDS = {
    word: 1000**power
    for power, word in enumerate(
        ["", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion", "sextillion"]
    )
    if power
}


def _read_english_number(text: str) -> int:
    total, group = 0, 0
    for word in text.replace("-", " ").split():
        if word == "hundred":
            group *= 100
        elif word in _ENGLISH_SCALE_WORDS:
            total += group * _ENGLISH_SCALE_WORDS[word]
            group = 0
        else:
            group += _ENGLISH_WORDS[word]
    return total + group


def test_english_amount_text_reads_back_to_the_same_number():
    for number in _SPREAD:
        text = english_amount_text(number, "USD")
        unit = " US dollar" if number == 1 else " US dollars"
        assert text.endswith(unit), text
        words = text.removesuffix(unit)
        assert words[0].isupper(), text
        assert words[1:] == words[1:].lower(), text
        assert " and " not in words, text  # American style: no "and" inside the number
        assert _read_english_number(words.lower()) == number, (number, text)


def test_english_amount_text_refuses_a_number_too_large_for_its_scale_words():
    assert english_amount_text(10**36 - 1, "USD").startswith("Nine hundred ninety-nine decillion")
    with pytest.raises(ValueError, match="too large"):
        english_amount_text(10**36, "USD")


# ------------------------------------------------------------------------------------------ Khmer
@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        # number words checked against two independent converters (see the module docstring)
        ("0", "KHR", "សូន្យរៀល"),
        ("1", "KHR", "មួយរៀល"),
        ("6", "KHR", "ប្រាំមួយរៀល"),
        ("9", "KHR", "ប្រាំបួនរៀល"),
        ("10", "KHR", "ដប់រៀល"),
        ("11", "KHR", "ដប់មួយរៀល"),
        ("19", "KHR", "ដប់ប្រាំបួនរៀល"),
        ("27", "KHR", "ម្ភៃប្រាំពីររៀល"),
        ("65", "KHR", "ហុកសិបប្រាំរៀល"),
        ("100", "KHR", "មួយរយរៀល"),
        ("101", "KHR", "មួយរយមួយរៀល"),
        ("112", "KHR", "មួយរយដប់ពីររៀល"),
        ("362", "KHR", "បីរយហុកសិបពីររៀល"),
        ("1165", "KHR", "មួយពាន់មួយរយហុកសិបប្រាំរៀល"),
        ("1739", "KHR", "មួយពាន់ប្រាំពីររយសាមសិបប្រាំបួនរៀល"),
        ("3074", "KHR", "បីពាន់ចិតសិបបួនរៀល"),
        ("3337", "KHR", "បីពាន់បីរយសាមសិបប្រាំពីររៀល"),
        ("13589", "KHR", "មួយម៉ឺនបីពាន់ប្រាំរយប៉ែតសិបប្រាំបួនរៀល"),
        ("24745", "KHR", "ពីរម៉ឺនបួនពាន់ប្រាំពីររយសែសិបប្រាំរៀល"),
        ("33545", "KHR", "បីម៉ឺនបីពាន់ប្រាំរយសែសិបប្រាំរៀល"),
        ("40000", "KHR", "បួនម៉ឺនរៀល"),
        ("196093", "KHR", "មួយសែនប្រាំបួនម៉ឺនប្រាំមួយពាន់កៅសិបបីរៀល"),
        ("202791", "KHR", "ពីរសែនពីរពាន់ប្រាំពីររយកៅសិបមួយរៀល"),
        ("283165", "KHR", "ពីរសែនប្រាំបីម៉ឺនបីពាន់មួយរយហុកសិបប្រាំរៀល"),
        ("1914295", "KHR", "មួយលានប្រាំបួនសែនមួយម៉ឺនបួនពាន់ពីររយកៅសិបប្រាំរៀល"),
        ("40000.5", "KHR", "បួនម៉ឺនមួយរៀល"),  # whole riel, half up
        # millions nest (our choice, see the docstring)
        ("10000000", "KHR", "ដប់លានរៀល"),
        ("1000000000", "KHR", "មួយពាន់លានរៀល"),
        ("1000000000000", "KHR", "មួយលានលានរៀល"),
        # dollars and cents
        ("1250.75", "USD", "មួយពាន់ពីររយហាសិបដុល្លារ ចិតសិបប្រាំសេន"),
        ("0.50", "USD", "ហាសិបសេន"),
        ("80.08", "USD", "ប៉ែតសិបដុល្លារ ប្រាំបីសេន"),
        ("0", "USD", "សូន្យដុល្លារ"),
        ("-3.20", "USD", "ដកបីដុល្លារ ម្ភៃសេន"),
        ("-40000", "KHR", "ដកបួនម៉ឺនរៀល"),
        ("125.50", "EUR", "មួយរយម្ភៃប្រាំ EUR 50/100"),
    ],
)
def test_khmer_amount_text_known_readings(amount, currency, expected):
    assert khmer_amount_text(Decimal(amount), currency) == expected


_KHMER_DIGIT_WORDS = {"សូន្យ": 0, "មួយ": 1, "ពីរ": 2, "បី": 3, "បួន": 4, "ប្រាំ": 5}
_KHMER_TENS_WORDS = {
    "ដប់": 10, "ម្ភៃ": 20, "សាមសិប": 30, "សែសិប": 40, "ហាសិប": 50,
    "ហុកសិប": 60, "ចិតសិប": 70, "ប៉ែតសិប": 80, "កៅសិប": 90,
}  # fmt: skip
_KHMER_PLACE_WORDS = {"រយ": 100, "ពាន់": 1000, "ម៉ឺន": 10_000, "សែន": 100_000}


def _read_khmer_number(text: str) -> int:
    """An independent reader: six is ប្រាំ+មួយ (five-one), so consecutive digit words add up."""
    tokens = sorted(
        [*_KHMER_DIGIT_WORDS, *_KHMER_TENS_WORDS, *_KHMER_PLACE_WORDS, "លាន"], key=len, reverse=True
    )
    result, group, digit = 0, 0, 0
    while text:
        token = next((t for t in tokens if text.startswith(t)), None)
        assert token is not None, f"unreadable Khmer number words at {text!r}"
        text = text[len(token) :]
        if token == "លាន":
            result = (result + group + digit) * 1_000_000
            group, digit = 0, 0
        elif token in _KHMER_PLACE_WORDS:
            assert digit, "a place word needs a digit before it"
            group += digit * _KHMER_PLACE_WORDS[token]
            digit = 0
        elif token in _KHMER_TENS_WORDS:
            group += _KHMER_TENS_WORDS[token]
        else:
            digit += _KHMER_DIGIT_WORDS[token]
    return result + group + digit


def test_khmer_amount_text_reads_back_to_the_same_number():
    for number in _SPREAD:
        text = khmer_amount_text(number, "KHR")
        assert text.endswith("រៀល"), text
        assert " " not in text, text
        assert _read_khmer_number(text.removesuffix("រៀល")) == number, (number, text)


# --------------------------------------------------------------------------------- shared contract
ALL_FUNCTIONS = [
    pytest.param(thai_baht_text, id="thai"),
    pytest.param(lambda amount: english_amount_text(amount, "USD"), id="english"),
    pytest.param(lambda amount: khmer_amount_text(amount, "USD"), id="khmer"),
]


@pytest.mark.parametrize("words", ALL_FUNCTIONS)
def test_floats_are_refused(words):
    with pytest.raises(TypeError, match="float"):
        words(1250.75)


@pytest.mark.parametrize("words", ALL_FUNCTIONS)
@pytest.mark.parametrize("amount", [True, None, [1]])
def test_other_types_are_refused(words, amount):
    with pytest.raises(TypeError):
        words(amount)


@pytest.mark.parametrize("words", ALL_FUNCTIONS)
@pytest.mark.parametrize("amount", ["abc", "", "NaN", "Infinity", Decimal("-Infinity")])
def test_non_numbers_are_refused(words, amount):
    with pytest.raises(InvalidAmountError):
        words(amount)


@pytest.mark.parametrize("words", [english_amount_text, khmer_amount_text])
@pytest.mark.parametrize("currency", ["XYZ", "US", "", "XXX"])
def test_unknown_currencies_are_refused(words, currency):
    with pytest.raises(InvalidCurrencyError):
        words(Decimal(1), currency)


def test_huge_amounts_keep_full_precision():
    # more digits than Decimal's default 28-digit context: rounding must not fail or lose digits
    amount = Decimal("123456789012345678901234567890.125")
    assert thai_baht_text(amount).endswith("เก้าสิบบาทสิบสามสตางค์")
    assert _read_thai_number(thai_baht_text(amount).split("บาท")[0]) == 123456789012345678901234567890
