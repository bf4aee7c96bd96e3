"""The shared units of measure every company starts with: reference data, like currencies.

The same "kg" everywhere, so they are rows without a company. ``reference_units_ensure`` is idempotent
(get-or-create by code). The data migration seeds them with it; the demo and the tests call it too,
because a test database flushed between live-server tests loses what migrations wrote.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

__all__ = ["CATEGORIES", "UNITS", "reference_units_ensure"]

CATEGORIES = ["unit", "weight", "volume", "length", "time"]

# code, category, English name, ratio to the category's reference unit, rounding, is_reference
UNITS = [
    ("pc", "unit", "Piece", "1", "1", True),
    ("dozen", "unit", "Dozen", "12", "0.01", False),
    ("box12", "unit", "Box of 12", "12", "0.01", False),
    ("kg", "weight", "Kilogram", "1", "0.001", True),
    ("g", "weight", "Gram", "0.001", "0.01", False),
    ("l", "volume", "Litre", "1", "0.001", True),
    ("ml", "volume", "Millilitre", "0.001", "1", False),
    ("m", "length", "Metre", "1", "0.001", True),
    ("cm", "length", "Centimetre", "0.01", "0.1", False),
    ("h", "time", "Hour", "1", "0.01", True),
]


def reference_units_ensure(uom_category_model: Any = None, uom_model: Any = None) -> None:
    """Create the shared unit categories and units that are missing (models may be historical ones)."""
    if uom_category_model is None or uom_model is None:
        from concord.modules.catalog import models

        uom_category_model, uom_model = models.UomCategory, models.Uom
    categories = {code: uom_category_model.objects.get_or_create(code=code)[0] for code in CATEGORIES}
    for code, category, name, ratio, rounding, is_reference in UNITS:
        uom_model.objects.get_or_create(
            company=None,
            code=code,
            defaults={
                "category": categories[category],
                "name": name,
                "ratio": Decimal(ratio),
                "rounding": Decimal(rounding),
                "is_reference": is_reference,
            },
        )
