"""Forms of the catalog screens and the list filters.

``ProductForm`` runs the model's own checks (barcode, units of one kind, references and barcodes unique
in the company), so the inline validation shows the messages the service would give; the services
re-check and decide.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import Company
from concord.core.money.forms import currency_choices
from concord.core.web.forms import DomainErrorsMixin
from concord.core.web.forms import bootstrap_fields as _bootstrap
from concord.modules.catalog.models import Category, Product, ProductKind, UomCategory
from concord.modules.catalog.queries import categories_for, uoms_for

__all__ = ["CategoryForm", "ProductFilter", "ProductForm", "UomForm"]

# Fields re-checked on the server as the user leaves them (a file input is checked on submit).
INLINE_FIELDS = (
    "kind",
    "name",
    "internal_ref",
    "barcode",
    "category",
    "uom",
    "purchase_uom",
    "sale_price",
    "sale_currency",
    "purchase_price",
    "purchase_currency",
)


class ProductForm(DomainErrorsMixin, forms.ModelForm[Product]):
    """A product: create or edit (archiving has its own button)."""

    class Meta:
        model = Product
        fields = [
            "kind",
            "name",
            "internal_ref",
            "barcode",
            "category",
            "uom",
            "purchase_uom",
            "sale_price",
            "sale_currency",
            "purchase_price",
            "purchase_currency",
            "description",
            "image",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        self.instance.company = company
        self.fields["category"].queryset = categories_for(company)  # type: ignore[attr-defined]  # a ModelChoiceField
        for name in ("uom", "purchase_uom"):
            self.fields[name].queryset = uoms_for(company)  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["purchase_uom"].required = False
        self.fields["purchase_uom"].help_text = _("The unit suppliers sell it in; the unit when empty.")
        for name in ("sale_currency", "purchase_currency"):
            self.fields[name] = forms.ChoiceField(
                label=self.fields[name].label, choices=currency_choices(), initial=company.currency
            )
        if not self.instance.pk:
            self.initial.setdefault("sale_currency", company.currency)
            self.initial.setdefault("purchase_currency", company.currency)
            self.initial.setdefault(
                "uom", uoms_for(company).filter(code="pc", company=None).values_list("pk", flat=True).first()
            )
        _bootstrap(self)
        validate_url = reverse("catalog:validate")
        if self.instance.pk:
            validate_url += f"?product={self.instance.pk}"
        for name in INLINE_FIELDS:
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": validate_url,
                    "hx-trigger": "change",
                    "hx-target": "closest div",
                    "hx-swap": "outerHTML",
                    "hx-include": ".catalog-inline",  # the typed values, never the image file
                    "class": f"{self.fields[name].widget.attrs.get('class', '')} catalog-inline".strip(),
                }
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("purchase_uom") and cleaned.get("uom"):
            cleaned["purchase_uom"] = cleaned["uom"]
            self.instance.purchase_uom = cleaned["uom"]
        return cleaned

    def _get_validation_exclusions(self) -> set[str]:
        # The company is set by the view, not typed; the per-company uniqueness checks need it.
        exclude: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]  # not in django-stubs
        exclude.discard("company")
        return exclude


class CategoryForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = forms.ModelChoiceField(
        label=_("Parent category"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = categories_for(company)  # type: ignore[attr-defined]  # a ModelChoiceField
        _bootstrap(self)


class UomForm(DomainErrorsMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Measures"), queryset=UomCategory.objects.all())
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("e.g. box24"))
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("e.g. Box of 24"))
    ratio = forms.DecimalField(
        label=_("Reference units in one"),
        min_value=0,
        max_digits=20,
        decimal_places=10,
        help_text=_("24 for a box of 24 pieces; 0.5 for half a kilogram."),
    )
    rounding = forms.DecimalField(
        label=_("Rounding precision"), min_value=0, max_digits=20, decimal_places=10, initial="0.01"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


# --------------------------------------------------------------------------- list filters
class ProductFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the product list."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=ProductKind.choices, empty_label=_("Any kind")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=lambda request: Category.objects.all(),  # evaluated per request, inside its company scope
        method="filter_category",
        empty_label=_("Any category"),
    )
    is_active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("true", _("Active")), ("false", _("Archived"))],
        method="filter_active",
        empty_label=_("Active and archived"),
    )

    class Meta:
        model = Product
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(name__icontains=text) | Q(internal_ref__icontains=text) | Q(barcode__icontains=text)
        )

    def filter_category(
        self, queryset: QuerySet[Product], name: str, value: Category | None
    ) -> QuerySet[Product]:
        """The category and everything below it."""
        if value is None:
            return queryset
        return queryset.filter(
            Q(category=value)
            | Q(
                category__full_path__startswith=f"{value.full_path} / ", category__company_id=value.company_id
            )
        )

    def filter_active(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        if value in ("true", "false"):
            return queryset.filter(is_active=value == "true")
        return queryset
