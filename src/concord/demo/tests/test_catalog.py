"""The catalog demo step: realistic, valid, sized, and idempotent."""

from __future__ import annotations

from datetime import date

from stdnum import ean

from concord.core.identity.roles import Role
from concord.core.search.facade import search_query
from concord.demo.catalog import MEKONG_PRODUCTS, SIAM_PRODUCTS, catalog_products
from concord.demo.steps import SIZES, DemoContext
from concord.modules.catalog.models import Category, Product


def _context(siam, mekong, by):
    return DemoContext(
        size=SIZES["small"],
        seed=2026,
        today=date(2026, 3, 15),
        companies={"siam": siam, "mekong": mekong},
        by=by,
    )


def test_demo_catalog_is_valid_sized_and_idempotent(company, make_company, make_user):
    manager = make_user(company=company, roles=(Role.MANAGER,))
    siam = company  # code "siam", in baht
    mekong = make_company(code="mekong", name="Mekong Supplies", country="KH", currency="USD")
    ctx = _context(siam, mekong, manager)
    catalog_products(ctx)
    size = SIZES["small"].products
    assert Product.all_companies.filter(company=siam).count() == max(size, len(SIAM_PRODUCTS))
    assert Product.all_companies.filter(company=mekong).count() == max(size, len(MEKONG_PRODUCTS))
    assert ctx.counts["products"] == 2 * size

    barcodes = list(Product.all_companies.exclude(barcode="").values_list("barcode", flat=True))
    assert barcodes
    assert all(ean.is_valid(code) and len(code) == 13 for code in barcodes)
    assert len(set(barcodes)) == len(barcodes)
    oil = Product.all_companies.get(company=siam, name="น้ำมันมะพร้าวสกัดเย็น")
    assert oil.sale_currency == "THB"
    rice_cooker = Product.all_companies.get(company=mekong, internal_ref="MK-RC-18")
    assert (rice_cooker.sale_currency, rice_cooker.purchase_currency) == ("USD", "THB")
    assert Category.all_companies.filter(company=siam, full_path="เครื่องครัว / กระทะ").exists()
    assert [hit.title for hit in search_query(query="มะพร้าว", user=manager, kinds=["catalog.product"])] == [
        "น้ำมันมะพร้าวสกัดเย็น"
    ]

    again = _context(siam, mekong, manager)
    catalog_products(again)
    assert again.counts == {}
    assert Product.all_companies.count() == 2 * size
