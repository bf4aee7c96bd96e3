"""The exchange-rate form: it checks the shape of the input; the service checks the business rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from concord.core.money.currencies import currencies_in_use, currency_name

# The currencies Thai and Cambodian companies deal in most, offered first.
EVERYDAY_CURRENCIES = ("USD", "THB", "KHR", "EUR", "CNY", "JPY", "SGD", "VND", "LAK", "MYR", "MMK", "HKD")


def currency_choices(*, exclude: str = "") -> list[tuple[Any, Any]]:
    """Currency options named in the active language (everyday ones first, in a group), without ``exclude``."""
    language = translation.get_language() or "en"

    def option(code: str) -> tuple[str, str]:
        return code, f"{code} · {currency_name(code, language)}"

    everyday = [option(code) for code in EVERYDAY_CURRENCIES if code != exclude]
    others = [
        option(code) for code in currencies_in_use() if code != exclude and code not in EVERYDAY_CURRENCIES
    ]
    return [(_("Common"), everyday), (_("All currencies"), others)]


class ExchangeRateForm(forms.Form):
    """Record how many units of the company currency one unit of a foreign currency is worth on a day."""

    currency = forms.ChoiceField(label=_("Foreign currency"), choices=())
    rate_date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=24,
        decimal_places=10,
        help_text=_("Units of the company currency for 1 unit of the foreign currency."),
    )

    def __init__(self, *args: Any, company_currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["currency"])
        field.choices = [("", _("Choose a currency")), *currency_choices(exclude=company_currency)]
        self.fields["rate"].help_text = _(
            "Units of %(company_currency)s for 1 unit of the foreign currency."
        ) % {"company_currency": company_currency}
        for bound in self.fields.values():
            css = "form-select" if isinstance(bound.widget, forms.Select) else "form-control"
            bound.widget.attrs.setdefault("class", css)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        # Bootstrap shows the message only beside a control marked invalid; screen readers need aria.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
