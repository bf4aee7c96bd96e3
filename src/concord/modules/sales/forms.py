"""Forms of sales' screens: quotations with their lines, price lists, sending, confirming, settings.

Customers, products and units are picked through sales' own foreign keys, so no form imports another
module. Forms check the shape of the input; the services decide and their ``DomainError`` is shown on
the form.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import Company
from concord.core.money.forms import currency_choices
from concord.core.web.forms import DomainErrorsMixin, bootstrap_fields
from concord.modules.sales.models import (
    InvoicePolicy,
    InvoiceStatus,
    OrderState,
    Pricelist,
    PricelistItem,
    SaleOrder,
    SaleOrderLine,
)

__all__ = [
    "AcceptForm",
    "CancelForm",
    "ConfirmForm",
    "CustomerPricingForm",
    "OrderFilter",
    "OrderForm",
    "OrderLineFormSet",
    "PricelistFilter",
    "PricelistForm",
    "PricelistItemFormSet",
    "SendForm",
    "SettingsForm",
    "customers_of",
]

_DATE = forms.DateInput(attrs={"type": "date"})


def _model(model: Any, field: str) -> Any:
    return model._meta.get_field(field).remote_field.model


def customers_of(company: Company) -> QuerySet[Any]:
    customers: QuerySet[Any] = (
        _model(SaleOrder, "partner")
        .objects.filter(company=company, is_active=True)
        .order_by("-is_customer", "name")
    )
    return customers


def products_of(company: Company) -> QuerySet[Any]:
    products: QuerySet[Any] = (
        _model(SaleOrderLine, "product").objects.filter(company=company, is_active=True).order_by("name")
    )
    return products


def _units(company: Company) -> QuerySet[Any]:
    units: QuerySet[Any] = (
        _model(SaleOrderLine, "uom")
        .objects.filter(Q(company=None) | Q(company=company), is_active=True)
        .order_by("category_id", "ratio")
    )
    return units


def _pricelists(company: Company) -> QuerySet[Pricelist]:
    return Pricelist.objects.filter(company=company, is_active=True).order_by("name")


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class OrderForm(DomainErrorsMixin, forms.Form):
    partner = forms.ModelChoiceField(label=_("Customer"), queryset=SaleOrder.objects.none())
    quote_date = forms.DateField(label=_("Quotation date"), widget=_DATE)
    validity_date = forms.DateField(
        label=_("Valid until"), required=False, widget=_DATE, help_text=_("Empty: from the sales settings.")
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    pricelist = forms.ModelChoiceField(
        label=_("Price list"),
        queryset=Pricelist.objects.none(),
        required=False,
        empty_label=_("The customer's price list"),
    )
    customer_ref = forms.CharField(label=_("Customer reference"), max_length=100, required=False)
    terms = forms.CharField(
        label=_("Terms and conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty on a new quotation: the default terms."),
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "partner").queryset = customers_of(company)
        _choice(self, "pricelist").queryset = _pricelists(company)
        cast(forms.ChoiceField, self.fields["currency"]).choices = [("", _("Default")), *currency_choices()]
        bootstrap_fields(self)


class OrderLineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=SaleOrder.objects.none(), required=False)
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False, help_text=_("Empty: the product's name.")
    )
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=20, decimal_places=6, initial=Decimal(1))
    uom = forms.ModelChoiceField(
        label=_("Unit"), queryset=SaleOrder.objects.none(), required=False, empty_label=_("Product's unit")
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=20,
        decimal_places=6,
        required=False,
        help_text=_("Empty: the price list, else the product's sale price."),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount %"), max_digits=7, decimal_places=4, initial=Decimal(0), required=False
    )
    is_optional = forms.BooleanField(label=_("Optional"), required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "product").queryset = products_of(company)
        _choice(self, "uom").queryset = _units(company)
        bootstrap_fields(self)
        index = (self.prefix or "lines-0").rsplit("-", 1)[-1]
        # Picking a product asks for its price (the customer's price list) and swaps the price input.
        self.fields["product"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("sales:line-price"),
                "hx-trigger": "change",
                "hx-target": f"#price-{self.prefix}",
                "hx-swap": "outerHTML",
                "hx-include": "closest fieldset, #id_partner, #id_pricelist, #id_currency",
                "hx-vals": json.dumps({"index": index}),
            }
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("product") is None and not cleaned.get("DELETE") and self.has_changed():
            self.add_error("product", _("Choose a product."))
        return cleaned


class _CompanyFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # Django's formset base is not generic in the stubs
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

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        self.company = company
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs.update(company=self.company)
        return kwargs


class OrderLineFormSet(_CompanyFormSet):
    """The lines of a quotation form: one empty row to fill (htmx adds more), each removable."""

    form = OrderLineForm

    def filled(self) -> list[dict[str, Any]]:
        """The lines the user filled in and did not delete."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("product")
        ]


class PricelistForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    currency = forms.ChoiceField(label=_("Currency"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["currency"]).choices = currency_choices()
        self.fields["currency"].initial = company.currency
        bootstrap_fields(self)


class PricelistItemForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=SaleOrder.objects.none(), required=False, empty_label=_("Any product")
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=SaleOrder.objects.none(), required=False, empty_label=_("Any category")
    )
    min_quantity = forms.DecimalField(
        label=_("Minimum quantity"), max_digits=20, decimal_places=6, initial=Decimal(0), required=False
    )
    fixed_price = forms.DecimalField(label=_("Fixed price"), max_digits=20, decimal_places=6, required=False)
    discount_percent = forms.DecimalField(
        label=_("Discount %"), max_digits=7, decimal_places=4, required=False
    )
    date_start = forms.DateField(label=_("Valid from"), required=False, widget=_DATE)
    date_end = forms.DateField(label=_("Valid until"), required=False, widget=_DATE)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "product").queryset = products_of(company)
        _choice(self, "category").queryset = _model(PricelistItem, "category").objects.filter(company=company)
        bootstrap_fields(self)


class PricelistItemFormSet(_CompanyFormSet):
    """The rules of a price list form."""

    form = PricelistItemForm

    def filled(self) -> list[dict[str, Any]]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (
                form.cleaned_data.get("fixed_price") is not None
                or form.cleaned_data.get("discount_percent") is not None
            )
        ]


class CustomerPricingForm(DomainErrorsMixin, forms.Form):
    partner = forms.ModelChoiceField(label=_("Customer"), queryset=SaleOrder.objects.none())
    pricelist = forms.ModelChoiceField(
        label=_("Price list"),
        queryset=Pricelist.objects.none(),
        required=False,
        empty_label=_("Company default"),
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "partner").queryset = customers_of(company)
        _choice(self, "pricelist").queryset = _pricelists(company)
        bootstrap_fields(self)


class SendForm(DomainErrorsMixin, forms.Form):
    to = forms.CharField(label=_("To"), help_text=_("Email addresses, separated by commas."), max_length=2000)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)

    def recipients(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["to"].replace(";", ",").split(",") if part.strip()]


class ConfirmForm(DomainErrorsMixin, forms.Form):
    allow_backorder = forms.BooleanField(
        label=_("Deliver what is in stock now, the rest later"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class CancelForm(DomainErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class AcceptForm(DomainErrorsMixin, forms.Form):
    signed_by = forms.CharField(label=_("Your name"), max_length=120)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class SettingsForm(DomainErrorsMixin, forms.Form):
    default_pricelist = forms.ModelChoiceField(
        label=_("Default price list"),
        queryset=Pricelist.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    quote_validity_days = forms.IntegerField(label=_("Quotation validity (days)"), min_value=0)
    default_terms = forms.CharField(
        label=_("Default terms and conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    auto_post_invoices = forms.BooleanField(label=_("Post invoices made from orders at once"), required=False)
    credit_control = forms.BooleanField(
        label=_("Credit control: orders beyond the credit limit need approval"), required=False
    )
    policy_goods = forms.ChoiceField(label=_("Invoice goods on"), choices=InvoicePolicy.choices)
    policy_services = forms.ChoiceField(label=_("Invoice services on"), choices=InvoicePolicy.choices)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "default_pricelist").queryset = _pricelists(company)
        bootstrap_fields(self)


class OrderFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the quotation and order lists."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=OrderState.choices, empty_label=_("Any status")
    )
    invoice_status = django_filters.ChoiceFilter(
        label=_("Invoicing"), choices=InvoiceStatus.choices, empty_label=_("Any")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="quote_date", lookup_expr="gte", widget=_DATE
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="quote_date", lookup_expr="lte", widget=_DATE
    )

    class Meta:
        model = SaleOrder
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[SaleOrder], name: str, value: str) -> QuerySet[SaleOrder]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(number__icontains=text)
            | Q(order_number__icontains=text)
            | Q(partner__name__icontains=text)
            | Q(customer_ref__icontains=text)
        )


class PricelistFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the price list screen."""

    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Pricelist
        fields: list[str] = []
