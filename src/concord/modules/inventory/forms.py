"""Forms of the inventory screens: warehouses and locations, transfers and their validation, counts,
reorder rules, settings, and the list filters.

Products, partners, units and categories are picked through inventory's own foreign keys
(``Move.product`` points at ``catalog.Product``), so no form imports another module. Forms check the
shape of the input; the services decide, and their ``DomainError`` is shown on the form.
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
from concord.modules.inventory.models import (
    CategoryCosting,
    CostingMethod,
    CountState,
    InventoryCount,
    Location,
    LocationUsage,
    Lot,
    Move,
    Quant,
    ReorderRule,
    Tracking,
    Transfer,
    TransferKind,
    TransferState,
    Warehouse,
)

_DATE = forms.DateInput(attrs={"type": "date"})

# The kinds a person creates by hand (adjustments come from counts, production from manufacturing).
MANUAL_KINDS = (TransferKind.RECEIPT, TransferKind.DELIVERY, TransferKind.INTERNAL)


def product_model() -> Any:
    return Move._meta.get_field("product").remote_field.model


def party_model() -> Any:
    return Transfer._meta.get_field("partner").remote_field.model


def uom_model() -> Any:
    return product_model()._meta.get_field("uom").remote_field.model


def category_model() -> Any:
    return CategoryCosting._meta.get_field("category").remote_field.model


def stocked_products(company: Company) -> QuerySet[Any]:
    products: QuerySet[Any] = (
        product_model().objects.filter(company=company, is_active=True, kind="goods").order_by("name")
    )
    return products


def _partners(company: Company) -> QuerySet[Any]:
    partners: QuerySet[Any] = party_model().objects.filter(company=company, is_active=True).order_by("name")
    return partners


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def _stock_locations(company: Company) -> QuerySet[Location]:
    return Location.objects.filter(company=company, usage=LocationUsage.INTERNAL, is_active=True).order_by(
        "full_name"
    )


# --------------------------------------------------------------------------- warehouses, locations
class WarehouseForm(DomainErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Short code"), max_length=8, help_text=_("Prefix of its transfer numbers.")
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class LocationForm(DomainErrorsMixin, forms.Form):
    parent = forms.ModelChoiceField(label=_("Inside"), queryset=Location.objects.none())
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("A shelf, bin or zone."))
    barcode = forms.CharField(label=_("Barcode"), max_length=40, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "parent").queryset = Location.objects.filter(
            company=company, usage__in=(LocationUsage.INTERNAL, LocationUsage.VIEW), warehouse__isnull=False
        ).order_by("full_name")
        bootstrap_fields(self)


# --------------------------------------------------------------------------- transfers
class TransferForm(DomainErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in MANUAL_KINDS])
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Location.objects.none(), required=False)
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    source_location = forms.ModelChoiceField(
        label=_("From"),
        queryset=Location.objects.none(),
        required=False,
        help_text=_("Empty: the warehouse's stock (or the vendors for a receipt)."),
    )
    dest_location = forms.ModelChoiceField(
        label=_("To"),
        queryset=Location.objects.none(),
        required=False,
        help_text=_("Empty: the warehouse's stock (or the customers for a delivery)."),
    )
    scheduled_date = forms.DateField(label=_("Scheduled date"), widget=_DATE)
    origin = forms.CharField(label=_("Source document"), max_length=80, required=False)
    allow_backorder = forms.BooleanField(
        label=_("Confirm even when not everything is in stock"), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "partner").queryset = _partners(company)
        warehouses = Warehouse.objects.filter(company=company, is_active=True).order_by("code")
        _choice(self, "warehouse").queryset = warehouses
        self.fields["warehouse"].initial = warehouses.values_list("pk", flat=True).first()
        _choice(self, "source_location").queryset = _stock_locations(company)
        _choice(self, "dest_location").queryset = _stock_locations(company)
        bootstrap_fields(self)


class TransferLineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Location.objects.none())
    quantity = forms.DecimalField(label=_("Quantity"), initial=Decimal(1), max_digits=18, decimal_places=4)
    uom = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Location.objects.none(),
        required=False,
        help_text=_("Empty: the product's unit."),
    )
    unit_cost = forms.DecimalField(
        label=_("Unit cost"), required=False, max_digits=20, decimal_places=6, help_text=_("Receipts only.")
    )
    lot_name = forms.CharField(label=_("Lot / serial"), max_length=80, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "product").queryset = stocked_products(company)
        _choice(self, "uom").queryset = (
            uom_model()
            .objects.filter(Q(company__isnull=True) | Q(company=company))
            .order_by("category", "ratio")
        )
        bootstrap_fields(self)


class _LineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # Django's formset base is not generic in the stubs
    """What ``formset_factory`` would set, spelled out so the formset is a typed class."""

    form = TransferLineForm
    extra = 3
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
        """The lines the user filled in and did not remove."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class TransferLineFormSet(_LineFormSet):
    """The lines of a hand-made transfer: three empty rows, more through htmx."""


BACKORDER_CHOICES = (("yes", _("Yes: keep the rest as a backorder")), ("no", _("No: drop what is not done")))


def parse_lots(text: str, *, done: Decimal | None, serial: bool) -> list[tuple[str, Decimal]]:
    """``"L1: 3, L2: 2"`` (or one name per line) as [(name, quantity)]; a lone name takes the done quantity.

    Raises ``ValueError`` with the item it could not read.
    """
    items = [part.strip() for chunk in text.splitlines() for part in chunk.split(",") if part.strip()]
    plan: list[tuple[str, Decimal]] = []
    for item in items:
        name, sep, qty = item.rpartition(":") if ":" in item else (item, "", "")
        name = name.strip()
        if not sep:
            quantity = Decimal(1) if serial or len(items) > 1 or done is None else done
        else:
            try:
                quantity = Decimal(qty.strip())
            except ArithmeticError as exc:
                raise ValueError(item) from exc
        if not name or not quantity.is_finite():
            raise ValueError(item)
        plan.append((name, quantity))
    return plan


class TransferValidateForm(DomainErrorsMixin, forms.Form):
    """Done quantities per open move (and its lots for tracked products), backorder, extra quantities."""

    backorder = forms.ChoiceField(
        label=_("Create a backorder for the rest"), choices=BACKORDER_CHOICES, initial="yes"
    )
    allow_extra = forms.BooleanField(label=_("Accept more than expected"), required=False)

    def __init__(self, *args: Any, moves: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.moves = moves
        for move in moves:
            key = move["id"]
            self.fields[f"qty_{key}"] = forms.DecimalField(
                label=_("Done: %(product)s") % {"product": move["product_name"]},
                initial=move["suggested"],
                min_value=Decimal(0),
                required=False,
                max_digits=18,
                decimal_places=4,
            )
            if move["tracked"]:
                self.fields[f"lots_{key}"] = forms.CharField(
                    label=_("Lots / serials: %(product)s") % {"product": move["product_name"]},
                    required=False,
                    help_text=_("e.g. LOT-A: 3, LOT-B: 2 (a serial number per unit)."),
                    initial=move.get("lot_name", ""),
                )
        bootstrap_fields(self)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                **move,
                "qty_field": self[f"qty_{move['id']}"],
                "lots_field": self[f"lots_{move['id']}"] if move["tracked"] else None,
            }
            for move in self.moves
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        quantities: dict[int, Decimal] = {}
        lots: dict[int, list[tuple[str, Decimal]]] = {}
        for move in self.moves:
            key = move["id"]
            qty = cleaned.get(f"qty_{key}")
            quantities[key] = qty if qty is not None else Decimal(0)
            text = (cleaned.get(f"lots_{key}") or "").strip() if move["tracked"] else ""
            if text:
                try:
                    lots[key] = parse_lots(text, done=qty, serial=move["tracking"] == Tracking.SERIAL)
                except ValueError as exc:
                    self.add_error(
                        f"lots_{key}", _("Cannot read “%(item)s”: write NAME: QUANTITY.") % {"item": exc}
                    )
        cleaned["quantities"] = quantities
        cleaned["lots"] = lots
        return cleaned

    def add_domain_error(self, exc: Any) -> None:
        """A service error on ``quantities.<move>`` or ``lots.<move>`` goes on that row's field."""
        field = getattr(exc, "field", None) or ""
        head, _sep, move_id = field.partition(".")
        target = {"quantities": f"qty_{move_id}", "lots": f"lots_{move_id}"}.get(head)
        if target and target in self.fields:
            self.add_error(target, str(exc.message))
            return
        super().add_domain_error(exc)


# --------------------------------------------------------------------------- counts
class CountCreateForm(DomainErrorsMixin, forms.Form):
    location = forms.ModelChoiceField(label=_("Location to count"), queryset=Location.objects.none())
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        help_text=_("Empty: a name from the location and date."),
    )
    date = forms.DateField(label=_("Date"), widget=_DATE)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "location").queryset = _stock_locations(company)
        bootstrap_fields(self)


class CountSheetForm(DomainErrorsMixin, forms.Form):
    """The counted quantity of each line (empty: not counted yet)."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_rows = rows
        for row in rows:
            self.fields[f"counted_{row.line_id}"] = forms.DecimalField(
                label=_("Counted: %(product)s") % {"product": row.product_name},
                required=False,
                initial=row.counted,
                max_digits=18,
                decimal_places=4,
            )
        bootstrap_fields(self)

    def counted(self) -> dict[int, Any]:
        return {row.line_id: self.cleaned_data.get(f"counted_{row.line_id}") for row in self.count_rows}

    def rows(self) -> list[dict[str, Any]]:
        return [{"row": row, "field": self[f"counted_{row.line_id}"]} for row in self.count_rows]


class CountLineAddForm(DomainErrorsMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product found"), queryset=Location.objects.none())
    counted_quantity = forms.DecimalField(
        label=_("Counted"), min_value=Decimal(0), max_digits=18, decimal_places=4
    )
    lot_name = forms.CharField(label=_("Lot / serial"), max_length=80, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "product").queryset = stocked_products(company)
        bootstrap_fields(self)


# --------------------------------------------------------------------------- reorder rules
class ReorderRuleForm(DomainErrorsMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Location.objects.none())
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    min_quantity = forms.DecimalField(label=_("Minimum"), max_digits=18, decimal_places=4)
    max_quantity = forms.DecimalField(label=_("Maximum"), max_digits=18, decimal_places=4)
    multiple_quantity = forms.DecimalField(
        label=_("Order in multiples of"), initial=Decimal(1), max_digits=18, decimal_places=4
    )
    vendor = forms.ModelChoiceField(
        label=_("Preferred vendor"), queryset=Location.objects.none(), required=False
    )
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), initial=7, min_value=0)
    safety_stock = forms.DecimalField(
        label=_("Safety stock"), initial=Decimal(0), max_digits=18, decimal_places=4
    )
    demand_days = forms.IntegerField(label=_("Demand window (days)"), initial=30, min_value=1)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "product").queryset = stocked_products(company)
        warehouses = Warehouse.objects.filter(company=company, is_active=True).order_by("code")
        _choice(self, "warehouse").queryset = warehouses
        self.fields["warehouse"].initial = warehouses.values_list("pk", flat=True).first()
        _choice(self, "vendor").queryset = (
            party_model().objects.filter(company=company, is_active=True, is_supplier=True).order_by("name")
        )
        bootstrap_fields(self)


# --------------------------------------------------------------------------- settings
class CostingMethodForm(DomainErrorsMixin, forms.Form):
    costing_method = forms.ChoiceField(label=_("Default costing method"), choices=CostingMethod.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class CategoryCostingForm(DomainErrorsMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Product category"), queryset=Location.objects.none())
    method = forms.ChoiceField(label=_("Costing method"), choices=CostingMethod.choices)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "category").queryset = category_model().objects.filter(company=company)
        bootstrap_fields(self)


class ProductTrackingForm(DomainErrorsMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Location.objects.none())
    tracking = forms.ChoiceField(label=_("Tracking"), choices=Tracking.choices)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "product").queryset = stocked_products(company)
        bootstrap_fields(self)


# --------------------------------------------------------------------------- list filters
class TransferFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the transfer list: kind, state, partner, scheduled dates, a product in its moves."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=TransferKind.choices, empty_label=_("Any kind")
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=TransferState.choices, empty_label=_("Any status")
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=lambda request: party_model().objects.all().order_by("name"),
        empty_label=_("Any partner"),
    )
    product = django_filters.ModelChoiceFilter(
        label=_("Product"),
        queryset=lambda request: product_model().objects.filter(kind="goods").order_by("name"),
        method="filter_product",
        empty_label=_("Any product"),
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="scheduled_date", lookup_expr="gte", widget=_DATE
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="scheduled_date", lookup_expr="lte", widget=_DATE
    )

    class Meta:
        model = Transfer
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Transfer], name: str, value: str) -> QuerySet[Transfer]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(number__icontains=text) | Q(origin__icontains=text) | Q(partner__name__icontains=text)
        )

    def filter_product(self, queryset: QuerySet[Transfer], name: str, value: Any) -> QuerySet[Transfer]:
        if not value:
            return queryset
        return queryset.filter(pk__in=Move.objects.filter(product_id=value.pk).values("transfer_id"))


class QuantFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Filters of the stock list: product, location (and what is inside it), lot."""

    product = django_filters.ModelChoiceFilter(
        label=_("Product"),
        queryset=lambda request: product_model().objects.filter(kind="goods").order_by("name"),
        empty_label=_("Any product"),
    )
    location = django_filters.ModelChoiceFilter(
        label=_("Location"),
        queryset=lambda request: Location.objects.filter(
            usage__in=(LocationUsage.INTERNAL, LocationUsage.VIEW), warehouse__isnull=False
        ).order_by("full_name"),
        method="filter_location",
        empty_label=_("Any location"),
    )
    lot = django_filters.CharFilter(label=_("Lot / serial"), field_name="lot__name", lookup_expr="icontains")
    hide_empty = django_filters.BooleanFilter(
        label=_("Hide empty"), method="filter_hide_empty", widget=forms.CheckboxInput
    )

    class Meta:
        model = Quant
        fields: list[str] = []

    def filter_location(self, queryset: QuerySet[Quant], name: str, value: Any) -> QuerySet[Quant]:
        if not value:
            return queryset
        return queryset.filter(
            Q(location_id=value.pk) | Q(location__full_name__startswith=f"{value.full_name}/")
        )

    def filter_hide_empty(self, queryset: QuerySet[Quant], name: str, value: Any) -> QuerySet[Quant]:
        return queryset.exclude(quantity=0) if value else queryset


class LotFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    q = django_filters.CharFilter(label=_("Lot / serial"), field_name="name", lookup_expr="icontains")
    product = django_filters.ModelChoiceFilter(
        label=_("Product"),
        queryset=lambda request: product_model().objects.filter(kind="goods").order_by("name"),
        empty_label=_("Any product"),
    )

    class Meta:
        model = Lot
        fields: list[str] = []


class CountFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=CountState.choices,
        empty_label=_("Any status"),
    )

    class Meta:
        model = InventoryCount
        fields: list[str] = []


class ReorderFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    warehouse = django_filters.ModelChoiceFilter(
        label=_("Warehouse"), queryset=lambda request: Warehouse.objects.all(), empty_label=_("Any warehouse")
    )

    class Meta:
        model = ReorderRule
        fields: list[str] = []


__all__ = [
    "BACKORDER_CHOICES",
    "MANUAL_KINDS",
    "CategoryCostingForm",
    "CostingMethodForm",
    "CountCreateForm",
    "CountFilter",
    "CountLineAddForm",
    "CountSheetForm",
    "LocationForm",
    "LotFilter",
    "ProductTrackingForm",
    "QuantFilter",
    "ReorderFilter",
    "ReorderRuleForm",
    "TransferFilter",
    "TransferForm",
    "TransferLineFormSet",
    "TransferValidateForm",
    "WarehouseForm",
    "parse_lots",
]
