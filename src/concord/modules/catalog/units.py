"""Converting quantities and unit prices between units of measure of one kind.

A unit's ``ratio`` says how many of its category's reference unit one of it is (box of 12: 12 pieces;
gram: 0.001 kg). A quantity converts through the reference unit and is rounded half up to the target
unit's ``rounding``; units of different categories (kg and pieces) never convert.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from concord.core.money.fields import AMOUNT_FIELD_KW
from concord.core.money.money import Money, to_decimal
from concord.modules.catalog.errors import UomMismatchError
from concord.modules.catalog.models import Uom

__all__ = ["price_for_uom", "quantity_round", "uom_convert"]

_PRICE_QUANTUM = Decimal(1).scaleb(-AMOUNT_FIELD_KW["decimal_places"])


def _refuse_mismatch(from_uom: Uom, to_uom: Uom) -> None:
    if from_uom.category_id != to_uom.category_id:
        raise UomMismatchError(
            _(
                "Cannot convert %(from)s (%(from_kind)s) to %(to)s (%(to_kind)s): they measure different things."
            )
            % {
                "from": from_uom,
                "from_kind": from_uom.category,
                "to": to_uom,
                "to_kind": to_uom.category,
            },
            field="to_uom",
        )


def quantity_round(quantity: Decimal, uom: Uom) -> Decimal:
    """``quantity`` rounded half up to a multiple of ``uom.rounding`` (whole pieces, grams to 0.01)."""
    step = uom.rounding.normalize()
    steps = (quantity / step).to_integral_value(rounding=ROUND_HALF_UP)
    exponent = min(int(step.as_tuple().exponent), 0)
    return (steps * step).quantize(Decimal(1).scaleb(exponent))


def uom_convert(
    quantity: Decimal | int | str, from_uom: Uom, to_uom: Uom, *, rounded: bool = True
) -> Decimal:
    """``quantity`` of ``from_uom`` expressed in ``to_uom``: 2 boxes of 12 -> 24 pieces; 1500 g -> 1.5 kg.

    Raises ``UomMismatchError`` when the units measure different things (kg -> piece).
    """
    amount = to_decimal(quantity, what="quantity")
    _refuse_mismatch(from_uom, to_uom)
    converted = amount if from_uom.pk == to_uom.pk else amount * from_uom.ratio / to_uom.ratio
    if not rounded:
        return converted
    return quantity_round(converted, to_uom)


def price_for_uom(price: Money, from_uom: Uom, to_uom: Uom) -> Money:
    """A unit price per ``from_uom`` as the price per ``to_uom``: 10 THB a piece is 120 THB a box of 12.

    Kept to the stored precision of unit prices (6 decimals), not the currency's minor unit: a gram of
    saffron may cost a fraction of a satang. Documents round their line totals, not unit prices.
    """
    _refuse_mismatch(from_uom, to_uom)
    if from_uom.pk == to_uom.pk:
        return price
    amount = (price.amount * to_uom.ratio / from_uom.ratio).quantize(_PRICE_QUANTUM, rounding=ROUND_HALF_UP)
    return Money(amount, price.currency)
