"""Amounts in words, as invoices, receipts and Thai tax invoices write them beside the figures.

- ``thai_baht_text``: the Thai reading of a baht amount, the line "(ตัวอักษร)" of a Thai tax invoice:
  ``Decimal("1250.75")`` -> "หนึ่งพันสองร้อยห้าสิบบาทเจ็ดสิบห้าสตางค์". It follows Excel's ``BAHTTEXT``,
  which Thai accountants check against: "ถ้วน" after whole baht, "เอ็ด" for a units digit 1 that
  follows a higher non-zero digit anywhere in the number (11 สิบเอ็ด, 101 หนึ่งร้อยเอ็ด, 1,000,001
  หนึ่งล้านเอ็ด, but 1 หนึ่ง and 1,000,000 หนึ่งล้าน), "ยี่สิบ" for the twenties, and "ล้าน" repeated
  for every six digits (10^12 หนึ่งล้านล้าน).
- ``english_amount_text``: "One thousand two hundred fifty US dollars and seventy-five cents".
- ``khmer_amount_text``: "មួយពាន់ពីររយហាសិបដុល្លារ ចិតសិបប្រាំសេន" (see its docstring for what was
  checked and what still wants a Khmer reader's eye).

Every function takes a ``Decimal`` (or an ``int`` or a numeric ``str``) and refuses ``float``, as
``Money`` does, and rounds half up (away from zero) to the currency's minor unit first: satang for THB,
cents for USD, whole riel for KHR (``concord.core.money.currencies.minor_units``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from concord.core.money.currencies import minor_units
from concord.core.money.money import to_decimal

__all__ = ["english_amount_text", "khmer_amount_text", "thai_baht_text"]

Amount = Decimal | int | str


def _split(amount: Amount, places: int) -> tuple[bool, int, int]:
    """(negative, major units, minor units) of ``amount`` rounded half up to ``places`` decimals."""
    number = to_decimal(amount)
    with localcontext() as context:
        # Enough precision that quantize never fails on a large amount (the default is 28 digits).
        context.prec = max(context.prec, number.adjusted() + places + 3)
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        scaled = int(abs(rounded).scaleb(places))
    major, minor = divmod(scaled, 10**places)
    return rounded < 0 and scaled != 0, major, minor


def _currency_code(currency: str) -> str:
    code = currency.strip().upper()
    minor_units(code)  # raises InvalidCurrencyError for a code that is not ISO 4217
    return code


# --------------------------------------------------------------------------------------------- Thai
_THAI_DIGITS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
# Places inside one group of six digits, from the units up: (none), สิบ, ร้อย, พัน, หมื่น, แสน.
_THAI_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
_THAI_MILLION = "ล้าน"


def _thai_below_million(number: int, *, after_higher_digit: bool) -> str:
    """Thai words for 0 < ``number`` < 1,000,000; ``after_higher_digit``: a higher group is non-zero."""
    words = []
    for place in range(5, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            continue
        if place == 1:
            words.append({1: "สิบ", 2: "ยี่สิบ"}.get(digit, _THAI_DIGITS[digit] + "สิบ"))
        elif place == 0 and digit == 1 and (after_higher_digit or number > 1):
            words.append("เอ็ด")
        else:
            words.append(_THAI_DIGITS[digit] + _THAI_PLACES[place])
    return "".join(words)


def _thai_integer(number: int, *, after_higher_digit: bool = False) -> str:
    """Thai words for a positive integer; millions nest: 10^12 is หนึ่งล้านล้าน."""
    if number < 1_000_000:
        return _thai_below_million(number, after_higher_digit=after_higher_digit)
    millions, rest = divmod(number, 1_000_000)
    text = _thai_integer(millions, after_higher_digit=after_higher_digit) + _THAI_MILLION
    return text + (_thai_below_million(rest, after_higher_digit=True) if rest else "")


def thai_baht_text(amount: Amount) -> str:
    """The amount in Thai words as a Thai tax invoice writes it, rounded half up to the satang.

    ``thai_baht_text(Decimal("1250.75"))`` -> "หนึ่งพันสองร้อยห้าสิบบาทเจ็ดสิบห้าสตางค์";
    ``100`` -> "หนึ่งร้อยบาทถ้วน"; ``Decimal("0.50")`` -> "ห้าสิบสตางค์"; ``0`` -> "ศูนย์บาทถ้วน";
    ``-5`` -> "ลบห้าบาทถ้วน".
    """
    negative, baht, satang = _split(amount, 2)
    if baht == 0 and satang == 0:
        return "ศูนย์บาทถ้วน"
    text = "ลบ" if negative else ""
    if baht:
        text += _thai_integer(baht) + "บาท"
    # Satang are read as their own number: 1.01 is หนึ่งบาทหนึ่งสตางค์, not ...เอ็ดสตางค์.
    if satang:
        text += _thai_integer(satang) + "สตางค์"
    else:
        text += "ถ้วน"
    return text


# ------------------------------------------------------------------------------------------ English
_ENGLISH_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_ENGLISH_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ENGLISH_SCALES = (
    "", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion", "sextillion",
    "septillion", "octillion", "nonillion", "decillion",
)  # fmt: skip

# code -> (major singular, major plural, minor singular, minor plural)
_ENGLISH_CURRENCY_NAMES: dict[str, tuple[str, str, str, str]] = {
    "USD": ("US dollar", "US dollars", "cent", "cents"),
    "THB": ("baht", "baht", "satang", "satang"),
    # Riel are written in whole riel (minor_units("KHR") == 0); "sen" only for completeness.
    "KHR": ("riel", "riels", "sen", "sen"),
}


def _english_below_thousand(number: int) -> str:
    hundreds, rest = divmod(number, 100)
    words = [f"{_ENGLISH_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_ENGLISH_TENS[tens] + (f"-{_ENGLISH_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_ENGLISH_ONES[rest])
    return " ".join(words)


def _english_integer(number: int) -> str:
    """American English words, no "and" inside a number: 1250 -> "one thousand two hundred fifty"."""
    if number == 0:
        return "zero"
    if number >= 1000 ** len(_ENGLISH_SCALES):
        raise ValueError(f"{number} is too large to write in words")
    words = []
    for scale in range(len(_ENGLISH_SCALES) - 1, -1, -1):
        group = number // 1000**scale % 1000
        if group:
            words.append(_english_below_thousand(group) + (f" {_ENGLISH_SCALES[scale]}" if scale else ""))
    return " ".join(words)


def english_amount_text(amount: Amount, currency: str) -> str:
    """The amount in English words with its currency, rounded half up to the currency's minor unit.

    ``english_amount_text(Decimal("1250.75"), "USD")`` ->
    "One thousand two hundred fifty US dollars and seventy-five cents"; ``("40000", "KHR")`` ->
    "Forty thousand riels"; ``("0.50", "USD")`` -> "Fifty cents". A currency without a name in the
    table is written by its code, with the fraction as a cheque writes it:
    ``("125.50", "EUR")`` -> "One hundred twenty-five EUR and 50/100".
    """
    code = _currency_code(currency)
    places = minor_units(code)
    negative, major, minor = _split(amount, places)
    names = _ENGLISH_CURRENCY_NAMES.get(code)
    if names is None:
        text = f"{_english_integer(major)} {code}"
        if minor:
            text += f" and {minor:0{places}d}/{10**places}"
    else:
        major_name = names[0] if major == 1 else names[1]
        minor_name = names[2] if minor == 1 else names[3]
        if major == 0 and minor:
            text = f"{_english_integer(minor)} {minor_name}"
        else:
            text = f"{_english_integer(major)} {major_name}"
            if minor:
                text += f" and {_english_integer(minor)} {minor_name}"
    if negative:
        text = f"minus {text}"
    return text[0].upper() + text[1:]


# -------------------------------------------------------------------------------------------- Khmer
_KHMER_DIGITS = ("សូន្យ", "មួយ", "ពីរ", "បី", "បួន", "ប្រាំ", "ប្រាំមួយ", "ប្រាំពីរ", "ប្រាំបី", "ប្រាំបួន")
_KHMER_TENS = ("", "ដប់", "ម្ភៃ", "សាមសិប", "សែសិប", "ហាសិប", "ហុកសិប", "ចិតសិប", "ប៉ែតសិប", "កៅសិប")
# Places from the hundreds up inside one group of six digits: រយ, ពាន់, ម៉ឺន (10^4), សែន (10^5).
_KHMER_PLACES = {2: "រយ", 3: "ពាន់", 4: "ម៉ឺន", 5: "សែន"}
_KHMER_MILLION = "លាន"
# code -> (major unit, minor unit); Khmer does not inflect for number.
_KHMER_CURRENCY_NAMES: dict[str, tuple[str, str]] = {"KHR": ("រៀល", "សេន"), "USD": ("ដុល្លារ", "សេន")}


def _khmer_below_million(number: int) -> str:
    words = [
        _KHMER_DIGITS[number // 10**place % 10] + name
        for place, name in sorted(_KHMER_PLACES.items(), reverse=True)
        if number // 10**place % 10
    ]
    tens, ones = divmod(number % 100, 10)
    words.append(_KHMER_TENS[tens])
    if ones:
        words.append(_KHMER_DIGITS[ones])
    return "".join(words)


def _khmer_integer(number: int) -> str:
    """Khmer words for an integer, millions nesting as in Thai: 10^9 មួយពាន់លាន, 10^12 មួយលានលាន."""
    if number == 0:
        return _KHMER_DIGITS[0]
    if number < 1_000_000:
        return _khmer_below_million(number)
    millions, rest = divmod(number, 1_000_000)
    return _khmer_integer(millions) + _KHMER_MILLION + (_khmer_below_million(rest) if rest else "")


def khmer_amount_text(amount: Amount, currency: str) -> str:
    """The amount in Khmer words with its currency (រៀល, ដុល្លារ and សេន), rounded like the others.

    ``khmer_amount_text(Decimal("1250.75"), "USD")`` -> "មួយពាន់ពីររយហាសិបដុល្លារ ចិតសិបប្រាំសេន";
    ``("40000", "KHR")`` -> "បួនម៉ឺនរៀល"; negative amounts start with "ដក".

    Checked: the number words below a million (digits, ម្ភៃ and the tens, រយ, ពាន់, ម៉ឺន, សែន) agree with
    two independent published converters. Choices a Khmer reader should confirm before Cambodian
    documents rely on them: millions nest as in Thai (10^10 is "មួយម៉ឺនលាន"; some write
    "ដប់ពាន់លាន"), the unit follows the number without a space, and a space (no "និង") separates
    dollars from cents. Other currencies are written by their code, the fraction as "50/100".
    """
    code = _currency_code(currency)
    places = minor_units(code)
    negative, major, minor = _split(amount, places)
    names = _KHMER_CURRENCY_NAMES.get(code)
    if names is None:
        text = f"{_khmer_integer(major)} {code}"
        if minor:
            text += f" {minor:0{places}d}/{10**places}"
    elif major == 0 and minor:
        text = _khmer_integer(minor) + names[1]
    else:
        text = _khmer_integer(major) + names[0]
        if minor:
            text += " " + _khmer_integer(minor) + names[1]
    return f"ដក{text}" if negative else text
