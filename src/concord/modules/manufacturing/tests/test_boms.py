"""Bills of materials: validation (cycles, quantities, units), multi-level explosion, cost roll-up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concord.core.errors import Conflict, ValidationFailed
from concord.modules.manufacturing.models import BomKind, BomLine
from concord.modules.manufacturing.queries import bom_cost_report, bom_explode
from concord.modules.manufacturing.services.boms import BomLineInput, bom_archive, bom_create, bom_update
from concord.modules.manufacturing.tests.conftest import stock_in, uom


def test_a_kit_explodes_into_its_components_at_any_depth(boms, products):
    exploded = {c.product_id: c for c in bom_explode(boms["wok"], Decimal(10))}

    p = products
    assert set(exploded) == {p["pan"].pk, p["handle"].pk, p["screw"].pk, p["lid"].pk}
    assert exploded[p["screw"].pk].quantity == Decimal(20)
    assert exploded[p["screw"].pk].via == ("Handle kit",)
    # The lid has a normal BOM: it is consumed from stock, its BOM named for a child order.
    assert exploded[p["lid"].pk].sub_bom_id == boms["lid"].pk
    assert exploded[p["pan"].pk].sub_bom_id is None


def test_a_nested_kit_explodes_through_two_levels(company, products, boms, make_product):
    gift = make_product(company, "Gift box")
    bom = bom_create(
        company=company,
        product_id=gift.pk,
        lines=[BomLineInput(products["handle_kit"].pk, Decimal(3))],
        by=None,
    )
    # Make the gift box itself a kit inside another product: two kit levels.
    hamper = make_product(company, "Hamper")
    bom_update(bom=bom, by=None, kind=BomKind.KIT)
    hamper_bom = bom_create(
        company=company, product_id=hamper.pk, lines=[BomLineInput(gift.pk, Decimal(2))], by=None
    )

    exploded = {c.product_id: c.quantity for c in bom_explode(hamper_bom, Decimal(1))}

    assert exploded == {products["handle"].pk: Decimal(6), products["screw"].pk: Decimal(12)}


def test_a_cycle_at_any_depth_is_refused_naming_the_path(company, boms, products):
    # The knob is made of a wok set: wok set -> lid -> knob -> wok set.
    with pytest.raises(ValidationFailed) as caught:
        bom_create(
            company=company,
            product_id=products["knob"].pk,
            lines=[BomLineInput(products["wok_set"].pk, Decimal(1))],
            by=None,
        )
    assert caught.value.field == "lines"
    assert "cannot be made of itself" in str(caught.value.message)
    assert "Lid knob" in str(caught.value.message)
    assert "Wok starter set" in str(caught.value.message)


def test_a_product_cannot_be_its_own_component(company, products):
    with pytest.raises(ValidationFailed, match="made of itself"):
        bom_create(
            company=company,
            product_id=products["pan"].pk,
            lines=[BomLineInput(products["pan"].pk, Decimal(1))],
            by=None,
        )


def test_editing_a_bom_into_a_cycle_is_refused(boms, products):
    with pytest.raises(ValidationFailed, match="made of itself"):
        bom_update(
            bom=boms["lid"],
            by=None,
            lines=[
                BomLineInput(products["glass"].pk, Decimal(1)),
                BomLineInput(products["wok_set"].pk, Decimal(1)),
            ],
        )
    assert BomLine.objects.filter(bom=boms["lid"]).count() == 2  # nothing changed


@pytest.mark.parametrize("quantity", [Decimal(0), Decimal(-1)])
def test_zero_or_negative_quantities_are_refused(company, products, quantity):
    with pytest.raises(ValidationFailed) as caught:
        bom_create(
            company=company,
            product_id=products["lid"].pk,
            lines=[BomLineInput(products["glass"].pk, quantity)],
            by=None,
        )
    assert caught.value.field == "lines"
    with pytest.raises(ValidationFailed) as caught:
        bom_create(
            company=company,
            product_id=products["lid"].pk,
            quantity=quantity,
            lines=[BomLineInput(products["glass"].pk, Decimal(1))],
            by=None,
        )
    assert caught.value.field == "quantity"


def test_a_unit_of_another_kind_is_refused(company, products):
    with pytest.raises(ValidationFailed) as caught:
        bom_create(
            company=company,
            product_id=products["lid"].pk,
            lines=[BomLineInput(products["glass"].pk, Decimal(1), uom_id=uom("kg").pk)],
            by=None,
        )
    assert caught.value.field == "lines"
    assert "another kind" in str(caught.value.message)


def test_a_unit_of_the_same_kind_is_converted(company, products):
    bom = bom_create(
        company=company,
        product_id=products["lid"].pk,
        quantity=Decimal(1),
        uom_id=uom("dozen").pk,
        lines=[BomLineInput(products["knob"].pk, Decimal(1), uom_id=uom("dozen").pk)],
        by=None,
    )
    # A dozen lids take a dozen knobs: 24 lids take 24 knobs.
    assert [c.quantity for c in bom_explode(bom, Decimal(24))] == [Decimal(24)]


def test_another_companys_product_is_refused(company, make_company, make_product, products):
    foreign = make_product(make_company(code="other"), "Foreign screw")
    with pytest.raises(ValidationFailed) as caught:
        bom_create(
            company=company,
            product_id=products["lid"].pk,
            lines=[BomLineInput(foreign.pk, Decimal(1))],
            by=None,
        )
    assert caught.value.field == "lines"


def test_one_active_bom_per_product(company, boms, products):
    with pytest.raises(Conflict):
        bom_create(
            company=company,
            product_id=products["lid"].pk,
            lines=[BomLineInput(products["knob"].pk, Decimal(1))],
            by=None,
        )
    bom_archive(bom=boms["lid"], by=None)
    second = bom_create(
        company=company,
        product_id=products["lid"].pk,
        lines=[BomLineInput(products["knob"].pk, Decimal(1))],
        by=None,
    )
    assert second.is_active
    with pytest.raises(Conflict):
        bom_archive(bom=boms["lid"], by=None, active=True)


def test_cost_rolls_up_through_kits_and_sub_assemblies(company, boms, products):
    p = products
    stock_in(
        company,
        [
            (p["pan"], "5", "100"),
            (p["handle"], "5", "20"),
            (p["screw"], "10", "1.5"),
            (p["glass"], "5", "30"),
            (p["knob"], "5", "5"),
        ],
    )

    report = bom_cost_report(boms["wok"], Decimal(2))

    rows = {row.product_id: row for row in report.flattened()}
    assert rows[p["screw"].pk].quantity == Decimal(4)
    assert rows[p["screw"].pk].unit_cost == Decimal("1.5")
    assert rows[p["handle_kit"].pk].kind == "kit"
    assert rows[p["handle_kit"].pk].cost == Decimal(46)  # 2 x 20 + 4 x 1.5
    assert rows[p["lid"].pk].kind == "subassembly"
    assert rows[p["lid"].pk].cost == Decimal(70)  # 2 x (30 + 5)
    assert report.cost == Decimal(316)  # 200 + 46 + 70
    assert report.rolled_unit_cost == Decimal(158)
