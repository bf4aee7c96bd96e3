"""The catalog's public face: what sales, inventory, purchasing and manufacturing call.

Functions take and return plain values and frozen dataclasses, never ORM objects. Units are named by
id (what other modules store beside a product) or, for the shared units, by code ("pc", "kg").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from concord.core.errors import NotFound
from concord.core.money.money import Money
from concord.modules.catalog import units
from concord.modules.catalog.models import Product, Uom
from concord.modules.catalog.taxes import product_default_taxes, product_tax_provider_register

__all__ = [
    "ProductInfo",
    "UomRef",
    "price_for_uom",
    "product_default_taxes",
    "product_get",
    "product_tax_provider_register",
    "products_get",
    "uom_convert",
]

UomRef = int | str  # a unit's id, or the code of a shared unit


@dataclass(frozen=True)
class ProductInfo:
    """A product as other modules see it."""

    id: int
    company_id: int
    name: str
    kind: str
    internal_ref: str
    barcode: str
    uom_id: int
    uom_code: str
    purchase_uom_id: int
    purchase_uom_code: str
    sale_price: Money
    purchase_price: Money
    is_active: bool
    category_id: int | None = None

    @property
    def is_stocked(self) -> bool:
        """Goods are kept in stock; services and consumables are not."""
        return self.kind == "goods"


def _product_info(product: Product) -> ProductInfo:
    return ProductInfo(
        id=product.pk,
        company_id=product.company_id,
        name=product.name,
        kind=product.kind,
        internal_ref=product.internal_ref,
        barcode=product.barcode,
        uom_id=product.uom_id,
        uom_code=product.uom.code,
        purchase_uom_id=product.purchase_uom_id,
        purchase_uom_code=product.purchase_uom.code,
        sale_price=product.sale_price_money,
        purchase_price=product.purchase_price_money,
        is_active=product.is_active,
        category_id=product.category_id,
    )


def product_get(product_id: int) -> ProductInfo:
    """The product with this id, within the caller's company scope; raises ``NotFound``."""
    product = Product.objects.select_related("uom", "purchase_uom").filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("There is no product %(id)s.") % {"id": product_id})
    return _product_info(product)


def products_get(product_ids: Iterable[int]) -> dict[int, ProductInfo]:
    """The products with these ids in the caller's company scope, in one query (missing ids are absent)."""
    wanted = {int(pk) for pk in product_ids}
    if not wanted:
        return {}
    rows = Product.objects.select_related("uom", "purchase_uom").filter(pk__in=wanted)
    return {product.pk: _product_info(product) for product in rows}


def _uom(ref: UomRef) -> Uom:
    units_qs = Uom.objects.select_related("category")
    uom = (
        units_qs.filter(pk=ref).first()
        if isinstance(ref, int)
        else units_qs.filter(company=None, code=ref).first()
    )
    if uom is None:
        raise NotFound(_("There is no unit of measure %(ref)s.") % {"ref": ref}, field="uom")
    return uom


def uom_convert(quantity: Decimal | int | str, from_uom: UomRef, to_uom: UomRef) -> Decimal:
    """``quantity`` in ``from_uom`` expressed in ``to_uom``, rounded to the target unit's precision.

    Raises ``UomMismatchError`` (a ``ValidationFailed``) for units of different kinds (kg -> piece).
    """
    return units.uom_convert(quantity, _uom(from_uom), _uom(to_uom))


def price_for_uom(price: Money, from_uom: UomRef, to_uom: UomRef) -> Money:
    """A unit price per ``from_uom`` restated per ``to_uom`` (10 THB a piece -> 120 THB a box of 12)."""
    return units.price_for_uom(price, _uom(from_uom), _uom(to_uom))
