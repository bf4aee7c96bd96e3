"""Manufacturing orders: draft from a BOM, confirm (reserve the components), produce, cancel.

Every action is idempotent: the order row is locked first and its state decides (confirming a confirmed
order or producing a done one answers the order as it is), and inventory is called with the order's
``source_key`` so a retried call never reserves or receives twice.

Producing less than the order's quantity closes the order with what was made; the rest becomes a
backorder: a new confirmed order for the remaining quantity that takes over the remaining reservations
(``backorder=False`` releases them instead)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.core.numbering.services import sequence_next
from concord.core.outbox.facade import publish
from concord.modules.catalog.facade import product_get
from concord.modules.inventory import facade as inventory
from concord.modules.manufacturing.events import (
    ManufacturingOrderCancelled,
    ManufacturingOrderConfirmed,
    ManufacturingOrderDone,
)
from concord.modules.manufacturing.models import (
    BillOfMaterials,
    ManufacturingOrder,
    OrderComponent,
    OrderState,
)
from concord.modules.manufacturing.queries import bom_active_for, bom_explode, qty_round

__all__ = ["order_cancel", "order_confirm", "order_create", "order_produce", "order_update"]

DOC_TYPE = "MO"
_ZERO = Decimal(0)
_CLOSED_TRANSFER = ("done", "cancelled")


def _actor_id(by: Any) -> int | None:
    pk = getattr(by, "pk", None)
    return pk if isinstance(pk, int) else None


def _locked(order: ManufacturingOrder) -> ManufacturingOrder:
    """The order re-read under a row lock: concurrent clicks on one order queue here."""
    return (
        ManufacturingOrder.all_companies.select_for_update()
        .select_related("company", "product")
        .get(pk=order.pk)
    )


def _bom_for(company: Company, product_id: int, bom_id: int | None) -> BillOfMaterials:
    if bom_id is None:
        bom = bom_active_for(company.pk, product_id)
        if bom is None:
            raise ValidationFailed(_("This product has no active bill of materials."), field="bom_id")
        return bom
    bom = (
        BillOfMaterials.all_companies.select_related("product", "uom")
        .filter(pk=bom_id, company=company)
        .first()
    )
    if bom is None:
        raise ValidationFailed(
            _("There is no such bill of materials in %(company)s.") % {"company": company.name},
            field="bom_id",
        )
    if bom.product_id != product_id:
        raise ValidationFailed(_("This bill of materials makes another product."), field="bom_id")
    if not bom.is_active:
        raise ValidationFailed(_("This bill of materials is archived."), field="bom_id")
    return bom


def _check_product(company: Company, product_id: int) -> None:
    try:
        product = product_get(product_id)
    except NotFound:
        product = None
    if product is None or product.company_id != company.pk:
        raise ValidationFailed(
            _("There is no such product in %(company)s.") % {"company": company.name}, field="product_id"
        )
    if not product.is_active:
        raise ValidationFailed(_("This product is archived."), field="product_id")


def _check_quantity(quantity: Decimal | None) -> Decimal:
    if quantity is None or quantity <= _ZERO:
        raise ValidationFailed(_("The quantity to produce must be more than zero."), field="quantity")
    return qty_round(quantity)


def _explode_components(order: ManufacturingOrder, bom: BillOfMaterials) -> None:
    OrderComponent.all_companies.filter(order=order).delete()
    components = bom_explode(bom, order.quantity)
    OrderComponent.all_companies.bulk_create(
        [
            OrderComponent(
                company_id=order.company_id,
                order=order,
                sequence=index,
                product_id=component.product_id,
                quantity=component.quantity,
                sub_bom_id=component.sub_bom_id,
            )
            for index, component in enumerate(components, start=1)
            if component.quantity > _ZERO
        ]
    )


def order_create(
    *,
    company: Company,
    product_id: int,
    quantity: Decimal,
    by: Any,
    bom_id: int | None = None,
    planned_date: dt.date | None = None,
    origin: str = "",
    note: str = "",
) -> ManufacturingOrder:
    """Draft an order for ``quantity`` (in the product's unit), its components exploded from the BOM."""
    with transaction.atomic():
        _check_product(company, product_id)
        amount = _check_quantity(quantity)
        bom = _bom_for(company, product_id, bom_id)
        today = timezone.localdate()
        order = ManufacturingOrder.all_companies.create(
            company=company,
            number=sequence_next(company=company, doc_type=DOC_TYPE, on_date=today),
            product_id=product_id,
            bom=bom,
            quantity=amount,
            planned_date=planned_date or today,
            origin=origin.strip()[:80],
            note=note,
            created_by=by if _actor_id(by) else None,
        )
        _explode_components(order, bom)
        audit_record(actor=by, action=AuditAction.CREATE, obj=order)
    return order


def order_update(
    *,
    order: ManufacturingOrder,
    by: Any,
    quantity: Decimal | None = None,
    bom_id: int | None = None,
    planned_date: dt.date | None = None,
    note: str | None = None,
) -> ManufacturingOrder:
    """Change a draft order (only what is given); its components are exploded again."""
    with transaction.atomic():
        order = _locked(order)
        if order.state != OrderState.DRAFT:
            raise Conflict(_("Only a draft order can be changed."), field="state")
        changes: dict[str, list[Any]] = {}
        bom = _bom_for(order.company, order.product_id, bom_id if bom_id is not None else order.bom_id)
        new_quantity = _check_quantity(quantity) if quantity is not None else order.quantity
        for name, value in (
            ("bom_id", bom.pk),
            ("quantity", new_quantity),
            ("planned_date", planned_date),
            ("note", note),
        ):
            if value is not None and getattr(order, name) != value:
                changes[name] = [str(getattr(order, name)), str(value)]
                setattr(order, name, value)
        if changes:
            order.save()
            _explode_components(order, bom)
            audit_record(actor=by, action=AuditAction.UPDATE, obj=order, changes=changes)
    return order


def _stock_lines(components: Sequence[OrderComponent]) -> list[inventory.StockLine]:
    return [
        inventory.StockLine(
            product_id=component.product_id, quantity=component.quantity, origin_key=component.origin_key
        )
        for component in components
    ]


def _components(order: ManufacturingOrder) -> list[OrderComponent]:
    return list(OrderComponent.all_companies.filter(order=order).order_by("sequence", "pk"))


def _reserve(order: ManufacturingOrder, by: Any, *, transfer_id: int | None = None) -> bool:
    """Reserve the order's components (on ``transfer_id`` if inventory already holds them); fully?"""
    lines = _stock_lines(_components(order))
    if transfer_id is not None:
        info = inventory.transfer_update_lines(transfer_id, lines=lines, by=by, allow_backorder=True)
    else:
        info = inventory.transfer_create(
            company_id=order.company_id,
            kind="consume",
            lines=lines,
            by=by,
            allow_backorder=True,
            origin=order.number,
            source_key=order.source_key,
            scheduled_date=order.planned_date,
            reserve=True,
        )
    order.consume_transfer_id = info.id
    return all(move.quantity_reserved >= move.quantity for move in info.moves)


def _confirmed(order: ManufacturingOrder, by: Any, *, transfer_id: int | None = None) -> ManufacturingOrder:
    """Confirm a locked draft inside the caller's transaction."""
    fully = _reserve(order, by, transfer_id=transfer_id)
    order.state = OrderState.CONFIRMED
    order.save(update_fields=["consume_transfer_id", "state"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=order,
        changes={
            "state": [OrderState.DRAFT, OrderState.CONFIRMED],
            "consume_transfer_id": [None, order.consume_transfer_id],
        },
    )
    publish(
        ManufacturingOrderConfirmed(
            order_id=order.pk,
            company_id=order.company_id,
            number=order.number,
            product_id=order.product_id,
            product_name=order.product.name,
            quantity=f"{order.quantity.normalize():f}",
            fully=fully,
        ),
        company_id=order.company_id,
        actor_id=_actor_id(by),
        aggregate=order,
    )
    return order


def order_confirm(*, order: ManufacturingOrder, by: Any) -> ManufacturingOrder:
    """Confirm a draft: reserve its components (what is short waits for stock). Confirmed already: no-op."""
    with transaction.atomic():
        order = _locked(order)
        if order.state in (OrderState.CONFIRMED, OrderState.DONE):
            return order
        if order.state == OrderState.CANCELLED:
            raise Conflict(_("A cancelled order cannot be confirmed."), field="state")
        if not OrderComponent.all_companies.filter(order=order).exists():
            raise ValidationFailed(_("The order has no components to consume."), field="bom_id")
        return _confirmed(order, by)


def _consumed_quantities(
    order: ManufacturingOrder, components: list[OrderComponent], produced: Decimal, moves: Sequence[Any]
) -> dict[int, Decimal]:
    """Move id -> the quantity producing ``produced`` consumes (its share of each component)."""
    by_origin = {component.origin_key: component for component in components}
    quantities: dict[int, Decimal] = {}
    for move in moves:
        component = by_origin.get(move.origin_key)
        if component is None or move.state in _CLOSED_TRANSFER:
            continue
        if produced == order.quantity:
            quantities[move.id] = move.quantity
        else:
            quantities[move.id] = qty_round(component.quantity * produced / order.quantity)
    return quantities


def order_produce(
    *, order: ManufacturingOrder, by: Any, quantity: Decimal | None = None, backorder: bool = True
) -> ManufacturingOrder:
    """Record production of ``quantity`` (default: all): consume the components, receive the goods.

    A draft is confirmed first. The finished goods are valued at what the components cost (inventory
    posts both). Less than the order's quantity closes it with what was made, and the rest becomes a
    backorder (a new confirmed order) unless ``backorder`` is False. A done order answers as it is.
    """
    with transaction.atomic():
        order = _locked(order)
        if order.state == OrderState.DONE:
            return order
        if order.state == OrderState.CANCELLED:
            raise Conflict(_("A cancelled order cannot produce."), field="state")
        produced = _check_quantity(quantity) if quantity is not None else order.quantity
        if produced > order.quantity:
            raise ValidationFailed(
                _("The order makes %(quantity)s; it cannot produce more.")
                % {"quantity": f"{order.quantity.normalize():f}"},
                field="quantity",
            )
        if order.state == OrderState.DRAFT:
            order_confirm(order=order, by=by)
            order = _locked(order)
        assert order.consume_transfer_id is not None  # noqa: S101 - a confirmed order holds its transfer
        transfer = inventory.transfer_get(order.consume_transfer_id)
        if transfer is None:
            raise NotFound(_("The components transfer of this order is missing."))
        components = _components(order)
        quantities = _consumed_quantities(order, components, produced, transfer.moves)
        finished = inventory.production_done(
            consume_transfer_id=transfer.id,
            produce=[
                inventory.StockLine(
                    product_id=order.product_id, quantity=produced, origin_key=order.source_key
                )
            ],
            by=by,
            quantities=quantities,
            origin=order.number,
            source_key=f"{order.source_key}:produce",
        )
        by_move = {move.origin_key: quantities.get(move.id, _ZERO) for move in transfer.moves}
        for component in components:
            component.quantity_consumed = by_move.get(component.origin_key, _ZERO)
        OrderComponent.all_companies.bulk_update(components, ["quantity_consumed"])
        order.state = OrderState.DONE
        order.quantity_produced = produced
        order.value = finished.value
        order.produce_transfer_id = finished.id if finished.kind == "produce" else None
        order.done_at = timezone.now()
        order.save(update_fields=["state", "quantity_produced", "value", "produce_transfer_id", "done_at"])
        rest = _backorder(order, components, by, keep=backorder, consumed=inventory.transfer_get(transfer.id))
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=order,
            changes={
                "state": [OrderState.CONFIRMED, OrderState.DONE],
                "quantity_produced": ["0", f"{produced.normalize():f}"],
                "value": ["0", f"{order.value:f}"],
            },
        )
        publish(
            ManufacturingOrderDone(
                order_id=order.pk,
                company_id=order.company_id,
                number=order.number,
                product_id=order.product_id,
                product_name=order.product.name,
                quantity=f"{produced.normalize():f}",
                value=f"{order.value:f}",
                currency=order.company.currency,
                backorder_id=rest.pk if rest is not None else None,
            ),
            company_id=order.company_id,
            actor_id=_actor_id(by),
            aggregate=order,
        )
    return order


def _backorder(
    order: ManufacturingOrder,
    components: list[OrderComponent],
    by: Any,
    *,
    keep: bool,
    consumed: inventory.TransferInfo | None,
) -> ManufacturingOrder | None:
    """The order for what was not produced (taking over inventory's remaining reservations), or None."""
    rest_transfer_id = consumed.backorder_id if consumed is not None else None
    if rest_transfer_id is not None:
        rest_transfer = inventory.transfer_get(rest_transfer_id)
        if rest_transfer is None or rest_transfer.state in _CLOSED_TRANSFER:
            rest_transfer_id = None
    remaining = order.quantity - order.quantity_produced
    if remaining <= _ZERO or not keep:
        if rest_transfer_id is not None:
            inventory.transfer_cancel(rest_transfer_id, by=by)
        return None
    rest = ManufacturingOrder.all_companies.create(
        company_id=order.company_id,
        number=sequence_next(company=order.company, doc_type=DOC_TYPE, on_date=timezone.localdate()),
        product_id=order.product_id,
        bom_id=order.bom_id,
        quantity=remaining,
        planned_date=order.planned_date,
        backorder_of=order,
        origin=order.number,
        note=order.note,
        created_by=by if _actor_id(by) else None,
    )
    OrderComponent.all_companies.bulk_create(
        [
            OrderComponent(
                company_id=order.company_id,
                order=rest,
                sequence=component.sequence,
                product_id=component.product_id,
                quantity=component.quantity - component.quantity_consumed,
                sub_bom_id=component.sub_bom_id,
            )
            for component in components
            if component.quantity > component.quantity_consumed
        ]
    )
    audit_record(
        actor=by, action=AuditAction.CREATE, obj=rest, changes={"backorder_of": [None, order.number]}
    )
    rest = ManufacturingOrder.all_companies.select_related("company", "product").get(pk=rest.pk)
    if OrderComponent.all_companies.filter(order=rest).exists():
        _confirmed(rest, by, transfer_id=rest_transfer_id)
    elif rest_transfer_id is not None:
        inventory.transfer_cancel(rest_transfer_id, by=by)
    return rest


def order_cancel(*, order: ManufacturingOrder, by: Any) -> ManufacturingOrder:
    """Cancel an order that is not done and release its reservations. Cancelled already: no-op."""
    with transaction.atomic():
        order = _locked(order)
        if order.state == OrderState.CANCELLED:
            return order
        if order.state == OrderState.DONE:
            raise Conflict(_("A done order cannot be cancelled."), field="state")
        before = order.state
        if order.consume_transfer_id is not None:
            transfer = inventory.transfer_get(order.consume_transfer_id)
            if transfer is not None and transfer.state not in _CLOSED_TRANSFER:
                inventory.transfer_cancel(transfer.id, by=by)
        order.state = OrderState.CANCELLED
        order.save(update_fields=["state"])
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=order, changes={"state": [before, OrderState.CANCELLED]}
        )
        publish(
            ManufacturingOrderCancelled(
                order_id=order.pk,
                company_id=order.company_id,
                number=order.number,
                product_id=order.product_id,
            ),
            company_id=order.company_id,
            actor_id=_actor_id(by),
            aggregate=order,
        )
    return order
