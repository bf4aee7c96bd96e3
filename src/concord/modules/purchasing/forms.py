"""Forms of purchasing's screens: orders with their lines, price list entries, sending, settings, filters.

Vendors, products and units are picked through purchasing's own foreign keys, so no form imports another
module. Forms check the shape of the input; the services decide and their ``DomainError`` is shown on
the form.
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
from concord.modules.purchasing.models import OrderState, PurchaseOrder, PurchaseOrderLine, VendorPrice

__all__ = [
    "OrderFilter",
    "OrderForm",
    "OrderLineFormSet",
    "SendForm",
    "SettingsForm",
    "VendorPriceFilter",
    "VendorPriceForm",
    "vendors_of",
]

_DATE = forms.DateInput(attrs={"type": "date"})


def _model(model: Any, field: str) -> Any:
    return model._meta.get_field(field).remote_field.model


def vendors_of(company: Company) -> QuerySet[Any]:
    vendors: QuerySet[Any] = (
        _model(PurchaseOrder, "vendor")
        .objects.filter(company=company, is_active=True, is_supplier=True)
        .order_by("name")
    )
    return vendors


def _products(company: Company) -> QuerySet[Any]:
    products: QuerySet[Any] = (
        _model(PurchaseOrderLine, "product").objects.filter(company=company, is_active=True).order_by("name")
    )
    return products


def _units(company: Company) -> QuerySet[Any]:
    units: QuerySet[Any] = (
        _model(PurchaseOrderLine, "uom")
        .objects.filter(Q(company=None) | Q(company=company), is_active=True)
        .order_by("category_id", "ratio")
    )
    return units


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class OrderForm(DomainErrorsMixin, forms.Form):
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=PurchaseOrder.objects.none())
    order_date = forms.DateField(label=_("Order date"), widget=_DATE)
    currency = forms.ChoiceField(label=_("Currency"))
    vendor_ref = forms.CharField(label=_("Vendor reference"), max_length=100, required=False)
    notes = forms.CharField(
        label=_("Terms and notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "vendor").queryset = vendors_of(company)
        cast(forms.ChoiceField, self.fields["currency"]).choices = currency_choices()
        self.fields["currency"].initial = company.currency
        bootstrap_fields(self)


class OrderLineForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=PurchaseOrder.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False, help_text=_("Empty: the product's name.")
    )
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=20, decimal_places=6, initial=Decimal(1))
    uom = forms.ModelChoiceField(
        label=_("Unit"), queryset=PurchaseOrder.objects.none(), required=False, empty_label=_("Purchase unit")
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=20,
        decimal_places=6,
        required=False,
        help_text=_("Empty: the vendor's price list, else the product's purchase price."),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount %"), max_digits=7, decimal_places=4, initial=Decimal(0), required=False
    )
    planned_date = forms.DateField(label=_("Expected on"), required=False, widget=_DATE)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "product").queryset = _products(company)
        _choice(self, "uom").queryset = _units(company)
        bootstrap_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("product") is None and not cleaned.get("DELETE") and self.has_changed():
            self.add_error("product", _("Choose a product."))
        return cleaned


class OrderLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # Django's formset base is not generic in the stubs
    """The lines of an order form: one empty row to fill (htmx adds more), each removable."""

    form = OrderLineForm
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

    def filled(self) -> list[dict[str, Any]]:
        """The lines the user filled in and did not delete."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("product")
        ]


class VendorPriceForm(DomainErrorsMixin, forms.Form):
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=PurchaseOrder.objects.none())
    product = forms.ModelChoiceField(label=_("Product"), queryset=PurchaseOrder.objects.none())
    vendor_product_code = forms.CharField(label=_("Vendor product code"), max_length=60, required=False)
    vendor_product_name = forms.CharField(label=_("Vendor product name"), max_length=200, required=False)
    min_quantity = forms.DecimalField(
        label=_("Minimum quantity"), max_digits=20, decimal_places=6, initial=Decimal(0), min_value=Decimal(0)
    )
    price = forms.DecimalField(label=_("Price per product unit"), max_digits=20, decimal_places=6)
    currency = forms.ChoiceField(label=_("Currency"))
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, initial=0)
    date_start = forms.DateField(label=_("Valid from"), required=False, widget=_DATE)
    date_end = forms.DateField(label=_("Valid until"), required=False, widget=_DATE)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "vendor").queryset = vendors_of(company)
        _choice(self, "product").queryset = _products(company)
        cast(forms.ChoiceField, self.fields["currency"]).choices = currency_choices()
        self.fields["currency"].initial = company.currency
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


class SettingsForm(DomainErrorsMixin, forms.Form):
    approval_amount = forms.DecimalField(
        label=_("Approval amount"),
        max_digits=20,
        decimal_places=2,
        required=False,
        min_value=Decimal(0),
        help_text=_("Orders whose untaxed total in company currency is above it need a manager's approval."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class OrderFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the order list."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=OrderState.choices, empty_label=_("Any status")
    )
    vendor = django_filters.ModelChoiceFilter(
        label=_("Vendor"), queryset=_model(PurchaseOrder, "vendor").objects.filter(is_supplier=True)
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="order_date", lookup_expr="gte", widget=_DATE
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="order_date", lookup_expr="lte", widget=_DATE
    )

    class Meta:
        model = PurchaseOrder
        fields: list[str] = []

    def filter_text(
        self, queryset: QuerySet[PurchaseOrder], name: str, value: str
    ) -> QuerySet[PurchaseOrder]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(number__icontains=text) | Q(vendor__name__icontains=text) | Q(vendor_ref__icontains=text)
        )


class VendorPriceFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the vendor price list screen."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")

    class Meta:
        model = VendorPrice
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[VendorPrice], name: str, value: str) -> QuerySet[VendorPrice]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(vendor__name__icontains=text)
            | Q(product__name__icontains=text)
            | Q(vendor_product_code__icontains=text)
        )
