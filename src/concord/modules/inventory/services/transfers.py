"""Transfers: create (and reserve), validate (partially, with backorders), cancel, change; production.

Every write keeps quants in step with moves in the same transaction and values what moved. The query
count of a validation does not grow with its lines: quants, moves, layers and history rows are read
and written in batches.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.core.numbering.services import sequence_next
from concord.core.outbox.facade import Event, publish
from concord.modules.catalog import facade as catalog
from concord.modules.catalog.facade import ProductInfo
from concord.modules.inventory.errors import InsufficientStockError, LotRequiredError, TransferStateError
from concord.modules.inventory.events import DeliveryDone, ReceiptDone, StockReserved
from concord.modules.inventory.models import (
    KIND_PREFIX,
    Location,
    LocationUsage,
    Lot,
    Move,
    MoveLine,
    MoveState,
    ProductTracking,
    Quant,
    Reservation,
    Tracking,
    Transfer,
    TransferKind,
    TransferState,
    Warehouse,
)
from concord.modules.inventory.services.dto import MoveInfo, StockLine, TransferInfo, WarehouseInfo
from concord.modules.inventory.services.quants import (
    plain,
    quants_add,
    quants_change,
    quants_reserve_from,
    retrying,
    subtree_ids,
)
from concord.modules.inventory.services.setup import actor, virtual_location, warehouse_default
from concord.modules.inventory.services.valuation import ValuedMove, value_moves
from concord.modules.parties.facade import party_summary

__all__ = [
    "MAX_LINES",
    "production_done",
    "transfer_cancel",
    "transfer_create",
    "transfer_reserve",
    "transfer_update_lines",
    "transfer_validate",
]

ZERO = Decimal(0)
MAX_LINES = 2000
QTY_STEP = Decimal("0.0001")
_RESERVING_KINDS = (TransferKind.DELIVERY, TransferKind.INTERNAL, TransferKind.CONSUME)


# ------------------------------------------------------------------------------------------ helpers
def _company(company_id: int) -> Company:
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("There is no such company."))
    return company


def _warehouse(company: Company, warehouse_id: int | None) -> Warehouse:
    if warehouse_id is None:
        return warehouse_default(company)
    found = Warehouse.all_companies.filter(pk=warehouse_id, company_id=company.pk).first()
    if found is None:
        raise NotFound(_("There is no warehouse %(id)s.") % {"id": warehouse_id}, field="warehouse")
    return found


def _locations_for(company: Company, warehouse: Warehouse, kind: str) -> tuple[Location, Location]:
    stock = warehouse.stock_location
    if stock is None:
        raise ValidationFailed(_("The warehouse has no stock location."), field="warehouse")
    if kind == TransferKind.RECEIPT:
        return virtual_location(company, LocationUsage.SUPPLIER), stock
    if kind == TransferKind.DELIVERY:
        return stock, virtual_location(company, LocationUsage.CUSTOMER)
    if kind == TransferKind.CONSUME:
        return stock, virtual_location(company, LocationUsage.PRODUCTION)
    if kind == TransferKind.PRODUCE:
        return virtual_location(company, LocationUsage.PRODUCTION), stock
    if kind == TransferKind.INTERNAL:
        return stock, stock
    raise ValidationFailed(_("Unknown kind of transfer: %(kind)s.") % {"kind": kind}, field="kind")


def _quantity(value: Any, *, field: str) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except ArithmeticError as exc:
        raise ValidationFailed(_("A quantity must be a number."), field=field) from exc
    if not quantity.is_finite():
        raise ValidationFailed(_("A quantity must be a number."), field=field)
    return quantity.quantize(QTY_STEP)


def _trackings(company: Company, product_ids: Sequence[int]) -> dict[int, str]:
    return dict(
        ProductTracking.all_companies.filter(company_id=company.pk, product_id__in=product_ids).values_list(
            "product_id", "tracking"
        )
    )


def _prepared_lines(
    company: Company, lines: Sequence[StockLine]
) -> tuple[list[tuple[StockLine, Decimal]], dict[int, ProductInfo]]:
    """Lines of stocked products with their quantity in the product's unit; bad lines refused."""
    if not lines:
        raise ValidationFailed(_("Add at least one line."), field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationFailed(_("At most %(max)d lines.") % {"max": MAX_LINES}, field="lines")
    products = catalog.products_get(line.product_id for line in lines)
    prepared: list[tuple[StockLine, Decimal]] = []
    for number, line in enumerate(lines, start=1):
        field = f"lines.{number}"
        info = products.get(line.product_id)
        if info is None or info.company_id != company.pk:
            raise ValidationFailed(
                _("Line %(n)d: there is no product %(id)s.") % {"n": number, "id": line.product_id},
                field=f"{field}.product",
            )
        if not info.is_active:
            raise ValidationFailed(
                _("Line %(n)d: %(product)s is archived.") % {"n": number, "product": info.name},
                field=f"{field}.product",
            )
        quantity = _quantity(line.quantity, field=f"{field}.quantity")
        if quantity <= 0:
            raise ValidationFailed(
                _("Line %(n)d: the quantity must be more than zero.") % {"n": number},
                field=f"{field}.quantity",
            )
        if line.unit_cost is not None and Decimal(str(line.unit_cost)) < 0:
            raise ValidationFailed(
                _("Line %(n)d: a cost cannot be negative.") % {"n": number}, field=f"{field}.unit_cost"
            )
        if line.uom_id is not None and line.uom_id != info.uom_id:
            try:
                quantity = catalog.uom_convert(quantity, line.uom_id, info.uom_id).quantize(QTY_STEP)
            except ValidationFailed as exc:
                raise ValidationFailed(
                    _("Line %(n)d: %(error)s") % {"n": number, "error": exc.message}, field=f"{field}.uom"
                ) from exc
        if not info.is_stocked:
            continue  # services and consumables are not kept in stock
        prepared.append((line, quantity))
    if not prepared:
        raise ValidationFailed(_("None of these products is kept in stock."), field="lines")
    return prepared, products


def transfer_info(
    transfer: Transfer, moves: Sequence[Move] | None = None, *, backorder_id: int | bool | None = True
) -> TransferInfo:
    """The transfer as a plain value (``moves`` and ``backorder_id`` when the caller knows them)."""
    rows = (
        list(moves)
        if moves is not None
        else list(Move.all_companies.filter(transfer=transfer).order_by("sequence", "pk"))
    )
    if backorder_id is True:
        backorder_id = (
            Transfer.all_companies.filter(backorder_of=transfer)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    return TransferInfo(
        id=transfer.pk,
        company_id=transfer.company_id,
        kind=transfer.kind,
        number=transfer.number,
        state=transfer.state,
        warehouse_id=transfer.warehouse_id,
        partner_id=transfer.partner_id,
        origin=transfer.origin,
        source_key=transfer.source_key,
        scheduled_date=transfer.scheduled_date,
        done_at=transfer.done_at,
        backorder_id=backorder_id,
        moves=tuple(
            MoveInfo(
                id=m.pk,
                product_id=m.product_id,
                quantity=m.quantity,
                quantity_reserved=m.quantity_reserved,
                quantity_done=m.quantity_done,
                state=m.state,
                origin_key=m.origin_key,
                lot_name=m.lot_name,
                value=m.value,
            )
            for m in rows
        ),
    )


def _publish(event: Event, transfer: Transfer, by: Any) -> None:
    aggregate = ("parties.party", transfer.partner_id) if transfer.partner_id else None
    actor_id = by.pk if actor(by) is not None else None
    publish(event, company_id=transfer.company_id, actor_id=actor_id, aggregate=aggregate)


def _locked_transfer(transfer_id: int) -> Transfer:
    transfer = Transfer.objects.select_for_update().filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFound(_("There is no transfer %(id)s.") % {"id": transfer_id})
    return transfer


def _transfer_state(transfer: Transfer, moves: Sequence[Move]) -> str:
    if transfer.kind not in _RESERVING_KINDS:
        return TransferState.READY
    open_moves = [m for m in moves if m.state not in (MoveState.DONE, MoveState.CANCELLED)]
    if open_moves and all(m.quantity_reserved >= m.quantity_open for m in open_moves):
        return TransferState.READY
    return TransferState.WAITING


def _move_state(move: Move) -> str:
    if move.quantity_reserved >= move.quantity_open:
        return MoveState.ASSIGNED
    return MoveState.PARTIAL if move.quantity_reserved > 0 else MoveState.WAITING


# ------------------------------------------------------------------------------------------ create
@transaction.atomic
def transfer_create(
    *,
    company: Company,
    kind: str,
    lines: Sequence[StockLine],
    by: Any,
    partner_id: int | None = None,
    warehouse_id: int | None = None,
    allow_backorder: bool = False,
    origin: str = "",
    source_key: str = "",
    scheduled_date: dt.date | None = None,
    reserve: bool = True,
    source_location: Location | None = None,
    dest_location: Location | None = None,
    note: str = "",
) -> Transfer:
    """A transfer of ``kind`` with its moves; reserving kinds reserve at once when ``reserve``."""
    return _transfer_create(
        company=company,
        kind=kind,
        lines=lines,
        by=by,
        partner_id=partner_id,
        warehouse_id=warehouse_id,
        allow_backorder=allow_backorder,
        origin=origin,
        source_key=source_key,
        scheduled_date=scheduled_date,
        reserve=reserve,
        source_location=source_location,
        dest_location=dest_location,
        note=note,
    )[0]


def _transfer_create(
    *,
    company: Company,
    kind: str,
    lines: Sequence[StockLine],
    by: Any,
    partner_id: int | None = None,
    warehouse_id: int | None = None,
    allow_backorder: bool = False,
    origin: str = "",
    source_key: str = "",
    scheduled_date: dt.date | None = None,
    reserve: bool = True,
    source_location: Location | None = None,
    dest_location: Location | None = None,
    note: str = "",
) -> tuple[Transfer, list[Move] | None]:
    """``transfer_create``, also answering the new moves (None when an earlier call made the transfer)."""
    source_key = (source_key or "").strip()
    if source_key:
        existing = Transfer.all_companies.filter(company_id=company.pk, source_key=source_key).first()
        if existing is not None:
            return existing, None
    if kind not in KIND_PREFIX or kind == TransferKind.ADJUSTMENT:
        raise ValidationFailed(_("Unknown kind of transfer: %(kind)s.") % {"kind": kind}, field="kind")
    if partner_id is not None:
        summary = party_summary(partner_id)
        if summary is None or summary.company_id != company.pk:
            raise ValidationFailed(_("There is no such partner."), field="partner")
    prepared, _products = _prepared_lines(company, lines)
    warehouse = _warehouse(company, warehouse_id)
    default_source, default_dest = _locations_for(company, warehouse, kind)
    source = source_location or default_source
    dest = dest_location or default_dest
    for location, field in ((source, "source_location"), (dest, "dest_location")):
        if location.company_id != company.pk or location.usage == LocationUsage.VIEW:
            raise ValidationFailed(_("Choose a location that can hold stock."), field=field)
    if source.pk == dest.pk:
        raise ValidationFailed(_("The source and destination are the same location."), field="dest_location")
    today = timezone.localdate()
    transfer = Transfer(
        company=company,
        kind=kind,
        number=f"~{uuid.uuid4().hex}",  # unique until the real number, taken last (short lock)
        warehouse=warehouse,
        partner_id=partner_id,
        source_location=source,
        dest_location=dest,
        scheduled_date=scheduled_date or today,
        allow_backorder=allow_backorder,
        origin=(origin or "")[:80],
        source_key=source_key,
        note=note,
        created_by=actor(by),
    )
    transfer.save()
    moves = [
        Move(
            company=company,
            transfer=transfer,
            product_id=line.product_id,
            description=(line.description or "")[:200],
            quantity=quantity,
            source_location=source,
            dest_location=dest,
            state=MoveState.WAITING if kind in _RESERVING_KINDS else MoveState.ASSIGNED,
            lot_name=(line.lot_name or "").strip()[:80],
            unit_cost=Decimal(str(line.unit_cost)) if line.unit_cost is not None else None,
            origin_key=(line.origin_key or "")[:120],
            sequence=number,
        )
        for number, (line, quantity) in enumerate(prepared)
    ]
    moves = Move.all_companies.bulk_create(moves)
    if kind in _RESERVING_KINDS and reserve:
        _reserve(company, transfer, moves, allow_backorder=allow_backorder)
    transfer.state = _transfer_state(transfer, moves)
    transfer.number = sequence_next(
        company=company,
        doc_type=f"{warehouse.code}/{KIND_PREFIX[TransferKind(kind)]}",
        on_date=transfer.scheduled_date,
    )
    transfer.save(update_fields=["state", "number"])
    audit_record(
        actor=actor(by),
        action=AuditAction.CREATE,
        obj=transfer,
        changes={"number": [None, transfer.number], "kind": [None, kind], "lines": [None, len(moves)]},
    )
    if kind in _RESERVING_KINDS:
        from concord.modules.inventory.services.reorder import reorder_check

        reorder_check(
            company=company, warehouse_id=warehouse.pk, product_ids=sorted({m.product_id for m in moves})
        )
    if kind == TransferKind.DELIVERY and reserve:
        _publish(
            StockReserved(
                transfer_id=transfer.pk,
                company_id=company.pk,
                partner_id=partner_id,
                number=transfer.number,
                source_key=source_key,
                fully=transfer.state == TransferState.READY,
            ),
            transfer,
            by,
        )
    return transfer, moves


def _reserve(company: Company, transfer: Transfer, moves: Sequence[Move], *, allow_backorder: bool) -> None:
    """Reserve what the open moves still need from the source location's quants (under retry)."""
    wanting = [
        m
        for m in moves
        if m.state not in (MoveState.DONE, MoveState.CANCELLED) and m.quantity_reserved < m.quantity_open
    ]
    if not wanting:
        return
    location_ids = subtree_ids(company, transfer.source_location)
    product_ids = sorted({m.product_id for m in wanting})

    def attempt() -> list[tuple[Move, list[tuple[Quant, Decimal]]]]:
        candidates: dict[int, list[Quant]] = defaultdict(list)
        for quant in Quant.all_companies.filter(
            company_id=company.pk, product_id__in=product_ids, location_id__in=location_ids
        ).order_by("product_id", "incoming_date", "pk"):
            candidates[quant.product_id].append(quant)
        outcome = []
        # Lock order is by product, then quant: two orders for the same products queue, never deadlock.
        for move in sorted(wanting, key=lambda m: (m.product_id, m.pk)):
            need = move.quantity_open - move.quantity_reserved
            usable = [q for q in candidates[move.product_id] if q.quantity > q.reserved_quantity]
            if move.lot_name:
                lot_ids = set(
                    Lot.all_companies.filter(
                        company_id=company.pk, product_id=move.product_id, name=move.lot_name
                    ).values_list("pk", flat=True)
                )
                usable = [q for q in usable if q.lot_id in lot_ids]
            taken = quants_reserve_from(usable, need)
            got = sum((amount for _q, amount in taken), ZERO)
            if got < need and not allow_backorder:
                available = move.quantity_reserved + got
                name = catalog.product_get(move.product_id).name
                raise InsufficientStockError(
                    _("Only %(available)s of %(product)s available; %(wanted)s asked for.")
                    % {"available": plain(available), "product": name, "wanted": plain(move.quantity_open)},
                    field="quantity",
                )
            outcome.append((move, taken))
        return outcome

    outcome = retrying(attempt)
    reservations = []
    for move, taken in outcome:
        for quant, amount in taken:
            reservations.append(Reservation(company=company, move=move, quant=quant, quantity=amount))
            move.quantity_reserved += amount
        move.state = _move_state(move)
    Reservation.all_companies.bulk_create(reservations)
    Move.all_companies.bulk_update([m for m, _t in outcome], ["quantity_reserved", "state"])


def _release(moves: Sequence[Move]) -> None:
    """Give back every reservation of these moves."""
    move_ids = [m.pk for m in moves]
    rows = list(Reservation.all_companies.filter(move_id__in=move_ids).values_list("quant_id", "quantity"))
    if not rows:
        return
    back: dict[int, Decimal] = defaultdict(Decimal)
    for quant_id, amount in rows:
        back[quant_id] -= amount
    quants_change({}, back)
    Reservation.all_companies.filter(move_id__in=move_ids).delete()
    for move in moves:
        move.quantity_reserved = ZERO


@transaction.atomic
def transfer_reserve(*, transfer: Transfer, by: Any) -> Transfer:
    """Check availability again: reserve what arrived since for a waiting transfer (what is there)."""
    transfer = _locked_transfer(transfer.pk)
    if not transfer.is_open:
        raise TransferStateError(
            _("%(number)s is %(state)s.") % {"number": transfer.number, "state": transfer.get_state_display()}
        )
    if transfer.kind not in _RESERVING_KINDS:
        return transfer
    moves = list(Move.all_companies.filter(transfer=transfer))
    _reserve(transfer.company, transfer, moves, allow_backorder=True)
    transfer.state = _transfer_state(transfer, moves)
    transfer.save(update_fields=["state"])
    return transfer


# ------------------------------------------------------------------------------------------ cancel
@transaction.atomic
def transfer_cancel(*, transfer: Transfer, by: Any) -> Transfer:
    """Cancel an open transfer and release its reservations; a done transfer cannot be cancelled."""
    transfer = _locked_transfer(transfer.pk)
    if transfer.state == TransferState.CANCELLED:
        return transfer
    if transfer.state == TransferState.DONE:
        raise TransferStateError(
            _("%(number)s is done: a done transfer cannot be cancelled; make a return instead.")
            % {"number": transfer.number}
        )
    moves = list(Move.all_companies.filter(transfer=transfer).exclude(state=MoveState.DONE))
    _release(moves)
    for move in moves:
        move.state = MoveState.CANCELLED
    Move.all_companies.bulk_update(moves, ["quantity_reserved", "state"])
    old = transfer.state
    transfer.state = TransferState.CANCELLED
    transfer.save(update_fields=["state"])
    audit_record(
        actor=actor(by), action=AuditAction.UPDATE, obj=transfer, changes={"state": [old, transfer.state]}
    )
    return transfer


@transaction.atomic
def transfer_update_lines(
    *, transfer: Transfer, lines: Sequence[StockLine], by: Any, allow_backorder: bool | None = None
) -> Transfer:
    """Replace an open transfer's lines: release everything, then reserve the new quantities."""
    transfer = _locked_transfer(transfer.pk)
    if not transfer.is_open:
        raise TransferStateError(
            _("%(number)s is %(state)s.") % {"number": transfer.number, "state": transfer.get_state_display()}
        )
    if Move.all_companies.filter(transfer=transfer, quantity_done__gt=0).exists():
        raise TransferStateError(
            _("%(number)s is partly done: it cannot be changed.") % {"number": transfer.number}
        )
    company = transfer.company
    prepared, _products = _prepared_lines(company, lines)
    old_moves = list(Move.all_companies.filter(transfer=transfer))
    _release(old_moves)
    Move.all_companies.filter(transfer=transfer).delete()
    if allow_backorder is not None:
        transfer.allow_backorder = allow_backorder
    moves = Move.all_companies.bulk_create(
        [
            Move(
                company=company,
                transfer=transfer,
                product_id=line.product_id,
                description=(line.description or "")[:200],
                quantity=quantity,
                source_location=transfer.source_location,
                dest_location=transfer.dest_location,
                state=MoveState.WAITING if transfer.kind in _RESERVING_KINDS else MoveState.ASSIGNED,
                lot_name=(line.lot_name or "").strip()[:80],
                unit_cost=Decimal(str(line.unit_cost)) if line.unit_cost is not None else None,
                origin_key=(line.origin_key or "")[:120],
                sequence=number,
            )
            for number, (line, quantity) in enumerate(prepared)
        ]
    )
    if transfer.kind in _RESERVING_KINDS:
        _reserve(company, transfer, moves, allow_backorder=transfer.allow_backorder)
    transfer.state = _transfer_state(transfer, moves)
    transfer.save(update_fields=["state", "allow_backorder"])
    audit_record(
        actor=actor(by),
        action=AuditAction.UPDATE,
        obj=transfer,
        changes={"lines": [len(old_moves), len(moves)]},
    )
    return transfer


# ------------------------------------------------------------------------------------------ validate
@transaction.atomic
def transfer_validate(
    *,
    transfer: Transfer,
    by: Any,
    quantities: Mapping[int, Decimal] | None = None,
    lots: Mapping[int, Sequence[tuple[str, Decimal]]] | None = None,
    backorder: bool = True,
    allow_extra: bool = False,
    unit_costs: Mapping[int, Decimal] | None = None,
    _from_production: bool = False,
) -> Transfer:
    """Do a transfer: move ``quantities`` (move id -> quantity; default what is reserved or ordered).

    Runs in a savepoint retried on a PostgreSQL deadlock or serialization failure, so two
    validations touching the same quants in another order both end up done.
    """
    return retrying(
        lambda: _transfer_validate(
            transfer=transfer,
            by=by,
            quantities=quantities,
            lots=lots,
            backorder=backorder,
            allow_extra=allow_extra,
            unit_costs=unit_costs,
            from_production=_from_production,
        )
    )


@dataclass
class _Validation:
    """What one validation works on, passed between its steps."""

    company: Company
    transfer: Transfer
    moves: list[Move]
    wanted: dict[int, Decimal]
    products: dict[int, ProductInfo]
    locations: dict[int, Location]
    now: dt.datetime
    lot_plan: dict[int, list[tuple[str, Decimal]]] = dataclass_field(default_factory=dict)
    lot_ids: dict[tuple[int, str], int] = dataclass_field(default_factory=dict)
    history: list[MoveLine] = dataclass_field(default_factory=list)
    quantity_delta: dict[int, Decimal] = dataclass_field(default_factory=lambda: defaultdict(Decimal))
    reserved_delta: dict[int, Decimal] = dataclass_field(default_factory=lambda: defaultdict(Decimal))

    @property
    def source(self) -> Location:
        return self.locations[self.transfer.source_location_id]

    @property
    def dest(self) -> Location:
        return self.locations[self.transfer.dest_location_id]


def _check_can_validate(transfer: Transfer, *, from_production: bool) -> None:
    if transfer.state == TransferState.CANCELLED:
        raise TransferStateError(
            _("%(number)s is cancelled: it cannot be validated.") % {"number": transfer.number}
        )
    if transfer.kind in (TransferKind.CONSUME, TransferKind.PRODUCE) and not from_production:
        raise TransferStateError(_("Production transfers are done from their manufacturing order."))


def _wanted_quantities(
    transfer: Transfer,
    moves: Sequence[Move],
    quantities: Mapping[int, Decimal] | None,
    lots: Mapping[int, Sequence[tuple[str, Decimal]]] | None,
    *,
    allow_extra: bool,
) -> dict[int, Decimal]:
    """The quantity to do per open move: as given, else what is reserved (or ordered, for receipts)."""
    open_ids = {m.pk for m in moves}
    for given, field_name in ((quantities or {}, "quantities"), (lots or {}, "lots")):
        for move_id in given:
            if move_id not in open_ids:
                raise ValidationFailed(
                    _("Move %(id)s is not an open line of this transfer.") % {"id": move_id}, field=field_name
                )
    reserving = transfer.kind in _RESERVING_KINDS
    wanted: dict[int, Decimal] = {}
    for move in moves:
        if quantities is not None and move.pk in quantities:
            qty = _quantity(quantities[move.pk], field=f"quantities.{move.pk}")
        elif lots and move.pk in lots:
            qty = sum((_quantity(q, field="lots") for _n, q in lots[move.pk]), ZERO)
        elif quantities is not None:
            qty = ZERO
        else:
            qty = move.quantity_reserved if reserving else move.quantity_open
        if qty < 0:
            raise ValidationFailed(_("A quantity cannot be negative."), field=f"quantities.{move.pk}")
        if qty > move.quantity_open and not allow_extra:
            raise ValidationFailed(
                _(
                    "%(qty)s is more than the %(open)s expected on this line: confirm the extra quantity to accept it."
                )
                % {"qty": plain(qty), "open": plain(move.quantity_open)},
                field=f"quantities.{move.pk}",
            )
        wanted[move.pk] = qty
    if not any(wanted.values()):
        raise ValidationFailed(
            _("Nothing to validate: set the quantities done (nothing is reserved yet)."), field="quantities"
        )
    return wanted


def _lot_plan_of(
    work: _Validation, move: Move, tracking: str, lots: Mapping[int, Sequence[tuple[str, Decimal]]] | None
) -> list[tuple[str, Decimal]]:
    """The lots a tracked move names: [(lot name, quantity)]; empty = take the reserved lots."""
    qty = work.wanted[move.pk]
    name_of = work.products[move.product_id].name
    plan = [((name or "").strip(), _quantity(q, field="lots")) for name, q in (lots or {}).get(move.pk, ())]
    if not plan and move.lot_name:
        plan = [(move.lot_name, qty)]
    if not plan and work.source.is_internal:
        return []
    if not plan or any(not name for name, _q in plan):
        raise LotRequiredError(
            _("%(product)s is tracked by lot or serial number: name them.") % {"product": name_of},
            field=f"lots.{move.pk}",
        )
    if sum((q for _n, q in plan), ZERO) != qty:
        raise ValidationFailed(
            _("The lot quantities of %(product)s add up to a different quantity than done.")
            % {"product": name_of},
            field=f"lots.{move.pk}",
        )
    names = [name for name, _q in plan]
    if tracking == Tracking.SERIAL and (any(q != 1 for _n, q in plan) or len(set(names)) != len(names)):
        raise ValidationFailed(
            _("Each serial number of %(product)s moves exactly one unit, once.") % {"product": name_of},
            field=f"lots.{move.pk}",
        )
    return plan


def _plan_lots(work: _Validation, lots: Mapping[int, Sequence[tuple[str, Decimal]]] | None) -> None:
    """Check and resolve the lots of tracked products; refuse serial numbers received twice."""
    trackings = _trackings(work.company, sorted(work.products))
    for move in work.moves:
        tracking = trackings.get(move.product_id, Tracking.NONE)
        if work.wanted[move.pk] > 0 and tracking != Tracking.NONE:
            plan = _lot_plan_of(work, move, tracking, lots)
            if plan:
                work.lot_plan[move.pk] = plan
    work.lot_ids = _lots_resolve(work.company, work.moves, work.lot_plan, create=not work.source.is_internal)
    if work.source.is_internal or not work.dest.is_internal:
        return
    serial_lots = [
        work.lot_ids[(m.product_id, n)]
        for m in work.moves
        if trackings.get(m.product_id) == Tracking.SERIAL and m.pk in work.lot_plan
        for n, _q in work.lot_plan[m.pk]
    ]
    if not serial_lots:
        return
    in_stock = set(
        Quant.all_companies.filter(
            company_id=work.company.pk, lot_id__in=serial_lots, quantity__gt=0
        ).values_list("lot_id", flat=True)
    )
    if in_stock:
        taken = Lot.all_companies.filter(pk__in=in_stock).values_list("name", flat=True)
        raise ValidationFailed(
            _("Serial numbers already in stock: %(names)s.") % {"names": ", ".join(sorted(taken))},
            field="lots",
        )


def _move_stock(work: _Validation) -> None:
    """Write the history lines and change the quants on both sides (a constant number of queries)."""
    if work.source.is_internal:
        _take_from_source(work)
    else:
        for move in work.moves:
            qty = work.wanted[move.pk]
            if qty <= 0:
                continue
            parts = (
                [(work.lot_ids[(move.product_id, n)], q) for n, q in work.lot_plan[move.pk]]
                if move.pk in work.lot_plan
                else [(None, qty)]
            )
            work.history.extend(
                MoveLine(
                    company=work.company,
                    move=move,
                    product_id=move.product_id,
                    lot_id=lot_id,
                    source_location=work.source,
                    dest_location=work.dest,
                    quantity=part,
                    done_at=work.now,
                )
                for lot_id, part in parts
            )
    additions = (
        [((line.product_id, work.dest.pk, line.lot_id), line.quantity) for line in work.history]
        if work.dest.is_internal
        else []
    )
    quants_change(work.quantity_delta, work.reserved_delta)
    quants_add(work.company, additions)
    MoveLine.all_companies.bulk_create(work.history)


def _transfer_validate(
    *,
    transfer: Transfer,
    by: Any,
    quantities: Mapping[int, Decimal] | None,
    lots: Mapping[int, Sequence[tuple[str, Decimal]]] | None,
    backorder: bool,
    allow_extra: bool,
    unit_costs: Mapping[int, Decimal] | None,
    from_production: bool,
) -> Transfer:
    transfer = _locked_transfer(transfer.pk)
    if transfer.state == TransferState.DONE:
        return transfer  # a retried validation changes nothing
    _check_can_validate(transfer, from_production=from_production)
    company = transfer.company
    moves = list(
        Move.all_companies.filter(transfer=transfer)
        .exclude(state__in=(MoveState.DONE, MoveState.CANCELLED))
        .order_by("sequence", "pk")
    )
    wanted = _wanted_quantities(transfer, moves, quantities, lots, allow_extra=allow_extra)
    location_ids = (
        {transfer.source_location_id, transfer.dest_location_id}
        | {m.source_location_id for m in moves}
        | {m.dest_location_id for m in moves}
    )
    work = _Validation(
        company=company,
        transfer=transfer,
        moves=moves,
        wanted=wanted,
        products=catalog.products_get({m.product_id for m in moves}),
        locations={loc.pk: loc for loc in Location.all_companies.filter(pk__in=location_ids)},
        now=timezone.now(),
    )
    _plan_lots(work, lots)
    _move_stock(work)

    done_moves: list[ValuedMove] = []
    rest: list[tuple[Move, Decimal]] = []
    for move in moves:
        qty = wanted[move.pk]
        remaining = move.quantity_open - qty
        if qty > 0:
            if remaining > 0:
                move.quantity = move.quantity_done + qty  # the rest moves to the backorder (or is dropped)
            move.quantity_done += qty
            move.state = MoveState.DONE
            move.done_at = work.now
            done_moves.append(ValuedMove(move=move, quantity=qty, unit_cost=(unit_costs or {}).get(move.pk)))
        if remaining > 0:
            rest.append((move, remaining))
    value_moves(
        company=company,
        transfer=transfer,
        done=done_moves,
        locations=work.locations,
        products=work.products,
        date=timezone.localdate(work.now),
        by=by,
    )
    Move.all_companies.bulk_update(
        [vm.move for vm in done_moves],
        ["quantity", "quantity_done", "quantity_reserved", "state", "done_at", "value"],
    )
    backorder_transfer = _close(work, rest, backorder=backorder, by=by)
    _announce(work, done_moves, backorder_transfer, by)
    return transfer


def _close(
    work: _Validation, rest: Sequence[tuple[Move, Decimal]], *, backorder: bool, by: Any
) -> Transfer | None:
    """Mark the transfer done; what was not done goes to a backorder or is dropped."""
    transfer = work.transfer
    untouched = [m for m, _r in rest if work.wanted[m.pk] <= 0]
    backorder_transfer = None
    if rest and backorder:
        backorder_transfer = _backorder(work.company, transfer, rest, untouched, by)
    elif untouched:
        _release(untouched)
        for move in untouched:
            move.state = MoveState.CANCELLED
        Move.all_companies.bulk_update(untouched, ["quantity_reserved", "state"])
    transfer.state = TransferState.DONE
    transfer.done_at = work.now
    transfer.save(update_fields=["state", "done_at"])
    audit_record(
        actor=actor(by),
        action=AuditAction.UPDATE,
        obj=transfer,
        changes={
            "state": ["ready", "done"],
            "backorder": [None, backorder_transfer.number if backorder_transfer else None],
        },
    )
    return backorder_transfer


def _announce(
    work: _Validation, done_moves: Sequence[ValuedMove], backorder_transfer: Transfer | None, by: Any
) -> None:
    """Publish DeliveryDone / ReceiptDone and check the reorder rules of what moved."""
    transfer = work.transfer
    lines = tuple((vm.move.origin_key, vm.move.product_id, plain(vm.quantity)) for vm in done_moves)
    event_class = {TransferKind.DELIVERY: DeliveryDone, TransferKind.RECEIPT: ReceiptDone}.get(
        TransferKind(transfer.kind)
    )
    if event_class is not None:
        _publish(
            event_class(
                transfer_id=transfer.pk,
                company_id=work.company.pk,
                partner_id=transfer.partner_id,
                number=transfer.number,
                origin=transfer.origin,
                source_key=transfer.source_key,
                lines=lines,
                backorder_id=backorder_transfer.pk if backorder_transfer else None,
            ),
            transfer,
            by,
        )
    from concord.modules.inventory.services.reorder import reorder_check

    reorder_check(company=work.company, warehouse_id=transfer.warehouse_id, product_ids=sorted(work.products))


def _lots_resolve(
    company: Company, moves: Sequence[Move], plan: Mapping[int, list[tuple[str, Decimal]]], *, create: bool
) -> dict[tuple[int, str], int]:
    """Lot ids by (product, name); incoming goods create lots they name, outgoing ones must exist."""
    wanted = {(m.product_id, name) for m in moves if m.pk in plan for name, _q in plan[m.pk]}
    if not wanted:
        return {}

    def found() -> dict[tuple[int, str], int]:
        rows = Lot.all_companies.filter(
            company_id=company.pk, product_id__in={p for p, _n in wanted}, name__in={n for _p, n in wanted}
        ).values_list("product_id", "name", "pk")
        return {(p, n): pk for p, n, pk in rows}

    lots = found()
    missing = wanted - set(lots)
    if missing and create:
        Lot.all_companies.bulk_create(
            [Lot(company=company, product_id=p, name=n) for p, n in sorted(missing)], ignore_conflicts=True
        )
        lots = found()
    elif missing:
        raise ValidationFailed(
            _("Unknown lot or serial numbers: %(names)s.")
            % {"names": ", ".join(sorted(n for _p, n in missing))},
            field="lots",
        )
    return lots


def _reserve_again(
    work: _Validation, redo: Sequence[Move], reservations: dict[int, list[Reservation]]
) -> None:
    """Give back what ``redo`` reserved and reserve exactly what is done now (named lots first)."""
    company, transfer, wanted = work.company, work.transfer, work.wanted
    lot_plan, lot_ids, products = work.lot_plan, work.lot_ids, work.products
    _release(redo)
    for move in redo:
        reservations.pop(move.pk, None)
    location_ids = subtree_ids(company, transfer.source_location)
    candidates: dict[int, list[Quant]] = defaultdict(list)
    for quant in Quant.all_companies.filter(
        company_id=company.pk, product_id__in={m.product_id for m in redo}, location_id__in=location_ids
    ).order_by("product_id", "incoming_date", "pk"):
        candidates[quant.product_id].append(quant)
    new_rows = []
    for move in sorted(redo, key=lambda m: (m.product_id, m.pk)):
        plan = lot_plan.get(move.pk) or [("", wanted[move.pk])]
        for name, part in plan:
            usable = [q for q in candidates[move.product_id] if q.quantity > q.reserved_quantity]
            if name:
                lot_id = lot_ids[(move.product_id, name)]
                usable = [q for q in usable if q.lot_id == lot_id]
            taken = quants_reserve_from(usable, part)
            got = sum((amount for _q, amount in taken), ZERO)
            if got < part:
                where = transfer.source_location.full_name
                what = products[move.product_id].name + (f" ({name})" if name else "")
                raise InsufficientStockError(
                    _("Only %(available)s of %(product)s in %(location)s; %(wanted)s to move.")
                    % {
                        "available": plain(got),
                        "product": what,
                        "location": where,
                        "wanted": plain(part),
                    },
                    field=f"quantities.{move.pk}",
                )
            for quant, amount in taken:
                row = Reservation(company=company, move=move, quant=quant, quantity=amount)
                new_rows.append(row)
                reservations[move.pk].append(row)
        move.quantity_reserved = sum((r.quantity for r in reservations[move.pk]), ZERO)
    Reservation.all_companies.bulk_create(new_rows)


def _take_from_source(work: _Validation) -> None:
    """Take the done quantities out of internal quants: reserved ones first, else reserve the rest now."""
    company, moves, wanted, lot_plan, now = work.company, work.moves, work.wanted, work.lot_plan, work.now
    quantity_delta, reserved_delta, history = work.quantity_delta, work.reserved_delta, work.history
    active = [m for m in moves if wanted[m.pk] > 0]
    reservations: dict[int, list[Reservation]] = defaultdict(list)
    for row in (
        Reservation.all_companies.filter(move_id__in=[m.pk for m in active])
        .select_related("quant")
        .order_by("pk")
    ):
        reservations[row.move_id].append(row)
    # Moves whose lots were named, or that need more than they reserved, give back and reserve afresh.
    redo = [
        m
        for m in active
        if m.pk in lot_plan or sum((r.quantity for r in reservations[m.pk]), ZERO) < wanted[m.pk]
    ]
    if redo:
        _reserve_again(work, redo, reservations)
    spent: list[int] = []
    shrunk: list[Reservation] = []
    for move in active:
        need = wanted[move.pk]
        for row in reservations[move.pk]:
            if need <= 0:
                break
            take = min(need, row.quantity)
            quant = row.quant
            quantity_delta[quant.pk] -= take
            reserved_delta[quant.pk] -= take
            history.append(
                MoveLine(
                    company=company,
                    move=move,
                    product_id=move.product_id,
                    lot_id=quant.lot_id,
                    source_location_id=quant.location_id,
                    dest_location_id=move.dest_location_id,
                    quantity=take,
                    done_at=now,
                )
            )
            need -= take
            row.quantity -= take
            if row.quantity <= 0:
                spent.append(row.pk)
            else:
                shrunk.append(row)
        move.quantity_reserved = max(move.quantity_reserved - wanted[move.pk], ZERO)
    if spent:
        Reservation.all_companies.filter(pk__in=spent).delete()
    if shrunk:
        Reservation.all_companies.bulk_update(shrunk, ["quantity"])


def _backorder(
    company: Company,
    transfer: Transfer,
    rest: Sequence[tuple[Move, Decimal]],
    untouched: Sequence[Move],
    by: Any,
) -> Transfer:
    """A new transfer for what was not done: untouched moves move over, partly done ones are split."""
    back = Transfer(
        company=company,
        kind=transfer.kind,
        number=sequence_next(
            company=company,
            doc_type=f"{transfer.warehouse.code}/{KIND_PREFIX[TransferKind(transfer.kind)]}",
            on_date=transfer.scheduled_date,
        ),
        warehouse=transfer.warehouse,
        partner_id=transfer.partner_id,
        source_location=transfer.source_location,
        dest_location=transfer.dest_location,
        scheduled_date=transfer.scheduled_date,
        allow_backorder=True,
        backorder_of=transfer,
        origin=transfer.origin,
        note=transfer.note,
        created_by=actor(by),
    )
    back.save()
    untouched_ids = {m.pk for m in untouched}
    Move.all_companies.filter(pk__in=untouched_ids).update(transfer=back)
    split: list[Move] = []
    for move, remaining in rest:
        if move.pk in untouched_ids:
            continue
        split.append(
            Move(
                company=company,
                transfer=back,
                product_id=move.product_id,
                description=move.description,
                quantity=remaining,
                source_location_id=move.source_location_id,
                dest_location_id=move.dest_location_id,
                state=MoveState.WAITING if transfer.kind in _RESERVING_KINDS else MoveState.ASSIGNED,
                lot_name=move.lot_name,
                unit_cost=move.unit_cost,
                origin_key=move.origin_key,
                sequence=move.sequence,
            )
        )
    if split:
        Move.all_companies.bulk_create(split)
    # A partly done move may keep reservations beyond what it did: they follow the rest.
    back_moves = list(Move.all_companies.filter(transfer=back))
    if transfer.kind in _RESERVING_KINDS:
        leftovers = Reservation.all_companies.filter(move__transfer=transfer, move__state=MoveState.DONE)
        if leftovers.exists():
            by_origin = {(m.origin_key, m.product_id, m.sequence): m for m in back_moves}
            for row in leftovers.select_related("move"):
                target = by_origin.get((row.move.origin_key, row.move.product_id, row.move.sequence))
                if target is None:
                    quants_change({}, {row.quant_id: -row.quantity})
                    row.delete()
                    continue
                row.move = target
                row.save(update_fields=["move"])
                target.quantity_reserved += row.quantity
        for move in back_moves:
            move.quantity_reserved = min(move.quantity_reserved, move.quantity)
        _reserve(company, back, back_moves, allow_backorder=True)
        for move in back_moves:
            move.state = _move_state(move)
        Move.all_companies.bulk_update(back_moves, ["quantity_reserved", "state"])
    back.state = _transfer_state(back, back_moves)
    back.save(update_fields=["state"])
    return back


# ------------------------------------------------------------------------------------------ production
@transaction.atomic
def production_done(
    *,
    consume_transfer: Transfer,
    produce: Sequence[StockLine],
    by: Any,
    quantities: Mapping[int, Decimal] | None = None,
    origin: str = "",
    source_key: str = "",
    extra_cost: Decimal = ZERO,
) -> Transfer:
    """Consume the components, then receive the finished goods at the components' cost."""
    source_key = (source_key or "").strip()
    if source_key:
        existing = Transfer.all_companies.filter(
            company_id=consume_transfer.company_id, source_key=source_key
        ).first()
        if existing is not None:
            return existing
    if extra_cost < 0:
        raise ValidationFailed(_("A cost cannot be negative."), field="extra_cost")
    consume = _locked_transfer(consume_transfer.pk)
    if consume.kind != TransferKind.CONSUME:
        raise ValidationFailed(_("This is not a components transfer."), field="consume_transfer")
    if consume.state == TransferState.CANCELLED:
        raise TransferStateError(_("%(number)s is cancelled.") % {"number": consume.number})
    company = consume.company
    before = {m.pk: m.value for m in Move.all_companies.filter(transfer=consume)}
    if consume.state != TransferState.DONE:
        transfer_validate(
            transfer=consume, by=by, quantities=quantities, backorder=True, _from_production=True
        )
    consumed = -sum(
        (
            m.value - before.get(m.pk, ZERO)
            for m in Move.all_companies.filter(transfer=consume, state=MoveState.DONE)
        ),
        ZERO,
    )
    total_value = consumed + Decimal(str(extra_cost))
    output = transfer_create(
        company=company,
        kind=TransferKind.PRODUCE,
        lines=produce,
        by=by,
        warehouse_id=consume.warehouse_id,
        origin=origin or consume.origin,
        source_key=source_key,
        reserve=False,
    )
    out_moves = list(Move.all_companies.filter(transfer=output))
    explicit = sum((m.quantity * m.unit_cost for m in out_moves if m.unit_cost is not None), ZERO)
    share_qty = sum((m.quantity for m in out_moves if m.unit_cost is None), ZERO)
    unit_costs: dict[int, Decimal] = {}
    left = max(total_value - explicit, ZERO)
    for move in out_moves:
        if move.unit_cost is None:
            unit_costs[move.pk] = (left / share_qty).quantize(Decimal("0.000001")) if share_qty else ZERO
    transfer_validate(transfer=output, by=by, unit_costs=unit_costs, _from_production=True)
    output.refresh_from_db()
    return output


# ------------------------------------------------------------------------------------------ facade glue
def warehouse_default_info(company_id: int) -> WarehouseInfo:
    with transaction.atomic():
        warehouse = warehouse_default(_company(company_id))
    if warehouse.stock_location_id is None:
        raise ValidationFailed(_("The warehouse has no stock location."), field="warehouse")
    return WarehouseInfo(
        id=warehouse.pk,
        company_id=warehouse.company_id,
        code=warehouse.code,
        name=warehouse.name,
        stock_location_id=warehouse.stock_location_id,
    )


def transfer_create_info(*, company_id: int, **kwargs: Any) -> TransferInfo:
    with transaction.atomic():
        transfer, moves = _transfer_create(company=_company(company_id), **kwargs)
    if moves is None:
        return transfer_info(transfer)
    return transfer_info(transfer, moves, backorder_id=None)  # new: its moves are known, no backorder yet


def _transfer(transfer_id: int) -> Transfer:
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFound(_("There is no transfer %(id)s.") % {"id": transfer_id})
    return transfer


def transfer_validate_info(transfer_id: int, **kwargs: Any) -> TransferInfo:
    with transaction.atomic():
        return transfer_info(transfer_validate(transfer=_transfer(transfer_id), **kwargs))


def transfer_cancel_info(transfer_id: int, *, by: Any) -> TransferInfo:
    with transaction.atomic():
        return transfer_info(transfer_cancel(transfer=_transfer(transfer_id), by=by))


def transfer_update_lines_info(
    transfer_id: int, *, lines: Sequence[StockLine], by: Any, allow_backorder: bool | None
) -> TransferInfo:
    with transaction.atomic():
        return transfer_info(
            transfer_update_lines(
                transfer=_transfer(transfer_id), lines=lines, by=by, allow_backorder=allow_backorder
            )
        )


def transfer_info_or_none(transfer_id: int) -> TransferInfo | None:
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    return transfer_info(transfer) if transfer is not None else None


def transfers_by_source_info(company_id: int, source_prefix: str) -> list[TransferInfo]:
    roots = list(
        Transfer.objects.filter(company_id=company_id)
        .filter(Q(source_key=source_prefix) | Q(source_key__startswith=f"{source_prefix}:"))
        .order_by("pk")
    )
    found: list[Transfer] = []
    frontier = roots
    seen: set[int] = set()
    while frontier:
        found.extend(t for t in frontier if t.pk not in seen)
        seen.update(t.pk for t in frontier)
        frontier = list(Transfer.objects.filter(backorder_of__in=frontier).exclude(pk__in=seen))
    return [transfer_info(t) for t in sorted(found, key=lambda t: t.pk)]


def production_done_info(*, consume_transfer_id: int, **kwargs: Any) -> TransferInfo:
    with transaction.atomic():
        return transfer_info(production_done(consume_transfer=_transfer(consume_transfer_id), **kwargs))
