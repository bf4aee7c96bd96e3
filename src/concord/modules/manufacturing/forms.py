"""Forms of the manufacturing screens: BOMs with their component rows, orders, production, filters.

Products and units are picked through manufacturing's own foreign keys (``BomLine.product`` points at
``catalog.Product``), so no form imports another module. Forms check the shape of the input; the
services decide, and their ``DomainError`` is shown on the form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import Company
from concord.core.web.forms import DomainErrorsMixin, bootstrap_fields
from concord.modules.manufacturing.models import (
    BillOfMaterials,
    BomKind,
    BomLine,
    ManufacturingOrder,
    OrderState,
)

__all__ = [
    "BomFilter",
    "BomForm",
    "BomLineForm",
    "BomLineFormSet",
    "OrderFilter",
    "OrderForm",
    "ProduceForm",
]

_DATE = forms.DateInput(attrs={"type": "date"})
_QTY: dict[str, Any] = {"max_digits": 18, "decimal_places": 4, "min_value": Decimal("0.0001")}


def products_of(company: Company) -> QuerySet[Any]:
    """The company's active products, through the BOM's own foreign key."""
    model: Any = BomLine._meta.get_field("product").remote_field.model
    products: QuerySet[Any] = model.objects.filter(company=company, is_active=True).order_by("name")
    return products


def units_of(company: Company) -> QuerySet[Any]:
    """Shared units and the company's own."""
    model: Any = BomLine._meta.get_field("uom").remote_field.model
    units: QuerySet[Any] = model.objects.filter(Q(company=None) | Q(company=company)).order_by(
        "category_id", "ratio"
    )
    return units


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class BomForm(DomainErrorsMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=BomLine.objects.none())
    code = forms.CharField(label=_("Reference"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=BomKind.choices)
    quantity = forms.DecimalField(label=_("Quantity produced"), initial=1, **_QTY)
    uom = forms.ModelChoiceField(
        label=_("Unit"), queryset=BomLine.objects.none(), required=False, empty_label=_("The product's unit")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, company: Company, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "product").queryset = products_of(company)
        _choice(self, "uom").queryset = units_of(company)
        if editing:
            self.fields["product"].disabled = True
        bootstrap_fields(self)


class BomLineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Component"), queryset=BomLine.objects.none(), required=False)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, **_QTY)
    uom = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=BomLine.objects.none(),
        required=False,
        empty_label=_("The component's unit"),
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "product").queryset = products_of(company)
        _choice(self, "uom").queryset = units_of(company)
        bootstrap_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("product") is not None and cleaned.get("quantity") is None:
            self.add_error("quantity", _("Give the quantity of this component."))
        if cleaned.get("product") is None and cleaned.get("quantity") is not None:
            self.add_error("product", _("Choose the component."))
        return cleaned


class BomLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # Django's formset base is not generic in the stubs
    """The component rows of a BOM form: empty rows to fill, each removable; htmx adds more."""

    form = BomLineForm
    extra = 3
    can_order = False
    can_delete = True
    can_delete_extra = True
    min_num = 0
    max_num = 500
    absolute_max = 1000
    validate_min = True
    validate_max = True
    renderer = None

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        self.company = company
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs["company"] = self.company
        return kwargs

    def filled(self) -> list[dict[str, Any]]:
        """The rows the user filled in and did not delete."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("product") and not form.cleaned_data.get("DELETE")
        ]


class OrderForm(DomainErrorsMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=BomLine.objects.none())
    quantity = forms.DecimalField(label=_("Quantity to produce"), **_QTY)
    bom = forms.ModelChoiceField(
        label=_("Bill of materials"),
        queryset=BillOfMaterials.objects.none(),
        required=False,
        empty_label=_("The product's active one"),
    )
    planned_date = forms.DateField(label=_("Planned date"), widget=_DATE)
    origin = forms.CharField(label=_("Source document"), max_length=80, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, company: Company, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        made = BillOfMaterials.objects.filter(company=company, is_active=True)
        _choice(self, "product").queryset = products_of(company).filter(pk__in=made.values("product_id"))
        _choice(self, "bom").queryset = made.select_related("product")
        if editing:
            self.fields["product"].disabled = True
            self.fields["origin"].disabled = True
        bootstrap_fields(self)


class ProduceForm(DomainErrorsMixin, forms.Form):
    quantity = forms.DecimalField(label=_("Quantity produced"), **_QTY)
    backorder = forms.BooleanField(
        label=_("Keep the rest as a new order"),
        required=False,
        initial=True,
        help_text=_(
            "When producing less than ordered; otherwise what was reserved for the rest is released."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class BomFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the BOM list."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=BomKind.choices, empty_label=_("Any type"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = BillOfMaterials
        fields: list[str] = []

    def filter_text(
        self, queryset: QuerySet[BillOfMaterials], name: str, value: str
    ) -> QuerySet[BillOfMaterials]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(code__icontains=text) | Q(product__name__icontains=text))


class OrderFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the order list: state, product, planned date."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=OrderState.choices, empty_label=_("Any status")
    )
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=BomLine.objects.none())
    date_from = django_filters.DateFilter(
        label=_("Planned from"), field_name="planned_date", lookup_expr="gte", widget=_DATE
    )
    date_to = django_filters.DateFilter(
        label=_("Planned to"), field_name="planned_date", lookup_expr="lte", widget=_DATE
    )

    class Meta:
        model = ManufacturingOrder
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model: Any = ManufacturingOrder._meta.get_field("product").remote_field.model
        made = BillOfMaterials.objects.values("product_id")
        self.filters["product"].queryset = model.objects.filter(pk__in=made).order_by("name")

    def filter_text(
        self, queryset: QuerySet[ManufacturingOrder], name: str, value: str
    ) -> QuerySet[ManufacturingOrder]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(number__icontains=text) | Q(product__name__icontains=text) | Q(origin__icontains=text)
        )
