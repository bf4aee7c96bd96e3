"""Importing products from CSV or XLSX (/imports/catalog.product/).

A row names its category by full path ("Kitchen / Woks"); the category must already exist (a typo
would otherwise create a stray category per misspelling): create categories first, then import. Units
are given by code (pc, box12, kg, or a company's own), defaulting to pieces.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.core.dataio.specs import ImportColumn, ImportSpec, RowError
from concord.core.money.currencies import is_valid_currency
from concord.modules.catalog import services
from concord.modules.catalog.models import Category, Product, ProductKind, Uom
from concord.modules.catalog.queries import category_by_path, uom_by_code
from concord.modules.catalog.validation import normalize_barcode, validate_barcode

__all__ = ["ProductImport"]


def _kind(value: str) -> str:
    if not value:
        return str(ProductKind.GOODS)
    wanted = value.strip().casefold()
    for kind in ProductKind:
        if wanted in {kind.value.casefold(), str(kind.label).casefold()}:
            return str(kind.value)
    raise RowError(
        "kind",
        _("Unknown kind %(value)s: use goods, service or consumable.") % {"value": value},
    )


def _amount(value: str, *, column: str) -> Decimal:
    if not value:
        return Decimal(0)
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise RowError(column, _("%(value)s is not a number.") % {"value": value}) from None
    if not number.is_finite() or number < 0:
        raise RowError(column, _("A price is a number of zero or more."))
    return number


def _currency(value: str, *, column: str, default: str) -> str:
    code = (value or default).strip().upper()
    if not is_valid_currency(code):
        raise RowError(
            column, _("%(value)s is not an ISO 4217 currency code (for example THB).") % {"value": value}
        )
    return code


class ProductImport(ImportSpec):
    """Products and services, one per row."""

    key = "catalog.product"
    label = gettext_lazy("Products")
    permission = "catalog.add"
    description = gettext_lazy(
        "One product per row. Categories are given by their full path (Kitchen / Woks) and must exist "
        "already; units by code (pc, box12, kg...). Prices default to 0, currencies to the company's."
    )
    columns = [
        ImportColumn("name", gettext_lazy("Name"), required=True),
        ImportColumn(
            "kind", gettext_lazy("Kind"), help=gettext_lazy("goods, service or consumable; goods when empty")
        ),
        ImportColumn("internal_ref", gettext_lazy("Internal reference")),
        ImportColumn("barcode", gettext_lazy("Barcode"), help=gettext_lazy("EAN-13, EAN-8 or UPC-A")),
        ImportColumn(
            "category", gettext_lazy("Category"), help=gettext_lazy("Full path of an existing category")
        ),
        ImportColumn("uom", gettext_lazy("Unit"), help=gettext_lazy("Unit code; pc when empty")),
        ImportColumn(
            "purchase_uom", gettext_lazy("Purchase unit"), help=gettext_lazy("Unit code; the unit when empty")
        ),
        ImportColumn("sale_price", gettext_lazy("Sale price")),
        ImportColumn("sale_currency", gettext_lazy("Sale currency")),
        ImportColumn("purchase_price", gettext_lazy("Cost")),
        ImportColumn("purchase_currency", gettext_lazy("Purchase currency")),
        ImportColumn("description", gettext_lazy("Description")),
    ]

    # ------------------------------------------------------------------ lookups, cached per file
    @staticmethod
    def _category(path: str, *, company: Any, seen: dict[str, Any]) -> Category | None:
        if not path:
            return None
        cache: dict[str, Category | None] = seen.setdefault("categories", {})
        key = path.casefold()
        if key not in cache:
            cache[key] = category_by_path(company, path)
        category = cache[key]
        if category is None:
            raise RowError(
                "category",
                _("There is no category %(path)s: create it first (Product categories).") % {"path": path},
            )
        return category

    @staticmethod
    def _uom(code: str, *, column: str, company: Any, seen: dict[str, Any]) -> Uom:
        cache: dict[str, Uom | None] = seen.setdefault("units", {})
        key = code.casefold()
        if key not in cache:
            cache[key] = uom_by_code(code, company=company)
        uom = cache[key]
        if uom is None:
            raise RowError(column, _("Unknown unit of measure %(code)s.") % {"code": code})
        return uom

    @staticmethod
    def _once(seen: dict[str, Any], what: str, value: str, *, column: str, message: str) -> None:
        """Refuse a value a previous row of the same file already used."""
        if not value:
            return
        used: set[str] = seen.setdefault(what, set())
        if value in used:
            raise RowError(column, message)
        used.add(value)

    # ------------------------------------------------------------------ the spec
    def validate_row(self, row: dict[str, str], *, company: Any, seen: dict[str, Any]) -> dict[str, Any]:
        name = " ".join(row["name"].split())
        if not name:
            raise RowError("name", _("Enter the product's name."))
        barcode = normalize_barcode(row["barcode"])
        try:
            validate_barcode(barcode)
        except ValidationError as exc:
            raise RowError("barcode", "; ".join(exc.messages)) from None
        uom = self._uom(row["uom"] or services.DEFAULT_UOM_CODE, column="uom", company=company, seen=seen)
        values: dict[str, Any] = {
            "name": name,
            "kind": _kind(row["kind"]),
            "internal_ref": " ".join(row["internal_ref"].split()),
            "barcode": barcode,
            "category": self._category(row["category"], company=company, seen=seen),
            "uom": uom,
            "purchase_uom": self._uom(row["purchase_uom"], column="purchase_uom", company=company, seen=seen)
            if row["purchase_uom"]
            else uom,
            "sale_price": _amount(row["sale_price"], column="sale_price"),
            "sale_currency": _currency(
                row["sale_currency"], column="sale_currency", default=company.currency
            ),
            "purchase_price": _amount(row["purchase_price"], column="purchase_price"),
            "purchase_currency": _currency(
                row["purchase_currency"], column="purchase_currency", default=company.currency
            ),
            "description": row["description"].strip(),
        }
        # The same checks the service makes (units of one kind, duplicates in the database) ...
        services.product_validate(Product(company=company, **values))
        # ... and duplicates inside this file, which the database cannot know of yet.
        self._once(
            seen,
            "internal_refs",
            values["internal_ref"],
            column="internal_ref",
            message=_("An earlier row of this file has the internal reference %(ref)s.")
            % {"ref": values["internal_ref"]},
        )
        self._once(
            seen,
            "barcodes",
            barcode,
            column="barcode",
            message=_("An earlier row of this file has the barcode %(barcode)s.") % {"barcode": barcode},
        )
        return values

    def write_batch(self, rows: list[dict[str, Any]], *, company: Any, by: Any, job_id: int) -> list[int]:
        return [services.product_create(company=company, by=by, **row).pk for row in rows]

    def undo(self, ids: list[int], *, company: Any, by: Any) -> None:
        for product in Product.all_companies.filter(company=company, pk__in=ids):
            services.product_delete(product=product, by=by)
