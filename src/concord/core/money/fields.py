"""How modules store money: a ``DecimalField`` for the amount beside a ``CurrencyField`` for its currency.

There is no composite "money field": a model that holds an amount declares two plain columns, so the
database can sum, compare and index them and every reporting tool understands them::

    from concord.core.money.fields import AMOUNT_FIELD_KW, CurrencyField

    class Invoice(CompanyOwned):
        currency = CurrencyField()
        total = models.DecimalField(_("total"), **AMOUNT_FIELD_KW)

        @property
        def total_money(self) -> Money:
            return Money(self.total, self.currency)

- ``AMOUNT_FIELD_KW``: 20 digits with 6 decimals, room for 10^14 of any currency and for unit prices
  finer than the minor unit (fuel per litre, FX-converted costs). Stored amounts of documents and
  ledger lines are rounded to the currency's minor unit (``Money.rounded()``) before they are saved.
- ``RATE_FIELD_KW``: 24 digits with 10 decimals, for exchange rates (a riel is 0.0089 baht).
- Several amounts of one row share one currency column; amounts in two currencies (document and
  company currency) get two columns (``currency`` and the company's own, read from the company).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, TypedDict

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from concord.core.money.currencies import is_valid_currency

__all__ = ["AMOUNT_FIELD_KW", "RATE_FIELD_KW", "CurrencyField", "DecimalFieldSize", "validate_currency"]


class DecimalFieldSize(TypedDict):
    """The size arguments of a ``DecimalField``, typed so ``**AMOUNT_FIELD_KW`` type-checks."""

    max_digits: int
    decimal_places: int


AMOUNT_FIELD_KW: Final[DecimalFieldSize] = {"max_digits": 20, "decimal_places": 6}
RATE_FIELD_KW: Final[DecimalFieldSize] = {"max_digits": 24, "decimal_places": 10}


@deconstructible
class CurrencyValidator:
    """Accepts upper-case ISO 4217 codes known to CLDR ("THB", "KHR", "USD")."""

    message = _("%(value)s is not an ISO 4217 currency code (for example THB, KHR or USD).")
    code = "invalid_currency"

    def __call__(self, value: Any) -> None:
        if not is_valid_currency(value):
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CurrencyValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_currency = CurrencyValidator()


if TYPE_CHECKING:  # the stubs make fields generic; at run time Django's classes are not subscriptable
    _CharField = models.CharField[str, str]
else:
    _CharField = models.CharField


class CurrencyField(_CharField):
    """A three-letter ISO 4217 currency code column, validated against CLDR's list."""

    default_validators = [validate_currency]
    description = _("ISO 4217 currency code")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 3)
        if not args:  # the verbose name may also come positionally, as for every Django field
            kwargs.setdefault("verbose_name", _("currency"))
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 3:
            del kwargs["max_length"]
        return name, path, args, kwargs
