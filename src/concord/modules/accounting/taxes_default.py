"""Which taxes a product's document lines get by default: its own list, else the company's VAT."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from concord.modules.accounting.models import AccountingSettings, ProductTax, Tax, TaxScope

__all__ = ["default_tax_ids", "default_tax_ids_by_product", "product_tax_codes", "product_taxes_set"]


def default_tax_ids(*, company_id: int, product_id: int | None, customer_side: bool) -> list[int]:
    """The product's own taxes of the right side, else the company's default sale or purchase tax."""
    scope = TaxScope.SALE if customer_side else TaxScope.PURCHASE
    if product_id is not None:
        own = list(
            ProductTax.all_companies.filter(
                company_id=company_id,
                product_id=product_id,
                tax__scope__in=[scope, TaxScope.BOTH],
                tax__is_active=True,
            )
            .exclude(tax__kind="wht")
            .values_list("tax_id", flat=True)
        )
        if own:
            return own
    settings = (
        AccountingSettings.objects.filter(company_id=company_id).values_list("defaults", flat=True).first()
    )
    tax_id = (settings or {}).get("tax_sale" if customer_side else "tax_purchase")
    return [int(tax_id)] if tax_id else []


def default_tax_ids_by_product(
    *, company_id: int, product_ids: set[int], customer_side: bool
) -> tuple[dict[int, list[int]], list[int]]:
    """``default_tax_ids`` for many products at once (two queries): the products' own taxes by product,
    and the company's default for every other line."""
    scope = TaxScope.SALE if customer_side else TaxScope.PURCHASE
    own: dict[int, list[int]] = {}
    if product_ids:
        rows = (
            ProductTax.all_companies.filter(
                company_id=company_id,
                product_id__in=product_ids,
                tax__scope__in=[scope, TaxScope.BOTH],
                tax__is_active=True,
            )
            .exclude(tax__kind="wht")
            .values_list("product_id", "tax_id")
        )
        for product_id, tax_id in rows:
            own.setdefault(product_id, []).append(tax_id)
    settings = (
        AccountingSettings.objects.filter(company_id=company_id).values_list("defaults", flat=True).first()
    )
    default = (settings or {}).get("tax_sale" if customer_side else "tax_purchase")
    return own, ([int(default)] if default else [])


def product_tax_codes(product_id: int) -> list[str]:
    """The catalog's hook: the codes of the product's own taxes (empty: the company default applies)."""
    return list(ProductTax.all_companies.filter(product_id=product_id).values_list("tax__code", flat=True))


@transaction.atomic
def product_taxes_set(*, company_id: int, product_id: int, tax_ids: Sequence[int]) -> None:
    """Replace the product's default taxes (taxes of the product's company only)."""
    valid = set(Tax.all_companies.filter(company_id=company_id, pk__in=tax_ids).values_list("pk", flat=True))
    ProductTax.all_companies.filter(company_id=company_id, product_id=product_id).delete()
    ProductTax.all_companies.bulk_create(
        [
            ProductTax(company_id=company_id, product_id=product_id, tax_id=tax_id)
            for tax_id in tax_ids
            if tax_id in valid
        ]
    )
