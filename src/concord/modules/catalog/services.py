"""Writes of the catalog: units of measure, categories and products.

Every write validates first (nothing half-checked reaches the database), then in one transaction saves,
records the audit entry, updates the search index and publishes its event.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, created_changes, deleted_changes, diff, snapshot
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.currencies import is_valid_currency
from concord.core.outbox.facade import Event, publish
from concord.modules.catalog.errors import DuplicateProductError, InUseError
from concord.modules.catalog.events import (
    ProductArchived,
    ProductCreated,
    ProductDeleted,
    ProductUnarchived,
    ProductUpdated,
)
from concord.modules.catalog.indexing import product_index, product_unindex
from concord.modules.catalog.models import (
    CATEGORY_PATH_SEPARATOR,
    Category,
    Product,
    ProductKind,
    Uom,
    UomCategory,
)
from concord.modules.catalog.queries import uom_by_code
from concord.modules.catalog.validation import clean_image, normalize_barcode

__all__ = [
    "PRODUCT_UPDATABLE",
    "category_create",
    "category_delete",
    "category_update",
    "product_archive",
    "product_create",
    "product_delete",
    "product_unarchive",
    "product_update",
    "product_validate",
    "uom_create",
]

PRODUCT_UPDATABLE = frozenset(
    {
        "kind",
        "name",
        "description",
        "internal_ref",
        "barcode",
        "category",
        "uom",
        "purchase_uom",
        "sale_price",
        "sale_currency",
        "purchase_price",
        "purchase_currency",
        "image",
        "is_active",
    }
)
AUDITED_FIELDS = sorted(PRODUCT_UPDATABLE | {"company"})
DEFAULT_UOM_CODE = "pc"


# --------------------------------------------------------------------------- helpers
@contextmanager
def _django_errors_as_domain() -> Iterator[None]:
    try:
        yield
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def _actor_id(by: Any) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def _publish(event: Event, *, by: Any, about: Model | tuple[str, object]) -> None:
    publish(event, actor_id=_actor_id(by), aggregate=about)


def _delete_or_refuse(obj: Model, *, message: str) -> None:
    """Delete ``obj`` inside a savepoint; if something still points at it, raise ``InUseError``."""
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError):
        raise InUseError(message) from None


def _decimal(value: Any, *, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise ValidationFailed(_("Enter a number."), field=field)
    return number


# --------------------------------------------------------------------------- units of measure
def uom_create(
    *,
    company: Company,
    category: UomCategory | str,
    code: str,
    name: str,
    ratio: Decimal | str,
    rounding: Decimal | str = Decimal("0.01"),
    by: Any,
) -> Uom:
    """Add a company's own unit ("box of 24": 24 pieces); shared units come with Concord."""
    if isinstance(category, str):
        kind = UomCategory.objects.filter(code=category).first()
        if kind is None:
            raise ValidationFailed(
                _("Unknown unit category %(code)s.") % {"code": category}, field="category"
            )
        category = kind
    code = code.strip()
    if code and uom_by_code(code, company=company) is not None:
        raise ValidationFailed(
            _("A unit with the code %(code)s already exists.") % {"code": code}, field="code"
        )
    uom = Uom(
        company=company,
        category=category,
        code=code,
        name=" ".join(name.split()),
        ratio=_decimal(ratio, field="ratio"),
        rounding=_decimal(rounding, field="rounding"),
        is_reference=False,
    )
    with _django_errors_as_domain():
        uom.full_clean()
    with transaction.atomic():
        uom.save()
        audit_record(
            actor=by, action=AuditAction.CREATE, obj=uom, changes=created_changes(uom), company=company
        )
    return uom


# --------------------------------------------------------------------------- categories
def _path_of(name: str, parent: Category | None) -> str:
    return f"{parent.full_path}{CATEGORY_PATH_SEPARATOR}{name}" if parent is not None else name


def _check_parent(*, company_id: int, parent: Category | None, category: Category | None = None) -> None:
    if parent is None:
        return
    if parent.company_id != company_id:
        raise ValidationFailed(_("The parent category belongs to another company."), field="parent")
    ancestor: Category | None = parent
    while ancestor is not None and category is not None:
        if ancestor.pk == category.pk:
            raise ValidationFailed(_("A category cannot be placed inside itself."), field="parent")
        ancestor = ancestor.parent


def category_create(*, company: Company, name: str, parent: Category | None = None, by: Any) -> Category:
    """Add a product category, at the top or under ``parent``."""
    clean_name = " ".join((name or "").split())
    _check_parent(company_id=company.pk, parent=parent)
    category = Category(
        company=company, name=clean_name, parent=parent, full_path=_path_of(clean_name, parent)
    )
    with _django_errors_as_domain():
        category.full_clean()
    with transaction.atomic():
        category.save()
        audit_record(actor=by, action=AuditAction.CREATE, obj=category, changes=created_changes(category))
    return category


def _rewrite_descendant_paths(category: Category) -> list[Category]:
    """Give every category below ``category`` its new full path; return the changed ones."""
    changed: list[Category] = []
    stack = [category]
    while stack:
        node = stack.pop()
        for child in Category.all_companies.filter(parent=node):
            child.full_path = _path_of(child.name, node)
            child.save(update_fields=["full_path"])
            changed.append(child)
            stack.append(child)
    return changed


def category_update(
    *, category: Category, by: Any, name: str | None = None, parent: Category | Any | None = ...
) -> Category:
    """Rename or move a category; the paths of its subcategories (and their products' search) follow."""
    before = snapshot(category, ["name", "parent", "full_path"])
    if name is not None:
        category.name = " ".join(name.split())
    if parent is not ...:
        _check_parent(company_id=category.company_id, parent=parent, category=category)
        category.parent = parent
    category.full_path = _path_of(category.name, category.parent)
    with _django_errors_as_domain():
        category.full_clean()
    changes = diff(before, snapshot(category, ["name", "parent", "full_path"]))
    if not changes:
        return category
    with transaction.atomic():
        category.save()
        audit_record(actor=by, action=AuditAction.UPDATE, obj=category, changes=changes)
        moved = [category, *_rewrite_descendant_paths(category)]
        for product in Product.all_companies.filter(category__in=moved).select_related("category"):
            product_index(product)  # the category path is the product's subtitle in search
    return category


def category_delete(*, category: Category, by: Any) -> None:
    """Remove a category that has no products and no subcategories."""
    with transaction.atomic():
        audit_record(actor=by, action=AuditAction.DELETE, obj=category, changes=deleted_changes(category))
        _delete_or_refuse(
            category,
            message=_("The category %(name)s still has products or subcategories; move them first.")
            % {"name": category.full_path},
        )


# --------------------------------------------------------------------------- products
def _normalized(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for field in ("name", "internal_ref"):
        if field in out:
            out[field] = " ".join(str(out[field] or "").split())
    if "description" in out:
        out["description"] = str(out["description"] or "").strip()
    if "barcode" in out:
        out["barcode"] = normalize_barcode(str(out["barcode"] or ""))
    for field in ("sale_currency", "purchase_currency"):
        if out.get(field):
            out[field] = str(out[field]).strip().upper()
            if not is_valid_currency(out[field]):
                raise ValidationFailed(
                    _("%(value)s is not an ISO 4217 currency code (for example THB, KHR or USD).")
                    % {"value": out[field]},
                    field=field,
                )
    for field in ("sale_price", "purchase_price"):
        if field in out:
            out[field] = _decimal(out[field] if out[field] not in (None, "") else 0, field=field)
    if "kind" in out and out["kind"] not in ProductKind.values:
        raise ValidationFailed(_("Choose goods, service or consumable."), field="kind")
    image = out.get("image")
    if isinstance(image, UploadedFile):
        try:
            out["image"] = clean_image(image)
        except ValidationError as exc:
            raise ValidationFailed("; ".join(exc.messages), field="image") from exc
    return out


def _refuse_duplicates(product: Product) -> None:
    """A clear 409 naming the field, before the database constraint would refuse the row."""
    others = Product.all_companies.filter(company_id=product.company_id)
    if product.pk is not None:
        others = others.exclude(pk=product.pk)
    if product.internal_ref and others.filter(internal_ref=product.internal_ref).exists():
        raise DuplicateProductError(
            _("Another product of this company already has the internal reference %(ref)s.")
            % {"ref": product.internal_ref},
            field="internal_ref",
        )
    if product.barcode and others.filter(barcode=product.barcode).exists():
        raise DuplicateProductError(
            _("Another product of this company already has the barcode %(barcode)s.")
            % {"barcode": product.barcode},
            field="barcode",
        )


def product_validate(product: Product) -> None:
    """Every rule a product must satisfy before it is saved; raises ``ValidationFailed``/``Conflict``."""
    with _django_errors_as_domain():
        product.full_clean(validate_constraints=False)
    _refuse_duplicates(product)
    with _django_errors_as_domain():
        product.validate_constraints()


def product_create(
    *,
    company: Company,
    by: Any,
    name: str,
    kind: str = ProductKind.GOODS,
    uom: Uom | None = None,
    purchase_uom: Uom | None = None,
    sale_price: Decimal | str | int = 0,
    sale_currency: str = "",
    purchase_price: Decimal | str | int = 0,
    purchase_currency: str = "",
    internal_ref: str = "",
    barcode: str = "",
    category: Category | None = None,
    description: str = "",
    image: Any = None,
    is_active: bool = True,
) -> Product:
    """Add a product; the unit defaults to pieces, the purchase unit to the unit, currencies to the company's."""
    values = _normalized(
        {
            "name": name,
            "kind": kind,
            "sale_price": sale_price,
            "sale_currency": sale_currency or company.currency,
            "purchase_price": purchase_price,
            "purchase_currency": purchase_currency or company.currency,
            "internal_ref": internal_ref,
            "barcode": barcode,
            "description": description,
            "image": image,
        }
    )
    if uom is None:
        uom = uom_by_code(DEFAULT_UOM_CODE, company=company)
    product = Product(
        company=company,
        uom=uom,
        purchase_uom=purchase_uom or uom,
        category=category,
        is_active=is_active,
        **{key: value for key, value in values.items() if not (key == "image" and value is None)},
    )
    product_validate(product)
    with transaction.atomic():
        product.save()
        audit_record(
            actor=by, action=AuditAction.CREATE, obj=product, changes=created_changes(product, AUDITED_FIELDS)
        )
        product_index(product)
        _publish(
            ProductCreated(
                product_id=product.pk, company_id=product.company_id, kind=product.kind, name=product.name
            ),
            by=by,
            about=product,
        )
    return product


def product_update(*, product: Product, by: Any, **changes: Any) -> Product:
    """Change a product's details; nothing is saved (and the object is restored) if any value is refused."""
    unknown = sorted(set(changes) - PRODUCT_UPDATABLE)
    if unknown:
        raise ValidationFailed(
            _("Unknown or read-only field: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    values = _normalized(changes)
    before = snapshot(product, AUDITED_FIELDS)
    previous = {name: getattr(product, name) for name in values}
    for name, value in values.items():
        setattr(product, name, value)
    try:
        product_validate(product)
    except Exception:
        for name, value in previous.items():
            setattr(product, name, value)
        raise
    recorded = diff(before, snapshot(product, AUDITED_FIELDS))
    if not recorded:
        return product
    with transaction.atomic():
        product.save()
        audit_record(actor=by, action=AuditAction.UPDATE, obj=product, changes=recorded)
        product_index(product)
        fields = tuple(sorted(recorded))
        if fields == ("is_active",):
            event: Event = (
                ProductArchived(product_id=product.pk, company_id=product.company_id)
                if not product.is_active
                else ProductUnarchived(product_id=product.pk, company_id=product.company_id)
            )
        else:
            event = ProductUpdated(product_id=product.pk, company_id=product.company_id, fields=fields)
        _publish(event, by=by, about=product)
    return product


def product_archive(*, product: Product, by: Any) -> Product:
    """Take a product out of use, keeping it for the documents that name it."""
    return product_update(product=product, by=by, is_active=False)


def product_unarchive(*, product: Product, by: Any) -> Product:
    return product_update(product=product, by=by, is_active=True)


def product_delete(*, product: Product, by: Any) -> None:
    """Remove a product nothing refers to; one that orders or stock point at must be archived instead."""
    product_id, company_id, name = product.pk, product.company_id, product.name
    with transaction.atomic():
        audit_record(
            actor=by, action=AuditAction.DELETE, obj=product, changes=deleted_changes(product, AUDITED_FIELDS)
        )
        _delete_or_refuse(
            product,
            message=_("%(name)s is used in other records and cannot be deleted; archive it instead.")
            % {"name": name},
        )
        product_unindex(product_id)
        _publish(
            ProductDeleted(product_id=product_id, company_id=company_id, name=name),
            by=by,
            about=("catalog.product", product_id),
        )
