"""The catalog's REST API: products CRUD, filters, errors as 4xx, categories, units, conversion."""

from __future__ import annotations

import pytest
from django.test import Client

from concord.core.api.tests.helpers import API, error_of
from concord.core.identity.roles import Role
from concord.modules.catalog.models import Product
from concord.modules.catalog.tests.conftest import EAN13


def test_product_crud(api, manager, company, units):
    client = api(manager)
    created = client.post(
        "/catalog/products",
        {
            "name": "มีดเชฟ 8 นิ้ว",
            "internal_ref": "KN-08",
            "barcode": EAN13,
            "sale_price": "890",
            "uom": "pc",
            "purchase_uom": "box12",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["company_id"] == company.pk
    assert body["sale_currency"] == "THB"
    assert body["uom"] == "pc"
    assert body["purchase_uom"] == "box12"
    assert body["sale_price"] in {"890", "890.000000"}
    product_id = body["id"]

    got = client.get(f"/catalog/products/{product_id}")
    assert got.status_code == 200
    assert got.json()["name"] == "มีดเชฟ 8 นิ้ว"

    patched = client.patch(f"/catalog/products/{product_id}", {"sale_price": "850", "kind": "goods"})
    assert patched.status_code == 200, patched.content
    assert Product.all_companies.get(pk=product_id).sale_price == 850

    archived = client.post(f"/catalog/products/{product_id}/archive")
    assert archived.status_code == 200
    assert archived.json()["is_active"] is False

    deleted = client.delete(f"/catalog/products/{product_id}")
    assert deleted.status_code == 204
    assert not Product.all_companies.filter(pk=product_id).exists()


def test_list_filters_and_pages(api, manager, make_product, company):
    for index in range(3):
        make_product(name=f"Wok {index}", kind="goods")
    make_product(name="Installation", kind="service")
    client = api(manager)
    services_only = client.get("/catalog/products", {"kind": "service"}).json()
    assert [item["name"] for item in services_only["items"]] == ["Installation"]
    page = client.get("/catalog/products", {"q": "wok", "page_size": 2, "ordering": "-name"}).json()
    assert page["count"] == 3
    assert [item["name"] for item in page["items"]] == ["Wok 2", "Wok 1"]
    bad = client.get("/catalog/products", {"ordering": "cost"})
    assert bad.status_code == 422
    assert "ordering" in error_of(bad)["fields"]


def test_invalid_barcode_is_422_naming_the_field(api, manager):
    response = api(manager).post("/catalog/products", {"name": "Knife", "barcode": "8850999320015"})
    assert response.status_code == 422
    assert "barcode" in error_of(response)["fields"]
    assert not Product.all_companies.exists()


def test_missing_name_and_unknown_field_are_422(api, manager):
    response = api(manager).post("/catalog/products", {"nme": "Knife"})
    assert response.status_code == 422
    assert {"name", "nme"} <= set(error_of(response)["fields"])


def test_duplicate_ref_is_409(api, manager, make_product):
    make_product(internal_ref="RC-18")
    response = api(manager).post("/catalog/products", {"name": "Rice cooker", "internal_ref": "RC-18"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "duplicate_product"
    assert "internal_ref" in error["fields"]


def test_purchase_unit_of_other_kind_is_422(api, manager):
    response = api(manager).post("/catalog/products", {"name": "Flour", "uom": "kg", "purchase_uom": "pc"})
    assert response.status_code == 422
    assert "purchase_uom" in error_of(response)["fields"]


def test_sales_may_read_but_not_write(api, make_user, company, make_product):
    product = make_product()
    seller = api(make_user(company=company, roles=(Role.SALES,)))
    assert seller.get(f"/catalog/products/{product.pk}").status_code == 200
    assert seller.post("/catalog/products", {"name": "X"}).status_code == 403
    assert seller.patch(f"/catalog/products/{product.pk}", {"name": "Y"}).status_code == 403
    assert seller.delete(f"/catalog/products/{product.pk}").status_code == 403


def test_other_company_product_is_404(api, make_user, make_company, make_product):
    product = make_product()
    other = make_company(code="other")
    stranger = api(make_user(company=other, roles=(Role.MANAGER,)))
    assert stranger.get(f"/catalog/products/{product.pk}").status_code == 404
    assert stranger.patch(f"/catalog/products/{product.pk}", {"name": "Mine"}).status_code == 404
    assert stranger.get("/catalog/products").json()["count"] == 0


def test_categories_and_units(api, manager, company):
    client = api(manager)
    top = client.post("/catalog/categories", {"name": "Kitchen"})
    assert top.status_code == 201
    child = client.post("/catalog/categories", {"name": "Woks", "parent_id": top.json()["id"]})
    assert child.json()["full_path"] == "Kitchen / Woks"
    listed = client.get("/catalog/categories").json()
    assert [row["full_path"] for row in listed["items"]] == ["Kitchen", "Kitchen / Woks"]

    unit = client.post(
        "/catalog/uoms", {"category": "unit", "code": "box24", "name": "Box of 24", "ratio": "24"}
    )
    assert unit.status_code == 201, unit.content
    codes = {row["code"] for row in client.get("/catalog/uoms").json()}
    assert {"pc", "kg", "box24"} <= codes


def test_convert(api, manager):
    client = api(manager)
    answer = client.get("/catalog/uoms/convert", {"quantity": "2", "from_uom": "box12", "to_uom": "pc"})
    assert answer.status_code == 200
    assert answer.json()["result"] == "24"
    refused = client.get("/catalog/uoms/convert", {"quantity": "1", "from_uom": "kg", "to_uom": "pc"})
    assert refused.status_code == 422
    assert error_of(refused)["code"] == "uom_mismatch"


def test_image_upload_refuses_non_image(manager, company, make_product, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from concord.core.identity.tokens import access_token_create

    product = make_product()
    _token, raw = access_token_create(user=manager, name="tests")
    client = Client()
    fake = SimpleUploadedFile("photo.jpg", b"this is not a picture", content_type="image/jpeg")
    response = client.post(
        f"{API}/catalog/products/{product.pk}/image",
        {"image": fake},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422
    assert "image" in error_of(response)["fields"]
    product.refresh_from_db()
    assert not product.image


@pytest.mark.parametrize("size", [(4, 3)])
def test_image_upload_accepts_png(manager, make_product, size):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from concord.core.identity.tokens import access_token_create

    buffer = BytesIO()
    Image.new("RGB", size, "orange").save(buffer, format="PNG")
    product = make_product()
    _token, raw = access_token_create(user=manager, name="tests")
    response = Client().post(
        f"{API}/catalog/products/{product.pk}/image",
        {"image": SimpleUploadedFile("wok.png", buffer.getvalue(), content_type="image/png")},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["image_url"] == f"/catalog/{product.pk}/image/"
    product.refresh_from_db()
    assert product.image.name.startswith("products/")
