"""Quant arithmetic: conditional reservation updates and batched on-hand changes (constant queries)."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from django.db import OperationalError, transaction
from django.db.models import Case, DecimalField, F, Q, Value, When
from django.utils import timezone

from concord.core.identity.models import Company
from concord.modules.inventory.models import QTY_FIELD_KW, Location, Quant

__all__ = ["plain", "quants_add", "quants_reserve_from", "retrying", "subtree_ids"]

T = TypeVar("T")
ZERO = Decimal(0)
_RETRY_CODES = {"40001", "40P01"}  # serialization failure, deadlock detected


def plain(quantity: Decimal) -> str:
    """A quantity without trailing zeros, never in exponent form: 20.0000 -> "20", 2.5000 -> "2.5"."""
    return f"{quantity.normalize():f}"


def retrying(attempt: Callable[[], T], *, tries: int = 6) -> T:
    """Run ``attempt`` in a savepoint, retrying on a PostgreSQL serialization failure or deadlock.

    Only the savepoint rolls back, so the caller's transaction (an order being confirmed) survives
    and the retry sees the rows as the competing transaction left them.
    """
    for number in range(tries):
        try:
            with transaction.atomic():
                return attempt()
        except OperationalError as exc:
            code = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
            if code not in _RETRY_CODES or number == tries - 1:
                raise
            time.sleep(random.uniform(0.005, 0.05) * (number + 1))  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")


def subtree_ids(company: Company, location: Location) -> list[int]:
    """The location and every location under it (by the full name prefix)."""
    return list(
        Location.all_companies.filter(company_id=company.pk)
        .filter(Q(pk=location.pk) | Q(full_name__startswith=f"{location.full_name}/"))
        .values_list("pk", flat=True)
    )


def quants_reserve_from(candidates: Sequence[Quant], quantity: Decimal) -> list[tuple[Quant, Decimal]]:
    """Reserve up to ``quantity`` from ``candidates`` in order; return what each gave.

    Each reservation is ``UPDATE ... SET reserved = reserved + n WHERE quantity - reserved >= n``: on
    PostgreSQL a competing transaction waits on the row and the condition is checked again on the row
    it committed, so two orders never reserve the same units. A quant that lost its stock to someone
    else is re-read and offered what is left.
    """
    taken: list[tuple[Quant, Decimal]] = []
    need = quantity
    for quant in candidates:
        if need <= 0:
            break
        available = quant.quantity - quant.reserved_quantity
        for _attempt in range(3):
            take = min(need, available)
            if take <= 0:
                break
            updated = Quant.all_companies.filter(
                pk=quant.pk, quantity__gte=F("reserved_quantity") + take
            ).update(reserved_quantity=F("reserved_quantity") + take)
            if updated:
                quant.reserved_quantity += take
                taken.append((quant, take))
                need -= take
                break
            fresh = (
                Quant.all_companies.filter(pk=quant.pk).values_list("quantity", "reserved_quantity").first()
            )
            if fresh is None:
                break
            quant.quantity, quant.reserved_quantity = fresh
            available = quant.quantity - quant.reserved_quantity
    return taken


def _case(deltas: Mapping[int, Decimal], field: str) -> Case:
    output = DecimalField(**QTY_FIELD_KW)
    return Case(
        *[When(pk=pk, then=F(field) + Value(delta, output_field=output)) for pk, delta in deltas.items()],
        default=F(field),
        output_field=output,
    )


def quants_change(quantity: Mapping[int, Decimal], reserved: Mapping[int, Decimal]) -> None:
    """Add signed deltas to quants' on-hand and reserved quantities in one UPDATE."""
    ids = sorted(set(quantity) | set(reserved))
    if not ids:
        return
    fields = {}
    if any(quantity.values()):
        fields["quantity"] = _case({k: v for k, v in quantity.items() if v}, "quantity")
    if any(reserved.values()):
        fields["reserved_quantity"] = _case({k: v for k, v in reserved.items() if v}, "reserved_quantity")
    if fields:
        Quant.all_companies.filter(pk__in=ids).update(**fields)


QuantKey = tuple[int, int, int | None]  # product, location, lot


def quants_add(company: Company, additions: Iterable[tuple[QuantKey, Decimal]]) -> dict[QuantKey, int]:
    """Add stock to internal quants (made when missing), in a constant number of queries."""
    totals: dict[QuantKey, Decimal] = defaultdict(Decimal)
    for key, amount in additions:
        totals[key] += amount
    if not totals:
        return {}
    keys = set(totals)

    def existing() -> dict[QuantKey, int]:
        rows = Quant.all_companies.filter(
            company_id=company.pk,
            product_id__in={k[0] for k in keys},
            location_id__in={k[1] for k in keys},
        ).values_list("product_id", "location_id", "lot_id", "pk")
        return {(p, loc, lot): pk for p, loc, lot, pk in rows if (p, loc, lot) in keys}

    found = existing()
    missing = keys - set(found)
    if missing:
        now = timezone.now()
        Quant.all_companies.bulk_create(
            [
                Quant(company=company, product_id=p, location_id=loc, lot_id=lot, incoming_date=now)
                for p, loc, lot in sorted(missing, key=lambda k: (k[0], k[1], k[2] or 0))
            ],
            ignore_conflicts=True,
        )
        found = existing()
    quants_change({found[key]: amount for key, amount in totals.items()}, {})
    return found
