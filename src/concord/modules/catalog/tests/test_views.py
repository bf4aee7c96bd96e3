"""The catalog screens: list, detail, create/edit with inline validation, archive, categories, units."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from concord.core.identity.roles import Role
from concord.core.registry import registry
from concord.core.web.testing import unlabelled_fields
from concord.modules.catalog import services
from concord.modules.catalog.models import Category, Product, Uom
from concord.modules.catalog.tests.conftest import EAN13


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def as_seller(client, make_user, company):
    client.force_login(make_user(company=company, roles=(Role.SALES,)))
    return client


def form_data(units, **overrides):
    data = {
        "kind": "goods",
        "name": "หม้อหุงข้าว 1.8 ลิตร",
        "internal_ref": "RC-18",
        "barcode": EAN13,
        "category": "",
        "uom": units["pc"].pk,
        "purchase_uom": units["box12"].pk,
        "sale_price": "1290",
        "sale_currency": "THB",
        "purchase_price": "850",
        "purchase_currency": "THB",
        "description": "",
    }
    data.update(overrides)
    return data


def png(name="wok.png"):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_list_shows_products_with_labelled_filters(as_manager, make_product, make_company, manager):
    make_product(name="Carbon steel wok")
    other = make_company(code="other")
    services.product_create(company=other, by=None, name="Foreign pan")
    response = as_manager.get(reverse("catalog:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Carbon steel wok" in html
    assert "Foreign pan" not in html
    assert reverse("dataio:upload", args=["catalog.product"]) in html  # the Import link
    assert unlabelled_fields(html) == []


def test_list_filters_and_exports(as_manager, make_product):
    make_product(name="Wok", kind="goods")
    make_product(name="ค่าติดตั้ง", kind="service")
    filtered = as_manager.get(reverse("catalog:list"), {"kind": "service"}).content.decode()
    assert "ค่าติดตั้ง" in filtered
    assert ">Wok<" not in filtered
    export = as_manager.get(reverse("catalog:list"), {"kind": "service", "export": "csv"})
    assert export.status_code == 200
    body = (
        b"".join(export.streaming_content).decode("utf-8-sig")
        if export.streaming
        else export.content.decode("utf-8-sig")
    )
    assert "ค่าติดตั้ง" in body
    assert "Wok" not in body


def test_list_needs_catalog_permission(client, make_user, company):
    client.force_login(make_user(company=company, roles=(Role.HR,)))
    assert client.get(reverse("catalog:list")).status_code == 403
    assert client.get(reverse("catalog:create")).status_code == 403


def test_sales_reads_but_cannot_create_or_edit(as_seller, make_product):
    product = make_product(name="Santoku knife")
    assert as_seller.get(reverse("catalog:detail", args=[product.pk])).status_code == 200
    assert as_seller.get(reverse("catalog:create")).status_code == 403
    assert as_seller.get(reverse("catalog:edit", args=[product.pk])).status_code == 403
    assert as_seller.post(reverse("catalog:archive", args=[product.pk])).status_code == 403
    list_html = as_seller.get(reverse("catalog:list")).content.decode()
    assert reverse("catalog:create") not in list_html


def test_other_company_product_is_404(client, make_user, make_company, make_product):
    product = make_product()
    other = make_company(code="other")
    client.force_login(make_user(company=other, roles=(Role.MANAGER,)))
    assert client.get(reverse("catalog:detail", args=[product.pk])).status_code == 404
    assert client.get(reverse("catalog:edit", args=[product.pk])).status_code == 404
    assert client.get(reverse("catalog:image", args=[product.pk])).status_code == 404


def test_create_with_image_then_detail_shows_it(as_manager, units, company):
    response = as_manager.post(reverse("catalog:create"), {**form_data(units), "image": png()})
    product = Product.all_companies.get(internal_ref="RC-18")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:detail", args=[product.pk])
    assert product.company_id == company.pk
    assert product.purchase_uom.code == "box12"
    detail = as_manager.get(reverse("catalog:detail", args=[product.pk])).content.decode()
    assert "หม้อหุงข้าว 1.8 ลิตร" in detail
    assert reverse("catalog:image", args=[product.pk]) in detail
    image = as_manager.get(reverse("catalog:image", args=[product.pk]))
    assert image.status_code == 200
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_create_form_is_labelled(as_manager):
    html = as_manager.get(reverse("catalog:create")).content.decode()
    assert unlabelled_fields(html) == []
    assert 'hx-post="/catalog/validate/"' in html


def test_non_image_upload_refused(as_manager, units):
    fake = SimpleUploadedFile("photo.jpg", b"GIF89a? no, just text", content_type="image/jpeg")
    response = as_manager.post(reverse("catalog:create"), {**form_data(units), "image": fake})
    assert response.status_code == 400
    assert response.context["form"].errors["image"]
    assert not Product.all_companies.exists()


def test_duplicate_ref_and_other_kind_purchase_unit_shown_on_fields(as_manager, units, make_product):
    make_product(internal_ref="RC-18")
    response = as_manager.post(
        reverse("catalog:create"), form_data(units, barcode="", purchase_uom=units["kg"].pk)
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "internal_ref" in errors
    assert "purchase_uom" in errors
    assert Product.all_companies.count() == 1


def test_inline_validation_returns_the_field_partial(as_manager, units, make_product):
    make_product(internal_ref="RC-18")
    response = as_manager.post(
        reverse("catalog:validate"),
        form_data(units, barcode="8850999320015"),
        headers={"HX-Request": "true", "HX-Trigger-Name": "barcode"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "check digit" in html
    assert "is-invalid" in html
    assert "<html" not in html
    assert 'name="barcode"' in html
    clash = as_manager.post(
        reverse("catalog:validate"),
        form_data(units),
        headers={"HX-Request": "true", "HX-Trigger-Name": "internal_ref"},
    ).content.decode()
    assert "already has this internal reference" in clash
    fine = as_manager.post(
        reverse("catalog:validate"),
        form_data(units),
        headers={"HX-Request": "true", "HX-Trigger-Name": "name"},
    ).content.decode()
    assert "is-valid" in fine
    assert "invalid-feedback" not in fine
    assert Product.all_companies.count() == 1  # validating saves nothing


def test_edit_records_the_change(as_manager, make_product, units):
    product = make_product(name="Wok", internal_ref="WOK-1", sale_price="500")
    data = form_data(
        units,
        name="Wok 36 cm",
        internal_ref="WOK-1",
        barcode="",
        purchase_uom=units["pc"].pk,
        sale_price="550",
    )
    response = as_manager.post(reverse("catalog:edit", args=[product.pk]), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Wok 36 cm"
    assert product.sale_price == 550
    from concord.core.audit.models import AuditEntry

    update = AuditEntry.objects.get(object_id=str(product.pk), action="update")
    assert {"name", "sale_price"} <= set(update.changes)


def test_archive_from_detail(as_manager, make_product):
    product = make_product()
    assert as_manager.post(reverse("catalog:archive", args=[product.pk])).status_code == 302
    product.refresh_from_db()
    assert not product.is_active
    as_manager.post(reverse("catalog:archive", args=[product.pk]), {"active": "1"})
    product.refresh_from_db()
    assert product.is_active


def test_product_delete_from_detail(as_manager, make_product):
    product = make_product()
    response = as_manager.post(reverse("catalog:delete", args=[product.pk]))
    assert response.status_code == 302
    assert not Product.all_companies.exists()


def test_categories_screen_lists_and_adds(as_manager, company):
    response = as_manager.post(reverse("catalog:categories"), {"name": "Kitchen", "parent": ""})
    assert response.status_code == 302
    kitchen = Category.all_companies.get(company=company, name="Kitchen")
    as_manager.post(reverse("catalog:categories"), {"name": "Knives", "parent": kitchen.pk})
    html = as_manager.get(reverse("catalog:categories")).content.decode()
    assert "Kitchen / Knives" in html
    assert unlabelled_fields(html) == []
    clash = as_manager.post(reverse("catalog:categories"), {"name": "Kitchen", "parent": ""})
    assert clash.status_code == 400


def test_units_screen_lists_and_adds_company_unit(as_manager, company, units):
    response = as_manager.post(
        reverse("catalog:units"),
        {
            "category": units["pc"].category_id,
            "code": "box24",
            "name": "Box of 24",
            "ratio": "24",
            "rounding": "0.01",
        },
    )
    assert response.status_code == 302
    assert Uom.objects.get(company=company, code="box24").ratio == 24
    html = as_manager.get(reverse("catalog:units")).content.decode()
    assert "Box of 24" in html
    assert "Kilogram" in html
    assert unlabelled_fields(html) == []


def test_nav_shows_products_in_both_offices(as_seller):
    items = {key: item for key, item in registry.nav_items.items() if item.url_name == "catalog:list"}
    assert {item.office for item in items.values()} == {"front", "back"}
    assert {item.permission for item in items.values()} == {"catalog.view"}
    html = as_seller.get(reverse("catalog:list")).content.decode()
    assert f'href="{reverse("catalog:list")}"' in html


def test_category_filter_offers_only_own_company_categories(as_manager, company, manager, make_company):
    services.category_create(company=company, name="Woks", by=manager)
    services.category_create(company=make_company(code="other"), name="Secret range", by=None)
    html = as_manager.get(reverse("catalog:list")).content.decode()
    assert "Woks" in html
    assert "Secret range" not in html
