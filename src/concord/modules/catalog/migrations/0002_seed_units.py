"""Seed the shared units of measure every company starts with (see ``catalog.reference_units``)."""

from django.db import migrations

from concord.modules.catalog.reference_units import UNITS, reference_units_ensure


def seed(apps, schema_editor):
    reference_units_ensure(apps.get_model("catalog", "UomCategory"), apps.get_model("catalog", "Uom"))


def unseed(apps, schema_editor):
    Uom = apps.get_model("catalog", "Uom")
    Uom.objects.filter(company=None, code__in=[unit[0] for unit in UNITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
