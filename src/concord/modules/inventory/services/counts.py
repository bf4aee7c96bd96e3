"""Inventory counts: open a count sheet of a location, enter what was counted, apply the differences.

Applying posts one adjustment transfer: shortfalls move to the inventory-loss location, surpluses come
from it, each valued (a loss at the stock's cost, a gain at the current cost) and posted to the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.numbering.services import sequence_next
from concord.modules.catalog import facade as catalog
from concord.modules.inventory.errors import TransferStateError
from concord.modules.inventory.models import (
    CountState,
    InventoryCount,
    InventoryCountLine,
    Location,
    LocationUsage,
    Lot,
    Move,
    MoveLine,
    MoveState,
    Quant,
    Transfer,
    TransferKind,
    TransferState,
)
from concord.modules.inventory.services.quants import quants_add, quants_change, subtree_ids
from concord.modules.inventory.services.setup import actor, virtual_location
from concord.modules.inventory.services.valuation import ValuedMove, value_moves

__all__ = ["count_apply", "count_cancel", "count_create", "count_line_add", "count_set"]

ZERO = Decimal(0)


@transaction.atomic
def count_create(
    *,
    company: Company,
    location: Location,
    by: Any,
    name: str = "",
    product_ids: Sequence[int] | None = None,
    date: dt.date | None = None,
) -> InventoryCount:
    """A count sheet of ``location`` (and its sub-locations) listing what the quants say is there."""
    if location.company_id != company.pk or location.usage != LocationUsage.INTERNAL:
        raise ValidationFailed(_("Count an internal location of this company."), field="location")
    day = date or timezone.localdate()
    count = InventoryCount.all_companies.create(
        company=company,
        name=(name or "").strip()
        or _("Count of %(location)s on %(date)s") % {"location": location.full_name, "date": day},
        location=location,
        date=day,
        created_by=actor(by),
    )
    quants = Quant.all_companies.filter(company_id=company.pk, location_id__in=subtree_ids(company, location))
    if product_ids is not None:
        quants = quants.filter(product_id__in=product_ids)
    lines = [
        InventoryCountLine(
            company=company,
            count=count,
            product_id=q.product_id,
            location_id=q.location_id,
            lot_id=q.lot_id,
            expected_quantity=q.quantity,
        )
        for q in quants.exclude(quantity=0).order_by("location_id", "product_id", "lot_id")
    ]
    InventoryCountLine.all_companies.bulk_create(lines)
    audit_record(actor=actor(by), action=AuditAction.CREATE, obj=count, changes={"lines": [None, len(lines)]})
    return count


def _open(count: InventoryCount) -> None:
    if count.state != CountState.DRAFT:
        raise TransferStateError(_("This count is already %(state)s.") % {"state": count.get_state_display()})


@transaction.atomic
def count_line_add(
    *,
    count: InventoryCount,
    product_id: int,
    counted_quantity: Any,
    by: Any,
    location: Location | None = None,
    lot_name: str = "",
) -> InventoryCountLine:
    """Add a product found on the shelves that the sheet did not list."""
    _open(count)
    company = count.company
    product = catalog.products_get([product_id]).get(product_id)
    if product is None or product.company_id != company.pk or not product.is_stocked:
        raise ValidationFailed(_("There is no such stocked product."), field="product")
    where = location or count.location
    if where.pk not in subtree_ids(company, count.location):
        raise ValidationFailed(_("Choose a location inside the counted one."), field="location")
    lot = None
    if lot_name.strip():
        lot, _created = Lot.all_companies.get_or_create(
            company=company, product_id=product_id, name=lot_name.strip()
        )
    line, created = InventoryCountLine.all_companies.get_or_create(
        count=count, product_id=product_id, location=where, lot=lot, defaults={"company": company}
    )
    line.counted_quantity = _counted(counted_quantity)
    line.save(update_fields=["counted_quantity"])
    del created
    return line


def _counted(value: Any) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except ArithmeticError as exc:
        raise ValidationFailed(_("A counted quantity is a number."), field="counted_quantity") from exc
    if not quantity.is_finite() or quantity < 0:
        raise ValidationFailed(_("A counted quantity cannot be negative."), field="counted_quantity")
    return quantity.quantize(Decimal("0.0001"))


@transaction.atomic
def count_set(*, count: InventoryCount, counted: Mapping[int, Any], by: Any) -> InventoryCount:
    """Record counted quantities (line id -> quantity; an empty value means not counted yet)."""
    _open(count)
    lines = {
        line.pk: line for line in InventoryCountLine.all_companies.filter(count=count, pk__in=list(counted))
    }
    for line_id, value in counted.items():
        line = lines.get(int(line_id))
        if line is None:
            raise ValidationFailed(
                _("Line %(id)s is not on this count sheet.") % {"id": line_id}, field="lines"
            )
        line.counted_quantity = None if value in (None, "") else _counted(value)
    InventoryCountLine.all_companies.bulk_update(list(lines.values()), ["counted_quantity"])
    del by
    return count


@transaction.atomic
def count_apply(*, count: InventoryCount, by: Any) -> InventoryCount:
    """Post the differences of the counted lines as one adjustment (uncounted lines change nothing)."""
    count = InventoryCount.all_companies.select_for_update().get(pk=count.pk)
    _open(count)
    company = count.company
    lines = [
        line
        for line in InventoryCountLine.all_companies.filter(count=count)
        if line.counted_quantity is not None
    ]
    if not lines:
        raise ValidationFailed(_("Enter at least one counted quantity."), field="lines")
    # The difference is against the stock now (moves may have happened since the sheet was opened).
    current = {
        (q.product_id, q.location_id, q.lot_id): q
        for q in Quant.all_companies.select_for_update().filter(
            company_id=company.pk,
            product_id__in={line.product_id for line in lines},
            location_id__in={line.location_id for line in lines},
        )
    }
    loss = virtual_location(company, LocationUsage.INVENTORY)
    warehouse = count.location.warehouse
    if warehouse is None:
        raise ValidationFailed(_("The counted location belongs to no warehouse."), field="location")
    transfer = Transfer.all_companies.create(
        company=company,
        kind=TransferKind.ADJUSTMENT,
        number=sequence_next(company=company, doc_type=f"{warehouse.code}/ADJ", on_date=count.date),
        warehouse=warehouse,
        source_location=count.location,
        dest_location=loss,
        scheduled_date=count.date,
        origin=count.name[:80],
        state=TransferState.DONE,
        created_by=actor(by),
    )
    now = timezone.now()
    moves: list[Move] = []
    plan: list[tuple[Move, InventoryCountLine, Decimal]] = []
    for number, line in enumerate(lines):
        quant = current.get((line.product_id, line.location_id, line.lot_id))
        have = quant.quantity if quant is not None else ZERO
        diff = (line.counted_quantity or ZERO) - have
        if diff == 0:
            continue
        if quant is not None and diff < 0 and quant.quantity - quant.reserved_quantity < -diff:
            # Reserved units that are not there any more: give the reservations back first.
            raise ValidationFailed(
                _("Some of the missing units are reserved for a transfer: cancel or change it first."),
                field="lines",
            )
        source, dest = (line.location, loss) if diff < 0 else (loss, line.location)
        move = Move(
            company=company,
            transfer=transfer,
            product_id=line.product_id,
            quantity=abs(diff),
            quantity_done=abs(diff),
            source_location=source,
            dest_location=dest,
            state=MoveState.DONE,
            done_at=now,
            sequence=number,
        )
        moves.append(move)
        plan.append((move, line, diff))
    Move.all_companies.bulk_create(moves)
    history = []
    taking: dict[int, Decimal] = {}
    adding = []
    for move, line, diff in plan:
        history.append(
            MoveLine(
                company=company,
                move=move,
                product_id=line.product_id,
                lot_id=line.lot_id,
                source_location_id=move.source_location_id,
                dest_location_id=move.dest_location_id,
                quantity=abs(diff),
                done_at=now,
            )
        )
        if diff < 0:
            taking[current[(line.product_id, line.location_id, line.lot_id)].pk] = diff
        else:
            adding.append(((line.product_id, line.location_id, line.lot_id), diff))
    quants_change(taking, {})
    quants_add(company, adding)
    MoveLine.all_companies.bulk_create(history)
    locations = {
        loc.pk: loc
        for loc in Location.all_companies.filter(pk__in={loss.pk} | {line.location_id for line in lines})
    }
    products = catalog.products_get({m.product_id for m in moves})
    value_moves(
        company=company,
        transfer=transfer,
        done=[ValuedMove(move=m, quantity=m.quantity) for m in moves],
        locations=locations,
        products=products,
        date=count.date,
        by=by,
    )
    Move.all_companies.bulk_update(moves, ["value"])
    count.state = CountState.DONE
    count.transfer = transfer
    count.save(update_fields=["state", "transfer"])
    audit_record(
        actor=actor(by),
        action=AuditAction.UPDATE,
        obj=count,
        changes={"state": ["draft", "done"], "moves": [None, len(moves)]},
    )
    return count


@transaction.atomic
def count_cancel(*, count: InventoryCount, by: Any) -> InventoryCount:
    _open(count)
    count.state = CountState.CANCELLED
    count.save(update_fields=["state"])
    audit_record(
        actor=actor(by), action=AuditAction.UPDATE, obj=count, changes={"state": ["draft", "cancelled"]}
    )
    return count
