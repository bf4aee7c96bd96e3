"""Checking and normalising what people type about a party: tax IDs, countries, emails, phones, names.

Each ``clean_*`` function returns the value in its stored form or raises ``ValidationFailed`` naming the
field, with a message the user can act on. Forms, the API, the import and the services all call these,
so a value is judged the same way wherever it comes from.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from babel import Locale
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.th import tin as thai_tin

from concord.core.errors import ValidationFailed

__all__ = [
    "CALLING_CODES",
    "clean_branch_code",
    "clean_country",
    "clean_email",
    "clean_phone",
    "clean_tax_id",
    "country_choices",
    "is_valid_country",
    "name_key",
]

# Babel lists regions that are not countries (world, EU, "unknown"); a party's country is a country.
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})
_ALPHA2 = re.compile(r"^[A-Z]{2}$")


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str) and _ALPHA2.match(code) and code not in _NOT_COUNTRIES
    )


def is_valid_country(code: object) -> bool:
    """True for an upper-case ISO 3166-1 alpha-2 code that CLDR knows as a country (``"TH"``, ``"KH"``)."""
    return isinstance(code, str) and code in _territories()


def clean_country(value: str, *, field: str = "country") -> str:
    code = (value or "").strip().upper()
    if not is_valid_country(code):
        raise ValidationFailed(
            _("“%(value)s” is not a known country: use a two-letter ISO 3166 code such as TH or KH.")
            % {"value": value},
            field=field,
        )
    return code


def country_choices(language: str = "en") -> list[tuple[str, str]]:
    """``(code, name)`` pairs for a country picker, sorted by name in ``language``."""
    try:
        names = Locale.parse(language.replace("-", "_")).territories
    except (ValueError, TypeError):
        names = Locale("en").territories
    return sorted(((code, names.get(code, code)) for code in _territories()), key=lambda pair: pair[1])


# --------------------------------------------------------------------------- tax IDs
_CAMBODIAN_ENTERPRISE_TIN = re.compile(r"^([A-Z])(\d{3})-?(\d{9,10})$")
_CAMBODIAN_LEGACY_TIN = re.compile(r"^\d{9}$")


def clean_cambodian_tin(value: str) -> str:
    """A Cambodian TIN in the General Department of Taxation's format, or ``ValidationFailed``.

    python-stdnum has no Cambodian module, and GDT publishes no check-digit algorithm, so this is a
    format check. Since the 2016 re-registration an enterprise TIN is one letter for the taxpayer
    category (``L`` large, ``K`` medium, ``E`` small, others for special regimes), three digits (the
    branch/office, ``001`` for the first), a hyphen and nine digits (ten for small taxpayers):
    ``K001-901234567``. Older documents still carry the earlier nine-digit number (``100123456``).
    Spaces and hyphens are ignored on input; the stored form is ``L001-123456789``. A body of only
    zeros is refused as an obvious placeholder.
    """
    compact = re.sub(r"[\s\-]", "", value.upper())
    match = _CAMBODIAN_ENTERPRISE_TIN.match(compact)
    if match and set(match.group(3)) != {"0"}:
        return f"{match.group(1)}{match.group(2)}-{match.group(3)}"
    if _CAMBODIAN_LEGACY_TIN.match(compact) and set(compact) != {"0"}:
        return compact
    raise ValidationFailed(
        _(
            "“%(value)s” is not a Cambodian tax ID: it is a letter, three digits, a hyphen and nine "
            "digits, such as K001-901234567."
        )
        % {"value": value},
        field="tax_id",
    )


def clean_thai_tin(value: str) -> str:
    """A Thai 13-digit tax ID with a valid check digit (python-stdnum's ``th.tin``), digits only."""
    try:
        return str(thai_tin.validate(value))
    except StdnumValidationError:
        raise ValidationFailed(
            _(
                "“%(value)s” is not a valid Thai tax ID: it has 13 digits and the last one is a check "
                "digit (for example 0105561012346)."
            )
            % {"value": value},
            field="tax_id",
        ) from None


def clean_tax_id(value: str, *, country: str) -> str:
    """The tax ID in its stored form: checked for Thailand and Cambodia, stripped text elsewhere."""
    text = (value or "").strip()
    if not text:
        return ""
    if country == "TH":
        return clean_thai_tin(text)
    if country == "KH":
        return clean_cambodian_tin(text)
    if len(text) > 30:
        raise ValidationFailed(_("A tax ID has at most 30 characters."), field="tax_id")
    return text


def clean_branch_code(value: str, *, country: str, has_tax_id: bool) -> str:
    """Thai branch code: five digits, ``00000`` for the head office. Other countries have none."""
    text = (value or "").strip()
    if country != "TH":
        return ""
    if not text:
        return "00000" if has_tax_id else ""
    if not re.fullmatch(r"\d{1,5}", text):
        raise ValidationFailed(
            _("A branch code is five digits: 00000 for the head office, 00001 for the first branch."),
            field="branch_code",
        )
    return text.zfill(5)


# --------------------------------------------------------------------------- contact points
_email_validator = EmailValidator()


def clean_email(value: str, *, field: str = "email") -> str:
    """The address as typed, stripped; ``ValidationFailed`` when it is not an email address."""
    text = (value or "").strip()
    try:
        _email_validator(text)
    except ValidationError:
        raise ValidationFailed(
            _("“%(value)s” is not a valid email address.") % {"value": value}, field=field
        ) from None
    return text


# Country calling codes for local numbers written with a trunk 0 (081 234 5678 in Thailand).
CALLING_CODES: dict[str, str] = {
    "TH": "66",
    "KH": "855",
    "VN": "84",
    "LA": "856",
    "MM": "95",
    "MY": "60",
    "SG": "65",
    "ID": "62",
    "PH": "63",
    "CN": "86",
    "JP": "81",
    "KR": "82",
    "IN": "91",
    "AU": "61",
    "GB": "44",
    "FR": "33",
    "DE": "49",
    "US": "1",
}


def clean_phone(value: str, *, country: str, field: str = "phone") -> str:
    """The number in E.164 (``+66812345678``).

    ``+`` or ``00`` starts an international number; a leading ``0`` is the trunk prefix of the party's
    country (Thailand and Cambodia both use one) and becomes its calling code; a number that already
    starts with the country's calling code is taken as international.
    """
    text = (value or "").strip()
    digits = re.sub(r"\D", "", text)
    calling = CALLING_CODES.get(country, "")
    if text.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0") and calling:
        number = calling + digits[1:]
    elif calling and digits.startswith(calling) and len(digits) >= len(calling) + 8:
        number = digits
    elif calling:
        number = calling + digits
    else:
        number = digits
    if not re.fullmatch(r"[1-9]\d{7,14}", number) or re.search(r"[^\d\s()+.\-/]", text):
        raise ValidationFailed(
            _("“%(value)s” is not a phone number: write it as 081 234 5678 or +66 81 234 5678.")
            % {"value": value},
            field=field,
        )
    return f"+{number}"


# --------------------------------------------------------------------------- names
# Latin legal forms are removed as whole words ("inc" must not vanish from "Princeton"); Thai and Khmer
# are written without spaces, so their forms are removed wherever they stand.
_LATIN_LEGAL_FORMS = re.compile(
    r"\b(public company limited|company limited|co\W*ltd|limited|ltd|pte|plc|inc|corp|corporation|"
    r"company|co)\b\.?"
)
_SCRIPT_LEGAL_FORMS = tuple(
    unicodedata.normalize("NFKC", form).casefold()
    for form in ("(มหาชน)", "ห้างหุ้นส่วนจำกัด", "หจก.", "บริษัท", "จำกัด", "ក្រុមហ៊ុន", "ឯ.ក")
)


def name_key(name: str) -> str:
    """The name reduced for comparison: NFKC, case-folded, without legal forms, spaces or punctuation.

    "Siam Kitchenware Co., Ltd." and "SIAM KITCHENWARE" give the same key, as do "บริษัท สยาม จำกัด"
    and "สยาม". Thai and Khmer vowels and marks are kept (they are letters, category M).
    """
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _LATIN_LEGAL_FORMS.sub(" ", text)
    for form in _SCRIPT_LEGAL_FORMS:
        text = text.replace(form, " ")
    return "".join(char for char in text if unicodedata.category(char)[0] in {"L", "M", "N"})
