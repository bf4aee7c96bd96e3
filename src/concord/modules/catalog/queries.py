"""Reads of the catalog: selectors returning querysets inside the module."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from concord.core.identity.models import Company
from concord.modules.catalog.models import CATEGORY_PATH_SEPARATOR, Category, Product, Uom

__all__ = [
    "categories_for",
    "category_by_path",
    "category_path_split",
    "products_for",
    "uom_by_code",
    "uoms_for",
]


def _company_id(company: Company | int) -> int:
    return company if isinstance(company, int) else int(company.pk)


def uoms_for(company: Company | int | None, *, active_only: bool = True) -> QuerySet[Uom]:
    """The units a company may use: the shared ones and its own (only shared ones without a company)."""
    condition = Q(company__isnull=True)
    if company is not None:
        condition |= Q(company_id=_company_id(company))
    units = Uom.objects.select_related("category").filter(condition)
    return units.filter(is_active=True) if active_only else units


def uom_by_code(code: str, *, company: Company | int | None) -> Uom | None:
    """The unit with this code the company may use (its own first), or None."""
    units = list(uoms_for(company).filter(code__iexact=code.strip())[:2])
    # A company's own unit wins over a shared one of the same code (NULLs sort differently per database).
    units.sort(key=lambda unit: unit.company_id is None)
    return units[0] if units else None


def categories_for(company: Company | int) -> QuerySet[Category]:
    return Category.all_companies.filter(company_id=_company_id(company)).order_by("full_path", "pk")


def category_path_split(path: str) -> list[str]:
    """``"Kitchen/ Woks"`` -> ``["Kitchen", "Woks"]``: levels of a typed path, spaces tidied."""
    return [" ".join(part.split()) for part in path.split("/") if part.strip()]


def category_by_path(company: Company | int, path: str) -> Category | None:
    """The company's category whose full path is ``path`` (any spacing around the slashes), or None."""
    parts = category_path_split(path)
    if not parts:
        return None
    return categories_for(company).filter(full_path__iexact=CATEGORY_PATH_SEPARATOR.join(parts)).first()


def products_for(company: Company | int) -> QuerySet[Product]:
    return Product.all_companies.filter(company_id=_company_id(company)).select_related(
        "category", "uom", "purchase_uom"
    )
