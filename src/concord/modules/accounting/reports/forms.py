"""The filter forms of the report screens: a period or a date, and for some an account or a partner.

A parameter missing from the query string takes its default (the fiscal year so far, today), so a
report opens filled in; a parameter given but wrong (a malformed date, an end before the start) is a
form error shown beside its field, never a server error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import Company
from concord.modules.accounting.models import Account
from concord.modules.accounting.reports.queries import fiscal_year_start, partners_with_ledger

__all__ = ["AsOfForm", "GeneralLedgerForm", "PartnerLedgerForm", "PeriodForm", "ReportForm"]


class _DateInput(forms.DateInput):
    input_type = "date"


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=_DateInput(attrs={"class": "form-control"}, format="%Y-%m-%d"))


class ReportForm(forms.Form):
    """A report's filters, bound to the query string completed with ``defaults``."""

    def __init__(self, data: QueryDict, *, company: Company, today: dt.date) -> None:
        completed = data.copy()
        for name, value in self.defaults(company, today).items():
            if name not in completed:
                completed[name] = value
        super().__init__(completed)
        self.company = company

    def defaults(self, company: Company, today: dt.date) -> dict[str, str]:
        return {}

    def filters(self) -> dict[str, Any]:
        """The cleaned values as the selector's keyword arguments (call after ``is_valid()``)."""
        return dict(self.cleaned_data)

    def is_complete(self) -> bool:
        """Whether the valid filters are enough to run the report (a partner ledger needs a partner)."""
        return True


class PeriodForm(ReportForm):
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def defaults(self, company: Company, today: dt.date) -> dict[str, str]:
        return {"date_from": fiscal_year_start(company, today).isoformat(), "date_to": today.isoformat()}

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start is not None and end is not None and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned


class AsOfForm(ReportForm):
    as_of = _date_field(_("Report date"))

    def defaults(self, company: Company, today: dt.date) -> dict[str, str]:
        return {"as_of": today.isoformat()}


class GeneralLedgerForm(PeriodForm):
    accounts = forms.ModelMultipleChoiceField(
        label=_("Accounts"),
        queryset=Account.all_companies.none(),
        required=False,
        help_text=_("Leave empty for every account."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}),
    )

    def __init__(self, data: QueryDict, *, company: Company, today: dt.date) -> None:
        super().__init__(data, company=company, today=today)
        field = self.fields["accounts"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared just above
        field.queryset = Account.all_companies.filter(company_id=company.pk, is_group=False).order_by("code")

    def filters(self) -> dict[str, Any]:
        cleaned = dict(self.cleaned_data)
        accounts = cleaned.pop("accounts")
        cleaned["account_ids"] = [account.pk for account in accounts] if accounts else None
        return cleaned


class PartnerLedgerForm(PeriodForm):
    partner = forms.TypedChoiceField(
        label=_("Partner"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data: QueryDict, *, company: Company, today: dt.date) -> None:
        super().__init__(data, company=company, today=today)
        field = self.fields["partner"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared just above
        field.choices = [("", _("Choose a partner")), *partners_with_ledger(company)]

    def filters(self) -> dict[str, Any]:
        cleaned = dict(self.cleaned_data)
        cleaned["partner_id"] = cleaned.pop("partner")
        return cleaned

    def is_complete(self) -> bool:
        return self.cleaned_data.get("partner") is not None
