"""Seed the shared units of measure every company starts with.

Units are reference data like currencies: the same "kg" everywhere, so they are rows without a company.
Idempotent (get-or-create by code), so re-running on a database that has them changes nothing.
"""

from decimal import Decimal

from django.db import migrations

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


def seed(apps, schema_editor):
    UomCategory = apps.get_model("catalog", "UomCategory")
    Uom = apps.get_model("catalog", "Uom")
    categories = {code: UomCategory.objects.get_or_create(code=code)[0] for code in CATEGORIES}
    for code, category, name, ratio, rounding, is_reference in UNITS:
        Uom.objects.get_or_create(
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


def unseed(apps, schema_editor):
    Uom = apps.get_model("catalog", "Uom")
    Uom.objects.filter(company=None, code__in=[unit[0] for unit in UNITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
