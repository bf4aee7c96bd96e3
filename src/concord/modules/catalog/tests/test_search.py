"""Products in the global search: Thai substrings, codes, and only for those who may view the catalog."""

from __future__ import annotations

import pytest

from concord.core.identity.roles import Role
from concord.core.search.facade import search_query, search_reindex
from concord.core.search.models import SearchEntry
from concord.modules.catalog import services
from concord.modules.catalog.tests.conftest import EAN13


@pytest.fixture
def coconut_oil(company, manager, make_product):
    oils = services.category_create(company=company, name="น้ำมัน", by=manager)
    return make_product(name="น้ำมันมะพร้าวสกัดเย็น", internal_ref="OIL-CC-500", barcode=EAN13, category=oils)


def test_thai_product_found_by_a_word_inside_its_name(coconut_oil, make_user, company):
    seller = make_user(company=company, roles=(Role.SALES,))
    hits = search_query(query="มะพร้าว", user=seller)
    assert [(hit.kind, hit.object_id) for hit in hits] == [("catalog.product", str(coconut_oil.pk))]
    assert hits[0].title == "น้ำมันมะพร้าวสกัดเย็น"
    assert hits[0].subtitle == "น้ำมัน"
    assert "<mark>" in hits[0].highlight
    assert hits[0].url == f"/catalog/{coconut_oil.pk}/"


def test_found_by_code_and_barcode(coconut_oil, make_user, company):
    seller = make_user(company=company, roles=(Role.SALES,))
    assert [hit.object_id for hit in search_query(query="OIL-CC", user=seller)] == [str(coconut_oil.pk)]
    assert [hit.object_id for hit in search_query(query=EAN13[3:10], user=seller)] == [str(coconut_oil.pk)]


def test_not_found_without_catalog_permission_or_in_another_company(
    coconut_oil, make_user, make_company, company
):
    clerk = make_user(company=company, roles=(Role.HR,))  # HR holds no catalog permission
    assert search_query(query="มะพร้าว", user=clerk) == []
    outsider_company = make_company(code="elsewhere")
    outsider = make_user(company=outsider_company, roles=(Role.MANAGER,))
    assert search_query(query="มะพร้าว", user=outsider) == []


def test_renamed_and_deleted_products_follow_in_the_index(coconut_oil, manager):
    services.product_update(product=coconut_oil, by=manager, name="Virgin coconut oil")
    assert (
        SearchEntry.objects.get(kind="catalog.product", object_id=str(coconut_oil.pk)).title
        == "Virgin coconut oil"
    )
    product_id = coconut_oil.pk
    services.product_delete(product=coconut_oil, by=manager)
    assert not SearchEntry.objects.filter(kind="catalog.product", object_id=str(product_id)).exists()


def test_reindex_rebuilds_products(coconut_oil):
    SearchEntry.objects.filter(kind="catalog.product").delete()
    counts = search_reindex(kind="catalog.product")
    assert counts == {"catalog.product": 1}
    assert SearchEntry.objects.filter(kind="catalog.product", object_id=str(coconut_oil.pk)).exists()
