"""Products, categories and units through the services: rules, audit, events, search."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concord.core.audit.models import AuditEntry
from concord.core.errors import Conflict, ValidationFailed
from concord.core.money.money import Money
from concord.core.outbox.models import OutboxEvent
from concord.core.search.models import SearchEntry
from concord.modules.catalog import facade, services
from concord.modules.catalog.errors import DuplicateProductError, InUseError
from concord.modules.catalog.models import Product
from concord.modules.catalog.tests.conftest import EAN8, EAN13


def _events(product_id: int) -> list[str]:
    return list(
        OutboxEvent.objects.filter(aggregate_type="catalog.product", aggregate_id=str(product_id))
        .order_by("pk")
        .values_list("event_type", flat=True)
    )


def test_create_defaults_audits_indexes_and_publishes(company, manager, units):
    product = services.product_create(
        company=company, by=manager, name="  Carbon   steel wok 36 cm ", internal_ref="WOK-36", barcode=EAN13
    )
    product.refresh_from_db()
    assert product.name == "Carbon steel wok 36 cm"
    assert product.uom.code == "pc"
    assert product.purchase_uom_id == product.uom_id
    assert product.sale_currency == "THB"
    assert product.purchase_currency == "THB"
    entry = AuditEntry.objects.get(object_id=str(product.pk), action="create")
    assert entry.changes["internal_ref"] == [None, "WOK-36"]
    assert entry.actor_id == manager.pk
    assert _events(product.pk) == ["catalog.ProductCreated"]
    indexed = SearchEntry.objects.get(kind="catalog.product", object_id=str(product.pk))
    assert indexed.title == "Carbon steel wok 36 cm"
    assert "WOK-36" in indexed.codes
    assert EAN13 in indexed.codes


def test_internal_ref_and_barcode_unique_per_company(company, make_company, make_product, manager):
    make_product(internal_ref="KN-01", barcode=EAN13)
    with pytest.raises(DuplicateProductError) as ref_clash:
        make_product(internal_ref="KN-01")
    assert ref_clash.value.field == "internal_ref"
    assert ref_clash.value.status_code == 409
    with pytest.raises(DuplicateProductError) as barcode_clash:
        make_product(barcode=f"{EAN13[:4]}-{EAN13[4:]}")  # same digits, typed with a dash
    assert barcode_clash.value.field == "barcode"
    assert Product.all_companies.filter(company=company).count() == 1

    other = make_company(name="Mekong", code="mekong", country="KH", currency="USD")
    twin = make_product(company=other, internal_ref="KN-01", barcode=EAN13)
    assert twin.company_id == other.pk  # the same reference in another company is fine


def test_empty_refs_do_not_clash(make_product):
    make_product()
    make_product()
    assert Product.all_companies.filter(internal_ref="").count() == 2


@pytest.mark.parametrize(
    ("barcode", "message_part"),
    [("8850999320015", "check digit"), ("12345", "not a barcode"), ("ABCDEFGHIJKLM", "not a barcode")],
)
def test_invalid_barcode_refused_on_its_field(make_product, barcode, message_part):
    with pytest.raises(ValidationFailed) as refused:
        make_product(barcode=barcode)
    assert list(refused.value.errors) == ["barcode"]
    assert message_part in refused.value.errors["barcode"][0]
    assert not Product.all_companies.exists()


def test_ean8_and_upc_accepted(make_product):
    assert make_product(barcode=EAN8).barcode == EAN8
    assert make_product(barcode="036000291452").barcode == "036000291452"  # UPC-A


def test_purchase_uom_of_another_kind_refused(make_product, units):
    with pytest.raises(ValidationFailed) as refused:
        make_product(uom=units["pc"], purchase_uom=units["kg"])
    assert "purchase_uom" in refused.value.errors
    assert make_product(uom=units["pc"], purchase_uom=units["box12"]).purchase_uom.code == "box12"


def test_unit_of_another_company_refused(company, make_company, manager, make_product):
    other = make_company(code="other")
    box24 = services.uom_create(
        company=other, category="unit", code="box24", name="Box of 24", ratio="24", by=None
    )
    with pytest.raises(ValidationFailed) as refused:
        make_product(uom=box24)
    assert "uom" in refused.value.errors


def test_negative_price_and_bad_currency_refused(make_product):
    with pytest.raises(ValidationFailed) as negative:
        make_product(sale_price="-1")
    assert "sale_price" in negative.value.errors
    with pytest.raises(ValidationFailed) as currency:
        make_product(sale_currency="XYZ")
    assert currency.value.field == "sale_currency"


def test_update_records_only_changes_and_refuses_atomically(make_product, manager):
    product = make_product(name="Rice cooker 1.8 l", sale_price="1290")
    services.product_update(product=product, by=manager, sale_price=Decimal("1190"), name="Rice cooker 1.8 l")
    entry = AuditEntry.objects.filter(object_id=str(product.pk), action="update").get()
    assert entry.changes == {"sale_price": ["1290.000000", "1190"]} or set(entry.changes) == {"sale_price"}
    assert _events(product.pk) == ["catalog.ProductCreated", "catalog.ProductUpdated"]

    with pytest.raises(ValidationFailed):
        services.product_update(product=product, by=manager, name="Other", barcode="123")
    assert product.name == "Rice cooker 1.8 l"  # restored in memory
    product.refresh_from_db()
    assert product.name == "Rice cooker 1.8 l"
    assert product.barcode == ""


def test_update_refuses_unknown_field(make_product, manager):
    product = make_product()
    with pytest.raises(ValidationFailed) as refused:
        services.product_update(product=product, by=manager, company_id=99)
    assert refused.value.field == "company_id"


def test_archive_and_unarchive(make_product, manager):
    product = make_product()
    services.product_archive(product=product, by=manager)
    product.refresh_from_db()
    assert product.is_active is False
    services.product_unarchive(product=product, by=manager)
    product.refresh_from_db()
    assert product.is_active is True
    assert _events(product.pk) == [
        "catalog.ProductCreated",
        "catalog.ProductArchived",
        "catalog.ProductUnarchived",
    ]


def test_delete_unreferenced_product_unindexes(make_product, manager):
    product = make_product(name="Bamboo steamer")
    product_id = product.pk
    services.product_delete(product=product, by=manager)
    assert not Product.all_companies.filter(pk=product_id).exists()
    assert not SearchEntry.objects.filter(kind="catalog.product", object_id=str(product_id)).exists()
    assert AuditEntry.objects.filter(object_id=str(product_id), action="delete").exists()
    assert _events(product_id)[-1] == "catalog.ProductDeleted"


def test_referenced_category_cannot_be_deleted(company, manager, make_product):
    kitchen = services.category_create(company=company, name="Kitchen", by=manager)
    make_product(category=kitchen)
    with pytest.raises(InUseError) as refused:
        services.category_delete(category=kitchen, by=manager)
    assert isinstance(refused.value, Conflict)
    assert not AuditEntry.objects.filter(object_id=str(kitchen.pk), action="delete").exists()


def test_category_tree_paths_follow_renames(company, manager, make_product):
    kitchen = services.category_create(company=company, name="Kitchen", by=manager)
    cookware = services.category_create(company=company, name="Cookware", parent=kitchen, by=manager)
    woks = services.category_create(company=company, name="Woks", parent=cookware, by=manager)
    wok = make_product(name="Wok", category=woks)
    assert woks.full_path == "Kitchen / Cookware / Woks"
    services.category_update(category=kitchen, by=manager, name="Kitchenware")
    woks.refresh_from_db()
    assert woks.full_path == "Kitchenware / Cookware / Woks"
    entry = SearchEntry.objects.get(kind="catalog.product", object_id=str(wok.pk))
    assert entry.subtitle == "Kitchenware / Cookware / Woks"
    with pytest.raises(ValidationFailed) as loop:
        services.category_update(category=kitchen, by=manager, parent=woks)
    assert loop.value.field == "parent"


def test_category_duplicate_and_slash_refused(company, manager):
    services.category_create(company=company, name="Knives", by=manager)
    with pytest.raises(ValidationFailed):
        services.category_create(company=company, name="Knives", by=manager)
    with pytest.raises(ValidationFailed):
        services.category_create(company=company, name="Pots/Pans", by=manager)


def test_company_unit_and_shared_code_clash(company, manager, units):
    box24 = services.uom_create(
        company=company, category="unit", code="box24", name="Box of 24", ratio="24", by=manager
    )
    assert box24.company_id == company.pk
    assert not box24.is_reference
    assert facade.uom_convert(Decimal(2), box24.pk, "pc") == Decimal(48)
    with pytest.raises(ValidationFailed) as clash:
        services.uom_create(company=company, category="unit", code="kg", name="Kilo", ratio="1", by=manager)
    assert clash.value.field == "code"


def test_facade_product_get_gives_money(make_product, units):
    product = make_product(
        name="Coconut oil",
        sale_price="250",
        sale_currency="THB",
        purchase_price="7.5",
        purchase_currency="USD",
        uom=units["l"],
    )
    info = facade.product_get(product.pk)
    assert info.sale_price == Money("250", "THB")
    assert info.purchase_price == Money("7.5", "USD")
    assert info.uom_code == "l"
    assert info.kind == "goods"
    assert facade.product_default_taxes(product.pk) == []
