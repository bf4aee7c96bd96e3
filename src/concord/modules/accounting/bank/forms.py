"""Forms of the bank screens: the statement upload, the CSV column mapping, and reconciling a line."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import Company
from concord.core.web.forms import DomainErrorsMixin, bootstrap_fields
from concord.modules.accounting.bank.csv_layout import CsvLayout, mapping_from
from concord.modules.accounting.bank_formats import CsvMapping
from concord.modules.accounting.models import (
    Account,
    BankStatementLine,
    Invoice,
    InvoiceState,
    Journal,
    JournalKind,
    Payment,
    PaymentState,
    Tax,
    TaxKind,
)

__all__ = [
    "CsvMappingForm",
    "ManualReconcileForm",
    "ReconcileForm",
    "StatementUploadForm",
    "bank_journals",
    "counter_accounts",
    "withholding_taxes",
]

ACCEPTED = ".csv,.txt,.ofx,.qfx,.xml"

DATE_FORMATS = (
    ("%d/%m/%Y", _("31/12/2026 (day/month/year)")),
    ("%d/%m/%y", _("31/12/26 (day/month/two-digit year)")),
    ("%d.%m.%Y", _("31.12.2026")),
    ("%d-%m-%Y", _("31-12-2026")),
    ("%Y-%m-%d", _("2026-12-31 (ISO)")),
    ("%Y/%m/%d", _("2026/12/31")),
    ("%m/%d/%Y", _("12/31/2026 (month/day/year)")),
    ("%Y%m%d", _("20261231")),
)
DECIMAL_SEPARATORS = (
    (".", _("Point: 1,234.56")),
    (",", _("Comma: 1.234,56")),
)
THOUSANDS_SEPARATORS = (
    (",", _("Comma")),
    (".", _("Point")),
    (" ", _("Space")),
    ("'", _("Apostrophe")),
    ("", _("None")),
)
DELIMITERS = (
    (",", _("Comma")),
    (";", _("Semicolon")),
    ("\t", _("Tab")),
    ("|", _("Vertical bar")),
)


def bank_journals(company: Company) -> QuerySet[Journal]:
    return Journal.all_companies.filter(company=company, kind=JournalKind.BANK, is_active=True).order_by(
        "code"
    )


def counter_accounts(company: Company) -> QuerySet[Account]:
    """Accounts a line can be booked against: postable (no headings, none archived)."""
    return Account.all_companies.filter(company=company, is_group=False, is_active=True).order_by("code")


def withholding_taxes(company: Company) -> QuerySet[Tax]:
    return Tax.all_companies.filter(company=company, kind=TaxKind.WHT, is_active=True).order_by("code")


class JournalChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # the stubs' generic is optional here
    def label_from_instance(self, obj: Any) -> str:
        number = f" · {obj.bank_account_number}" if obj.bank_account_number else ""
        return f"{obj.code} {obj.name}{number}"


class StatementUploadForm(DomainErrorsMixin, forms.Form):
    """Step one: the bank journal and the file (CSV, OFX or camt.053 XML)."""

    step = forms.CharField(widget=forms.HiddenInput, initial="upload")
    journal = JournalChoiceField(label=_("Bank journal"), queryset=Journal.all_companies.none())
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("A CSV export of the bank, an OFX/QFX file or an ISO 20022 camt.053 XML file."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        journals = bank_journals(company)
        self.fields["journal"].queryset = journals  # type: ignore[attr-defined]  # a ModelChoiceField
        if "journal" not in self.initial and len(journals) == 1:
            self.initial["journal"] = journals[0].pk
        bootstrap_fields(self)


def _column_choices(columns: Sequence[str], *, optional: bool) -> list[tuple[str, str]]:
    empty = [("", str(_("(none)")))] if optional else [("", str(_("Choose a column")))]
    return empty + [(column, column) for column in columns]


class CsvMappingForm(DomainErrorsMixin, forms.Form):
    """Step two for a CSV file: which column holds what, and how dates and amounts are written.

    The file travels in a hidden field, so nothing is kept on the server between the two steps.
    """

    step = forms.CharField(widget=forms.HiddenInput, initial="mapping")
    journal = forms.ModelChoiceField(queryset=Journal.all_companies.none(), widget=forms.HiddenInput)
    file_name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    content = forms.CharField(widget=forms.HiddenInput, strip=False)
    date_column = forms.ChoiceField(label=_("Date column"))
    amount_column = forms.ChoiceField(
        label=_("Amount column"),
        required=False,
        help_text=_("One signed column (money out negative), or leave it empty and choose the two below."),
    )
    debit_column = forms.ChoiceField(label=_("Money out column"), required=False)
    credit_column = forms.ChoiceField(label=_("Money in column"), required=False)
    reference_column = forms.ChoiceField(label=_("Reference column"), required=False)
    description_column = forms.ChoiceField(label=_("Description column"), required=False)
    counterparty_column = forms.ChoiceField(label=_("Payer or payee column"), required=False)
    date_format = forms.ChoiceField(label=_("Date format"), choices=DATE_FORMATS)
    decimal_separator = forms.ChoiceField(label=_("Decimal separator"), choices=DECIMAL_SEPARATORS)
    thousands_separator = forms.ChoiceField(
        label=_("Thousands separator"), choices=THOUSANDS_SEPARATORS, required=False
    )
    delimiter = forms.ChoiceField(label=_("Column separator"), choices=DELIMITERS)

    def __init__(self, *args: Any, company: Company, layout: CsvLayout | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journal"].queryset = bank_journals(company)  # type: ignore[attr-defined]  # a ModelChoiceField
        columns = layout.columns if layout is not None else ()
        self.fields["date_column"].choices = _column_choices(columns, optional=False)  # type: ignore[attr-defined]  # a ChoiceField
        for name in (
            "amount_column",
            "debit_column",
            "credit_column",
            "reference_column",
            "description_column",
            "counterparty_column",
        ):
            self.fields[name].choices = _column_choices(columns, optional=True)  # type: ignore[attr-defined]  # a ChoiceField
        bootstrap_fields(self)

    @staticmethod
    def encode(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    @staticmethod
    def decode(content: str) -> bytes | None:
        """The file's bytes from the hidden field; None when the field was tampered with."""
        try:
            return base64.b64decode(content.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        amount = cleaned.get("amount_column")
        debit, credit = cleaned.get("debit_column"), cleaned.get("credit_column")
        if amount and (debit or credit):
            self.add_error("amount_column", _("Choose an amount column or money in/out columns, not both."))
        elif not amount and not (debit and credit):
            self.add_error(
                "amount_column", _("Choose the amount column, or both the money out and money in columns.")
            )
        return cleaned

    def mapping(self) -> CsvMapping:
        return mapping_from(
            {name: str(value) for name, value in self.cleaned_data.items() if isinstance(value, str)}
        )


class ReconcileForm(DomainErrorsMixin, forms.Form):
    """What a statement line is reconciled with (posted by a suggestion's button or the manual form)."""

    payment = forms.ModelChoiceField(queryset=Payment.all_companies.none(), required=False)
    invoices = forms.ModelMultipleChoiceField(queryset=Invoice.all_companies.none(), required=False)
    counter_account = forms.ModelChoiceField(queryset=Account.all_companies.none(), required=False)
    wht_tax = forms.ModelChoiceField(queryset=Tax.all_companies.none(), required=False)
    allow_overpayment = forms.BooleanField(required=False)

    def __init__(self, *args: Any, line: BankStatementLine, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        company = line.company
        fields: dict[str, Any] = self.fields
        fields["payment"].queryset = Payment.all_companies.filter(
            company=company, journal_id=line.journal_id, state=PaymentState.POSTED
        )
        fields["invoices"].queryset = Invoice.all_companies.filter(
            company=company, state__in=(InvoiceState.POSTED, InvoiceState.PARTIAL)
        )
        fields["counter_account"].queryset = counter_accounts(company)
        fields["wht_tax"].queryset = withholding_taxes(company)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = sum(
            (
                bool(cleaned.get("payment")),
                bool(cleaned.get("invoices")),
                bool(cleaned.get("counter_account")),
            )
        )
        if chosen != 1 and not self.errors:
            raise forms.ValidationError(_("Choose invoices or an account (one of them)."))
        return cleaned


class ManualReconcileForm(forms.Form):
    """The manual form of one open line, built from choices computed once per page (no query per line)."""

    invoices = forms.MultipleChoiceField(
        label=_("Invoices of one partner"),
        required=False,
        help_text=_("A payment is registered for the line and matched to them."),
    )
    wht_tax = forms.ChoiceField(label=_("Tax withheld"), required=False)
    allow_overpayment = forms.BooleanField(
        label=_("Keep any difference as the partner's credit"), required=False
    )
    counter_account = forms.ChoiceField(
        label=_("Or book against an account"),
        required=False,
        help_text=_("Bank fees, interest, transfers: an entry bank against this account."),
    )

    def __init__(
        self,
        *args: Any,
        line: BankStatementLine,
        invoice_choices: list[Any],
        account_choices: list[tuple[str, str]],
        tax_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", f"line-{line.pk}-%s")
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["invoices"].choices = invoice_choices
        fields["invoices"].widget.attrs["size"] = min(8, max(3, len(invoice_choices)))
        fields["counter_account"].choices = [("", _("(none)")), *account_choices]
        fields["wht_tax"].choices = [("", _("(none)")), *tax_choices]
        bootstrap_fields(self)
