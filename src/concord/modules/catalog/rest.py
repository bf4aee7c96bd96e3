"""REST endpoints of the catalog, mounted at /api/v1/catalog/: products, categories, units, conversion.

Handlers parse, check permission, call one service and answer; rules live in ``services.py``. Anything
the caller may not see answers 404, exactly as if it did not exist.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, FilterLookup, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import company_ids_with_perm, permission_denied, require_perm
from concord.core.errors import PermissionDeniedError, ValidationFailed
from concord.core.identity.models import Company, User
from concord.modules.catalog import services, units
from concord.modules.catalog.models import Category, Product, ProductKind, Uom, UomCategoryCode
from concord.modules.catalog.queries import uom_by_code, uoms_for

router = Router(tags=["catalog"])

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _caller(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # auth guarantees a User; this narrows the type
        raise PermissionDeniedError(_("Authentication required."))
    return user


def _visible(request: HttpRequest, perm: str, rows: "QuerySet[Any]") -> "QuerySet[Any]":
    """``rows`` of the companies where the caller holds ``perm``; 403 when there are none."""
    company_ids = company_ids_with_perm(_caller(request), perm)
    if company_ids is None:
        return rows
    if not company_ids:
        raise permission_denied(perm)
    return rows.filter(company_id__in=company_ids)


def _company(request: HttpRequest, company_id: int | None, perm: str) -> Company:
    """The company to create in: the one named, else the caller's default; it must grant ``perm``."""
    user = _caller(request)
    chosen = company_id if company_id is not None else user.default_company_id
    if chosen is None:
        raise ValidationFailed(_("Say which company: give company_id."), field="company_id")
    company = get_object_or_404(user.companies(), pk=chosen)
    require_perm(request, perm, company)
    return company


# --------------------------------------------------------------------------- schemas
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class ProductOut(Schema):
    id: int
    company_id: int
    kind: str
    name: str
    description: str
    internal_ref: str
    barcode: str
    category_id: int | None
    category_path: str
    uom: str
    purchase_uom: str
    sale_price: Decimal
    sale_currency: str
    purchase_price: Decimal
    purchase_currency: str
    image_url: str
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_category_path(obj: Product) -> str:
        return obj.category.full_path if obj.category_id and obj.category else ""

    @staticmethod
    def resolve_uom(obj: Product) -> str:
        return obj.uom.code

    @staticmethod
    def resolve_purchase_uom(obj: Product) -> str:
        return obj.purchase_uom.code

    @staticmethod
    def resolve_image_url(obj: Product) -> str:
        return reverse("catalog:image", args=[obj.pk]) if obj.image else ""


class ProductIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    name: str = Field(..., min_length=1, max_length=200)
    kind: ProductKind = ProductKind.GOODS
    description: str = ""
    internal_ref: str = Field("", max_length=40)
    barcode: str = Field("", max_length=20, description="EAN-13, EAN-8 or UPC-A.")
    category_id: int | None = None
    uom: str = Field("pc", description="Unit code, e.g. pc, box12, kg.")
    purchase_uom: str | None = Field(None, description="Unit code; defaults to uom.")
    sale_price: Decimal = Field(Decimal(0), ge=0)
    sale_currency: str = Field("", description="ISO 4217; defaults to the company's currency.")
    purchase_price: Decimal = Field(Decimal(0), ge=0)
    purchase_currency: str = Field("", description="ISO 4217; defaults to the company's currency.")
    is_active: bool = True


class ProductPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: ProductKind | None = None
    description: str | None = None
    internal_ref: str | None = Field(None, max_length=40)
    barcode: str | None = Field(None, max_length=20)
    category_id: int | None = None
    uom: str | None = None
    purchase_uom: str | None = None
    sale_price: Decimal | None = Field(None, ge=0)
    sale_currency: str | None = None
    purchase_price: Decimal | None = Field(None, ge=0)
    purchase_currency: str | None = None
    is_active: bool | None = None


class ProductFilters(ListFilters):
    q: Annotated[
        str | None, FilterLookup(["name__icontains", "internal_ref__icontains", "barcode__icontains"])
    ] = Field(None, description="Text in the name, internal reference or barcode.")
    kind: ProductKind | None = None
    category_id: int | None = None
    is_active: bool | None = None
    company_id: int | None = None

    ordering_fields = {
        "name": "name",
        "internal_ref": "internal_ref",
        "sale_price": "sale_price",
        "created_at": "created_at",
        "id": "pk",
    }
    default_ordering = ("name",)


class CategoryOut(Schema):
    id: int
    company_id: int
    name: str
    parent_id: int | None
    full_path: str


class CategoryIn(InputSchema):
    company_id: int | None = None
    name: str = Field(..., min_length=1, max_length=100)
    parent_id: int | None = None


class CategoryFilters(ListFilters):
    q: Annotated[str | None, FilterLookup("full_path__icontains")] = None
    company_id: int | None = None

    ordering_fields = {"full_path": "full_path", "id": "pk"}
    default_ordering = ("full_path",)


class UomOut(Schema):
    id: int
    company_id: int | None
    category: str
    code: str
    name: str
    ratio: Decimal
    rounding: Decimal
    is_reference: bool

    @staticmethod
    def resolve_category(obj: Uom) -> str:
        return obj.category.code

    @staticmethod
    def resolve_name(obj: Uom) -> str:
        return str(obj.display_name)


class UomIn(InputSchema):
    company_id: int | None = None
    category: UomCategoryCode
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=80)
    ratio: Decimal = Field(..., gt=0)
    rounding: Decimal = Field(Decimal("0.01"), gt=0)


class ConversionOut(Schema):
    quantity: Decimal
    from_uom: str
    to_uom: str
    result: Decimal


# --------------------------------------------------------------------------- helpers
def _products(request: HttpRequest, perm: str = "catalog.view") -> "QuerySet[Product]":
    rows = Product.objects.select_related("category", "uom", "purchase_uom")
    return _visible(request, perm, rows)


def _product(request: HttpRequest, product_id: int, perm: str) -> Product:
    product = get_object_or_404(_products(request, "catalog.view"), pk=product_id)
    require_perm(request, perm, product)
    return product


def _uom_field(code: str, *, company: Company, field: str) -> Uom:
    uom = uom_by_code(code, company=company)
    if uom is None:
        raise ValidationFailed(_("Unknown unit of measure %(code)s.") % {"code": code}, field=field)
    return uom


def _category_field(category_id: int | None, *, company: Company) -> Category | None:
    if category_id is None:
        return None
    category: Category | None = Category.all_companies.filter(company=company, pk=category_id).first()
    if category is None:
        raise ValidationFailed(_("There is no such category in this company."), field="category_id")
    return category


def _reloaded(product_id: int) -> Product:
    product: Product = Product.all_companies.select_related("category", "uom", "purchase_uom").get(
        pk=product_id
    )
    return product


# --------------------------------------------------------------------------- products
@router.get("/products", response={200: list[ProductOut], frozenset({401, 403, 422}): ErrorOut})
@paginated
def products_list(request: HttpRequest, filters: Query[ProductFilters]) -> "QuerySet[Product]":
    """Products of the companies where you may view the catalog; filter, order and page them."""
    return filters.apply(_products(request))


@router.get("/products/{product_id}", response={200: ProductOut, frozenset({401, 403, 404}): ErrorOut})
def product_get(request: HttpRequest, product_id: int) -> Product:
    return _product(request, product_id, "catalog.view")


@router.post("/products", response={201: ProductOut, **_ERRORS})
def product_create(request: HttpRequest, payload: ProductIn) -> Status[Any]:
    """Add a product (needs ``catalog.add``); a duplicate internal reference or barcode answers 409."""
    company = _company(request, payload.company_id, "catalog.add")
    uom = _uom_field(payload.uom, company=company, field="uom")
    product = services.product_create(
        company=company,
        by=_caller(request),
        name=payload.name,
        kind=payload.kind,
        description=payload.description,
        internal_ref=payload.internal_ref,
        barcode=payload.barcode,
        category=_category_field(payload.category_id, company=company),
        uom=uom,
        purchase_uom=_uom_field(payload.purchase_uom, company=company, field="purchase_uom")
        if payload.purchase_uom
        else uom,
        sale_price=payload.sale_price,
        sale_currency=payload.sale_currency,
        purchase_price=payload.purchase_price,
        purchase_currency=payload.purchase_currency,
        is_active=payload.is_active,
    )
    return Status(201, _reloaded(product.pk))


@router.patch("/products/{product_id}", response={200: ProductOut, **_ERRORS})
def product_update(request: HttpRequest, product_id: int, payload: ProductPatch) -> Product:
    """Change a product (needs ``catalog.change``); only the fields given change."""
    product = _product(request, product_id, "catalog.change")
    changes = payload.model_dump(exclude_unset=True)
    if "category_id" in changes:
        changes["category"] = _category_field(changes.pop("category_id"), company=product.company)
    for field in ("uom", "purchase_uom"):
        if field in changes:
            if changes[field] is None:
                raise ValidationFailed(_("Give a unit code."), field=field)
            changes[field] = _uom_field(changes[field], company=product.company, field=field)
    if changes.get("is_active") is None:
        changes.pop("is_active", None)
    services.product_update(product=product, by=_caller(request), **changes)
    return _reloaded(product.pk)


@router.delete("/products/{product_id}", response={204: None, **_ERRORS})
def product_delete(request: HttpRequest, product_id: int) -> Status[None]:
    """Delete a product nothing refers to (needs ``catalog.delete``); otherwise 409: archive it."""
    product = _product(request, product_id, "catalog.delete")
    services.product_delete(product=product, by=_caller(request))
    return Status(204, None)


@router.post("/products/{product_id}/archive", response={200: ProductOut, **_ERRORS})
def product_archive(request: HttpRequest, product_id: int) -> Product:
    product = _product(request, product_id, "catalog.change")
    services.product_archive(product=product, by=_caller(request))
    return _reloaded(product.pk)


@router.post("/products/{product_id}/unarchive", response={200: ProductOut, **_ERRORS})
def product_unarchive(request: HttpRequest, product_id: int) -> Product:
    product = _product(request, product_id, "catalog.change")
    services.product_unarchive(product=product, by=_caller(request))
    return _reloaded(product.pk)


@router.post("/products/{product_id}/image", response={200: ProductOut, **_ERRORS})
def product_image_set(request: HttpRequest, product_id: int, image: File[UploadedFile]) -> Product:
    """Upload the product's image (multipart, field ``image``): JPEG, PNG, WebP or GIF, at most 5 MB."""
    product = _product(request, product_id, "catalog.change")
    services.product_update(product=product, by=_caller(request), image=image)
    return _reloaded(product.pk)


# --------------------------------------------------------------------------- categories
@router.get("/categories", response={200: list[CategoryOut], frozenset({401, 403, 422}): ErrorOut})
@paginated
def categories_list(request: HttpRequest, filters: Query[CategoryFilters]) -> "QuerySet[Category]":
    return filters.apply(_visible(request, "catalog.view", Category.objects.all()))


@router.post("/categories", response={201: CategoryOut, **_ERRORS})
def category_create(request: HttpRequest, payload: CategoryIn) -> Status[Any]:
    company = _company(request, payload.company_id, "catalog.add")
    parent = None
    if payload.parent_id is not None:
        parent = Category.all_companies.filter(company=company, pk=payload.parent_id).first()
        if parent is None:
            raise ValidationFailed(_("There is no such category in this company."), field="parent_id")
    category = services.category_create(
        company=company, name=payload.name, parent=parent, by=_caller(request)
    )
    return Status(201, category)


# --------------------------------------------------------------------------- units of measure
@router.get("/uoms", response={200: list[UomOut], frozenset({401, 403, 422}): ErrorOut})
def uoms_list(request: HttpRequest, company_id: int | None = None) -> "QuerySet[Uom]":
    """The shared units and your companies' own units (only ``company_id``'s when given)."""
    company_ids = company_ids_with_perm(_caller(request), "catalog.view")
    if company_ids is not None and not company_ids:
        raise permission_denied("catalog.view")
    condition = Q(company__isnull=True)
    if company_id is not None:
        if company_ids is not None and company_id not in company_ids:
            raise permission_denied("catalog.view")
        condition |= Q(company_id=company_id)
    elif company_ids is None:
        condition |= Q(company__isnull=False)
    else:
        condition |= Q(company_id__in=company_ids)
    return Uom.objects.select_related("category").filter(condition, is_active=True)


@router.post("/uoms", response={201: UomOut, **_ERRORS})
def uom_create(request: HttpRequest, payload: UomIn) -> Status[Any]:
    """Add a unit of your company ("box24": 24 pieces); needs ``catalog.add``."""
    company = _company(request, payload.company_id, "catalog.add")
    uom = services.uom_create(
        company=company,
        category=str(payload.category),
        code=payload.code,
        name=payload.name,
        ratio=payload.ratio,
        rounding=payload.rounding,
        by=_caller(request),
    )
    return Status(201, Uom.objects.select_related("category").get(pk=uom.pk))


@router.get("/uoms/convert", response={200: ConversionOut, **_ERRORS})
def uom_convert(
    request: HttpRequest, quantity: Decimal, from_uom: str, to_uom: str, company_id: int | None = None
) -> dict[str, Any]:
    """Convert a quantity between two units of one kind (``?quantity=2&from_uom=box12&to_uom=pc``)."""
    user = _caller(request)
    company: Company | None = None
    chosen = company_id if company_id is not None else user.default_company_id
    if chosen is not None:
        company = get_object_or_404(user.companies(), pk=chosen)
    units_qs = uoms_for(company)
    found = {}
    for field, code in (("from_uom", from_uom), ("to_uom", to_uom)):
        uom = uom_by_code(code, company=company)
        if uom is None or not units_qs.filter(pk=uom.pk).exists():
            raise ValidationFailed(_("Unknown unit of measure %(code)s.") % {"code": code}, field=field)
        found[field] = uom
    result = units.uom_convert(quantity, found["from_uom"], found["to_uom"])
    return {"quantity": quantity, "from_uom": from_uom, "to_uom": to_uom, "result": result}
