"""Bills of materials: create, change, archive, delete; every change refuses cycles and foreign units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.modules.catalog.facade import ProductInfo, product_get, uom_convert
from concord.modules.manufacturing.models import BillOfMaterials, BomKind, BomLine
from concord.modules.manufacturing.queries import component_graph

__all__ = ["MAX_LINES", "BomLineInput", "bom_archive", "bom_create", "bom_delete", "bom_update"]

MAX_LINES = 500
_ZERO = Decimal(0)


@dataclass(frozen=True)
class BomLineInput:
    """A component line to save: which product, how much, in which unit (default: the component's own)."""

    product_id: int
    quantity: Decimal
    uom_id: int | None = None


def _product(company: Company, product_id: int, *, field: str) -> ProductInfo:
    try:
        product = product_get(product_id)
    except NotFound:
        product = None
    if product is None or product.company_id != company.pk:
        raise ValidationFailed(
            _("There is no such product in %(company)s.") % {"company": company.name}, field=field
        )
    return product


def _check_unit(product: ProductInfo, uom_id: int, *, field: str, prefix: str = "") -> None:
    """Refuse a unit of another kind than the product's (kilograms for a product counted in pieces)."""
    if uom_id == product.uom_id:
        return
    try:
        uom_convert(1, uom_id, product.uom_id)
    except (ValidationFailed, NotFound) as exc:
        raise ValidationFailed(
            _("%(prefix)s%(product)s is counted in a unit of another kind: %(reason)s")
            % {"prefix": prefix, "product": product.name, "reason": exc.message},
            field=field,
        ) from exc


def _check_header(company: Company, product_id: int, quantity: Decimal, uom_id: int | None) -> int:
    """The unit of the BOM's output, once its product, quantity and unit are checked."""
    product = _product(company, product_id, field="product_id")
    if product.kind == "service":
        raise ValidationFailed(_("A service cannot be manufactured."), field="product_id")
    if quantity is None or quantity <= _ZERO:
        raise ValidationFailed(_("The quantity produced must be more than zero."), field="quantity")
    unit = uom_id or product.uom_id
    _check_unit(product, unit, field="uom_id")
    return unit


def _built_lines(
    company: Company, lines: Sequence[BomLineInput]
) -> list[tuple[BomLineInput, ProductInfo, int]]:
    if not lines:
        raise ValidationFailed(_("A bill of materials needs at least one component."), field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationFailed(
            _("A bill of materials can have at most %(max)s components.") % {"max": MAX_LINES}, field="lines"
        )
    built = []
    for index, line in enumerate(lines, start=1):
        prefix = _("Line %(line)s: ") % {"line": index}
        try:
            product = _product(company, line.product_id, field="lines")
        except ValidationFailed as exc:
            raise ValidationFailed(f"{prefix}{exc.message}", field="lines") from exc
        if product.kind == "service":
            raise ValidationFailed(
                _("Line %(line)s: %(product)s is a service; a component must be goods or a consumable.")
                % {"line": index, "product": product.name},
                field="lines",
            )
        if line.quantity is None or line.quantity <= _ZERO:
            raise ValidationFailed(
                _("Line %(line)s: the quantity must be more than zero.") % {"line": index}, field="lines"
            )
        unit = line.uom_id or product.uom_id
        _check_unit(product, unit, field="lines", prefix=prefix)
        built.append((line, product, unit))
    return built


def _refuse_cycles(
    company: Company, bom: BillOfMaterials | None, product_id: int, component_ids: list[int]
) -> None:
    """Refuse a structure in which ``product_id`` is, at any depth, a component of itself."""
    graph = component_graph(company.pk, excluding_bom_id=bom.pk if bom is not None else None)
    graph[product_id] = graph.get(product_id, set()) | set(component_ids)
    path = _cycle_from(product_id, graph)
    if path:
        names = [_name(pk) for pk in path]
        raise ValidationFailed(
            _("A product cannot be made of itself: %(path)s.") % {"path": " → ".join(names)}, field="lines"
        )


def _cycle_from(start: int, graph: dict[int, set[int]]) -> list[int]:
    """The path start -> ... -> start if there is one (iterative depth-first search), else []."""
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        for child in sorted(graph.get(node, ())):
            if child == start:
                return [*path, start]
            if child not in seen:
                seen.add(child)
                stack.append((child, [*path, child]))
    return []


def _name(product_id: int) -> str:
    try:
        return product_get(product_id).name
    except NotFound:
        return f"#{product_id}"


def _save_lines(bom: BillOfMaterials, built: list[tuple[BomLineInput, ProductInfo, int]]) -> None:
    BomLine.all_companies.bulk_create(
        [
            BomLine(
                company_id=bom.company_id,
                bom=bom,
                sequence=index,
                product_id=product.id,
                quantity=line.quantity,
                uom_id=unit,
            )
            for index, (line, product, unit) in enumerate(built, start=1)
        ]
    )


def _lines_snapshot(bom: BillOfMaterials) -> list[str]:
    return [
        f"{line.product_id}:{line.quantity.normalize():f}:{line.uom_id}"
        for line in BomLine.all_companies.filter(bom=bom).order_by("sequence", "pk")
    ]


def _refuse_second_active(company: Company, product_id: int, bom: BillOfMaterials | None) -> None:
    others = BillOfMaterials.all_companies.filter(company=company, product_id=product_id, is_active=True)
    if bom is not None:
        others = others.exclude(pk=bom.pk)
    if others.exists():
        raise Conflict(_("This product already has an active bill of materials."), field="product_id")


def bom_create(
    *,
    company: Company,
    product_id: int,
    lines: Sequence[BomLineInput],
    by: Any,
    quantity: Decimal = Decimal(1),
    uom_id: int | None = None,
    kind: str = BomKind.NORMAL,
    code: str = "",
    note: str = "",
) -> BillOfMaterials:
    """Add the active bill of materials of a product (one active BOM per product)."""
    if kind not in BomKind.values:
        raise ValidationFailed(_("Choose a valid type of bill of materials."), field="kind")
    with transaction.atomic():
        unit = _check_header(company, product_id, quantity, uom_id)
        built = _built_lines(company, lines)
        _refuse_second_active(company, product_id, None)
        _refuse_cycles(company, None, product_id, [product.id for _line, product, _unit in built])
        bom = BillOfMaterials.all_companies.create(
            company=company,
            product_id=product_id,
            quantity=quantity,
            uom_id=unit,
            kind=kind,
            code=code.strip(),
            note=note,
            created_by=by if getattr(by, "pk", None) else None,
        )
        _save_lines(bom, built)
        audit_record(
            actor=by, action=AuditAction.CREATE, obj=bom, changes={"lines": [None, _lines_snapshot(bom)]}
        )
    return bom


def bom_update(
    *,
    bom: BillOfMaterials,
    by: Any,
    lines: Sequence[BomLineInput] | None = None,
    quantity: Decimal | None = None,
    uom_id: int | None = None,
    kind: str | None = None,
    code: str | None = None,
    note: str | None = None,
) -> BillOfMaterials:
    """Change a bill of materials (only what is given; ``lines`` replaces them all).

    Orders already made keep the components they were exploded into; new orders use the new lines.
    """
    if kind is not None and kind not in BomKind.values:
        raise ValidationFailed(_("Choose a valid type of bill of materials."), field="kind")
    with transaction.atomic():
        bom = BillOfMaterials.all_companies.select_for_update().select_related("company").get(pk=bom.pk)
        company = bom.company
        new_quantity = quantity if quantity is not None else bom.quantity
        unit = _check_header(company, bom.product_id, new_quantity, uom_id or bom.uom_id)
        changes: dict[str, list[Any]] = {}
        if lines is not None:
            built = _built_lines(company, lines)
            if bom.is_active:
                _refuse_cycles(company, bom, bom.product_id, [product.id for _line, product, _unit in built])
            before = _lines_snapshot(bom)
            BomLine.all_companies.filter(bom=bom).delete()
            _save_lines(bom, built)
            after = _lines_snapshot(bom)
            if before != after:
                changes["lines"] = [before, after]
        for name, value in (
            ("quantity", new_quantity),
            ("uom_id", unit),
            ("kind", kind),
            ("code", code.strip() if code is not None else None),
            ("note", note),
        ):
            if value is not None and getattr(bom, name) != value:
                changes[name] = [str(getattr(bom, name)), str(value)]
                setattr(bom, name, value)
        if changes:
            bom.save()
            audit_record(actor=by, action=AuditAction.UPDATE, obj=bom, changes=changes)
    return bom


def bom_archive(*, bom: BillOfMaterials, by: Any, active: bool = False) -> BillOfMaterials:
    """Archive a bill of materials (new orders no longer use it), or bring it back with ``active``."""
    with transaction.atomic():
        bom = BillOfMaterials.all_companies.select_for_update().select_related("company").get(pk=bom.pk)
        if bom.is_active == active:
            return bom
        if active:
            _refuse_second_active(bom.company, bom.product_id, bom)
            _refuse_cycles(
                bom.company, bom, bom.product_id, list(bom.lines.values_list("product_id", flat=True))
            )
        bom.is_active = active
        bom.save(update_fields=["is_active"])
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=bom, changes={"is_active": [not active, active]}
        )
    return bom


def bom_delete(*, bom: BillOfMaterials, by: Any) -> None:
    """Delete a bill of materials no order uses (archive it otherwise)."""
    with transaction.atomic():
        bom = BillOfMaterials.all_companies.select_for_update().get(pk=bom.pk)
        if bom.orders.exists():
            raise Conflict(_("Manufacturing orders use this bill of materials; archive it instead."))
        audit_record(actor=by, action=AuditAction.DELETE, obj=bom)
        bom.delete()
