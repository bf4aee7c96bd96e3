"""Forms of the ledger screens: set-up, invoices with their lines, payments, manual entries, filters.

Partners and products are picked through accounting's own foreign keys (``Invoice.partner`` points at
``parties.Party``), so no form imports another module. Forms check the shape of the input; the
services decide and their ``DomainError`` is shown on the form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import Company
from concord.core.money.forms import currency_choices
from concord.core.web.forms import DomainErrorsMixin, bootstrap_fields
from concord.modules.accounting.charts import chart_template_keys, chart_template_load
from concord.modules.accounting.models import (
    Account,
    AccountType,
    EntryState,
    Invoice,
    InvoiceLine,
    InvoiceState,
    Journal,
    JournalEntry,
    JournalKind,
    Payment,
    PaymentTerm,
    Tax,
    TaxKind,
    TaxScope,
)
from concord.modules.accounting.taxes_default import default_tax_ids

__all__ = [
    "AccountFilter",
    "EntryFilter",
    "EntryForm",
    "EntryLineFormSet",
    "InvoiceFilter",
    "InvoiceForm",
    "InvoiceLineFormSet",
    "LockDateForm",
    "PaymentFilter",
    "PaymentForm",
    "SetupForm",
]

_DATE = forms.DateInput(attrs={"type": "date"})


def _partners(company: Company, *, customers: bool) -> QuerySet[Any]:
    party_model: Any = Invoice._meta.get_field("partner").remote_field.model
    flag = {"is_customer": True} if customers else {"is_supplier": True}
    partners: QuerySet[Any] = party_model.objects.filter(company=company, is_active=True, **flag).order_by(
        "name"
    )
    return partners


def _products(company: Company) -> QuerySet[Any]:
    product_model: Any = InvoiceLine._meta.get_field("product").remote_field.model
    products: QuerySet[Any] = product_model.objects.filter(company=company, is_active=True).order_by("name")
    return products


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class SetupForm(DomainErrorsMixin, forms.Form):
    template = forms.ChoiceField(label=_("Chart of accounts"))
    fiscal_year = forms.IntegerField(label=_("First fiscal year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = language if language in ("th", "km") else "en"
        cast(forms.ChoiceField, self.fields["template"]).choices = [
            (key, chart_template_load(key).names[lang]) for key in chart_template_keys()
        ]
        bootstrap_fields(self)


class LockDateForm(DomainErrorsMixin, forms.Form):
    lock_date = forms.DateField(
        label=_("Lock date"),
        required=False,
        widget=_DATE,
        help_text=_("Nothing posts on or before this date."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class InvoiceForm(DomainErrorsMixin, forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Account.objects.none())
    date = forms.DateField(label=_("Date"), widget=_DATE)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=_DATE, help_text=_("Empty: from the payment term.")
    )
    payment_term = forms.ModelChoiceField(
        label=_("Payment term"), queryset=PaymentTerm.objects.none(), required=False
    )
    currency = forms.ChoiceField(label=_("Currency"))
    ref = forms.CharField(label=_("Reference"), max_length=100, required=False)
    narration = forms.CharField(
        label=_("Terms and notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, company: Company, customer_side: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "partner").queryset = _partners(company, customers=customer_side)
        _choice(self, "payment_term").queryset = PaymentTerm.objects.filter(company=company)
        cast(forms.ChoiceField, self.fields["currency"]).choices = currency_choices()
        self.fields["currency"].initial = company.currency
        bootstrap_fields(self)


class InvoiceLineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Account.objects.none(), required=False)
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False, help_text=_("Empty: the product's name.")
    )
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=20, decimal_places=6, initial=Decimal(1))
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=20,
        decimal_places=6,
        required=False,
        help_text=_("Empty: the product's price."),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount %"), max_digits=7, decimal_places=4, initial=Decimal(0), required=False
    )
    taxes = forms.ModelMultipleChoiceField(label=_("Taxes"), queryset=Tax.objects.none(), required=False)

    def __init__(self, *args: Any, company: Company, customer_side: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer_side = customer_side
        _choice(self, "product").queryset = _products(company)
        scope = TaxScope.SALE if customer_side else TaxScope.PURCHASE
        _choice(self, "taxes").queryset = Tax.objects.filter(
            company=company, is_active=True, scope__in=[scope, TaxScope.BOTH]
        ).exclude(kind=TaxKind.WHT)
        self.fields["taxes"].initial = default_tax_ids(
            company_id=company.pk, product_id=None, customer_side=customer_side
        )
        self.fields["taxes"].widget.attrs["size"] = 2
        bootstrap_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        product = cleaned.get("product")
        if product is not None:
            if not cleaned.get("description"):
                cleaned["description"] = product.name
            if cleaned.get("unit_price") is None:
                cleaned["unit_price"] = product.sale_price if self.customer_side else product.purchase_price
        if not cleaned.get("description"):
            self.add_error("description", _("Give a description or choose a product."))
        if cleaned.get("unit_price") is None:
            self.add_error("unit_price", _("Give a unit price or choose a product."))
        return cleaned


class _LineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # Django's formset base is not generic in the stubs
    """What ``formset_factory`` would set, spelled out so each formset is a typed class."""

    extra = 1
    can_order = False
    can_delete = True
    can_delete_extra = True
    min_num = 0
    max_num = 1000
    absolute_max = 2000
    validate_min = True
    validate_max = True
    renderer = None

    def __init__(self, *args: Any, company: Company, customer_side: bool = True, **kwargs: Any) -> None:
        self.company = company
        self.customer_side = customer_side
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs.update(company=self.company, customer_side=self.customer_side)
        return kwargs

    def filled(self) -> list[dict[str, Any]]:
        """The lines the user filled in and did not delete."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class InvoiceLineFormSet(_LineFormSet):
    """The lines of an invoice form: three empty rows to fill, each removable."""

    form = InvoiceLineForm
    extra = 3


class PaymentForm(DomainErrorsMixin, forms.Form):
    journal = forms.ModelChoiceField(label=_("Paid through"), queryset=Journal.objects.none())
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=20, decimal_places=6, min_value=Decimal("0.000001")
    )
    date = forms.DateField(label=_("Date"), widget=_DATE)
    wht_tax = forms.ModelChoiceField(
        label=_("Withholding tax"), queryset=Tax.objects.none(), required=False, empty_label=_("None")
    )
    wht_base = forms.DecimalField(
        label=_("Withheld on"),
        max_digits=20,
        decimal_places=6,
        required=False,
        help_text=_("Empty: the untaxed amount of what is paid."),
    )
    allow_overpayment = forms.BooleanField(label=_("Keep any excess as the partner's credit"), required=False)
    memo = forms.CharField(label=_("Memo"), max_length=200, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        journals = Journal.objects.filter(
            company=company, kind__in=[JournalKind.BANK, JournalKind.CASH], is_active=True
        ).order_by("kind", "code")
        _choice(self, "journal").queryset = journals
        self.fields["journal"].initial = journals.values_list("pk", flat=True).first()
        _choice(self, "wht_tax").queryset = Tax.objects.filter(
            company=company, kind=TaxKind.WHT, is_active=True
        )
        bootstrap_fields(self)


class EntryForm(DomainErrorsMixin, forms.Form):
    journal = forms.ModelChoiceField(label=_("Journal"), queryset=Journal.objects.none())
    date = forms.DateField(label=_("Date"), widget=_DATE)
    ref = forms.CharField(label=_("Reference"), max_length=100, required=False)
    narration = forms.CharField(
        label=_("Narration"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "journal").queryset = Journal.objects.filter(company=company, is_active=True)
        bootstrap_fields(self)


class EntryLineForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none())
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Account.objects.none(), required=False)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    debit = forms.DecimalField(label=_("Debit"), max_digits=20, decimal_places=6, required=False, min_value=0)
    credit = forms.DecimalField(
        label=_("Credit"), max_digits=20, decimal_places=6, required=False, min_value=0
    )

    def __init__(self, *args: Any, company: Company, customer_side: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "account").queryset = Account.objects.filter(
            company=company, is_group=False, is_active=True
        )
        party_model: Any = Invoice._meta.get_field("partner").remote_field.model
        _choice(self, "partner").queryset = party_model.objects.filter(
            company=company, is_active=True
        ).order_by("name")
        bootstrap_fields(self)


class EntryLineFormSet(_LineFormSet):
    """The lines of a manual entry: at least two."""

    form = EntryLineForm
    extra = 2
    min_num = 2


# --------------------------------------------------------------------------- list filters
class InvoiceFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the invoice and bill lists."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=InvoiceState.choices, empty_label=_("Any status")
    )
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=_DATE)
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte", widget=_DATE)

    class Meta:
        model = Invoice
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Invoice], name: str, value: str) -> QuerySet[Invoice]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(number__icontains=text) | Q(partner__name__icontains=text) | Q(ref__icontains=text)
        )


class PaymentFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=_DATE)
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte", widget=_DATE)

    class Meta:
        model = Payment
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Payment], name: str, value: str) -> QuerySet[Payment]:
        text = value.strip()
        return (
            queryset.filter(
                Q(number__icontains=text) | Q(partner__name__icontains=text) | Q(memo__icontains=text)
            )
            if text
            else queryset
        )


class EntryFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    journal = django_filters.ModelChoiceFilter(
        label=_("Journal"), queryset=lambda request: Journal.objects.all(), empty_label=_("Any journal")
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=EntryState.choices, empty_label=_("Any status")
    )
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=_DATE)
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte", widget=_DATE)

    class Meta:
        model = JournalEntry
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[JournalEntry], name: str, value: str) -> QuerySet[JournalEntry]:
        text = value.strip()
        return queryset.filter(Q(number__icontains=text) | Q(ref__icontains=text)) if text else queryset


class AccountFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    account_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=AccountType.choices, empty_label=_("Any type")
    )

    class Meta:
        model = Account
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Account], name: str, value: str) -> QuerySet[Account]:
        text = value.strip()
        return (
            queryset.filter(
                Q(code__startswith=text) | Q(name__icontains=text) | Q(local_name__icontains=text)
            )
            if text
            else queryset
        )
