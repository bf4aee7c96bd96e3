"""Demo catalog: kitchenware, food and services of the Thai company, and a Khmer-named range in Cambodia.

Every product goes through the catalog services (audit trail, search index, events), found again by its
internal reference, so reloading the demo creates only what is missing. Barcodes are valid EAN-13s with
the GS1 prefix of the country (885 Thailand, 884 Cambodia). Beyond the hand-written products, the demo
size decides how many generated variants each company gets (``size.products``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from stdnum import ean

from concord.core.identity.models import Company
from concord.demo.steps import DemoContext, demo_step
from concord.modules.catalog import services
from concord.modules.catalog.models import Category, Product, ProductKind
from concord.modules.catalog.queries import category_by_path, category_path_split, uom_by_code
from concord.modules.catalog.reference_units import reference_units_ensure


@dataclass(frozen=True)
class DemoProduct:
    """One hand-written demo product."""

    ref: str
    name: str
    category: str  # full path
    sale_price: str
    cost: str = "0"
    kind: str = ProductKind.GOODS
    uom: str = "pc"
    purchase_uom: str = ""
    cost_currency: str = ""  # the company's when empty
    description: str = ""


SIAM_PRODUCTS = [
    DemoProduct("WOK-36", "กระทะเหล็กคาร์บอน 36 ซม.", "เครื่องครัว / กระทะ", "590", "320", purchase_uom="box12"),
    DemoProduct("WOK-30CI", "กระทะเหล็กหล่อ 30 ซม.", "เครื่องครัว / กระทะ", "890", "480"),
    DemoProduct("STM-26", "ซึ้งนึ่งไม้ไผ่ 26 ซม.", "เครื่องครัว / หม้อและซึ้ง", "320", "150", purchase_uom="dozen"),
    DemoProduct("MRT-01", "ครกหินอ่างศิลา", "เครื่องครัว / อุปกรณ์เตรียมอาหาร", "450", "220"),
    DemoProduct("RC-18", "หม้อหุงข้าวไฟฟ้า 1.8 ลิตร", "เครื่องใช้ไฟฟ้า / หม้อหุงข้าว", "1290", "850"),
    DemoProduct("RC-10D", "หม้อหุงข้าวดิจิทัล 1 ลิตร", "เครื่องใช้ไฟฟ้า / หม้อหุงข้าว", "2490", "1650"),
    DemoProduct("KN-CHEF8", "มีดเชฟ 8 นิ้ว", "มีด", "890", "420", purchase_uom="box12"),
    DemoProduct("KN-CLV", "มีดสับกระดูก", "มีด", "650", "300"),
    DemoProduct("KN-SET5", "ชุดมีดครัว 5 ชิ้น", "มีด", "1990", "1100"),
    DemoProduct(
        "OIL-CC-500",
        "น้ำมันมะพร้าวสกัดเย็น",
        "อาหารและน้ำมัน",
        "250",
        "140",
        description="ขวด 500 มล. จากเกาะสมุย",
    ),
    DemoProduct("RICE-HM", "ข้าวหอมมะลิ", "อาหารและน้ำมัน", "45", "32", uom="kg"),
    DemoProduct("CON-GLV", "ถุงมือยางล้างจาน", "วัสดุสิ้นเปลือง", "45", "20", kind=ProductKind.CONSUMABLE),
    DemoProduct("SRV-INST", "ค่าติดตั้ง", "บริการ", "500", kind=ProductKind.SERVICE, uom="h"),
    DemoProduct("SRV-DLV", "ค่าจัดส่ง", "บริการ", "150", kind=ProductKind.SERVICE),
]

MEKONG_PRODUCTS = [
    DemoProduct("MK-RC-18", "ឆ្នាំងបាយអគ្គិសនី ១.៨ លីត្រ", "ឧបករណ៍ផ្ទះបាយ", "45.00", "980", cost_currency="THB"),
    DemoProduct("MK-KN-01", "កាំបិតចុងភៅ", "ឧបករណ៍ផ្ទះបាយ", "18.50", "9.00", purchase_uom="box12"),
    DemoProduct("MK-WOK-34", "ខ្ទះដែក ៣៤ ស.ម", "ឧបករណ៍ផ្ទះបាយ", "22.00", "390", cost_currency="THB"),
    DemoProduct("MK-OIL-CC", "ប្រេងដូងស្រស់", "អាហារ", "6.50", "3.80"),
    DemoProduct("MK-RICE-JM", "អង្ករម្លិះ", "អាហារ", "1.20", "0.85", uom="kg"),
    DemoProduct("MK-SRV-DLV", "សេវាដឹកជញ្ជូន", "សេវាកម្ម", "3.00", kind=ProductKind.SERVICE),
]

# Generated variants: (name stem, category path, unit price) per company, cycled with a size number.
SIAM_STEMS = [
    ("หม้อสแตนเลส", "เครื่องครัว / หม้อและซึ้ง", 390),
    ("ตะหลิวสแตนเลส", "เครื่องครัว / อุปกรณ์เตรียมอาหาร", 120),
    ("เขียงไม้มะขาม", "เครื่องครัว / อุปกรณ์เตรียมอาหาร", 280),
    ("มีดปอกผลไม้", "มีด", 150),
    ("กระทะเคลือบ", "เครื่องครัว / กระทะ", 690),
]
MEKONG_STEMS = [
    ("ឆ្នាំងដែកអ៊ីណុក", "ឧបករណ៍ផ្ទះបាយ", 12),
    ("ចានដែក", "ឧបករណ៍ផ្ទះបាយ", 3),
    ("ទឹកត្រី", "អាហារ", 2),
]

GS1_PREFIX = {"siam": "885", "mekong": "884"}


def demo_barcode(company_code: str, number: int) -> str:
    """A valid EAN-13 with the country's GS1 prefix, distinct per company and number."""
    body = f"{GS1_PREFIX[company_code]}{number:09d}"
    return body + ean.calc_check_digit(body)


def _category(ctx: DemoContext, company: Company, path: str) -> Category:
    """The category at ``path``, creating the missing levels."""
    parent: Category | None = None
    walked: list[str] = []
    for name in category_path_split(path):
        walked.append(name)
        found = category_by_path(company, " / ".join(walked))
        if found is None:
            found = services.category_create(company=company, name=name, parent=parent, by=ctx.by)
            ctx.count("product categories")
        parent = found
    if parent is None:
        raise ValueError(f"empty category path {path!r}")
    return parent


def _ensure_products(
    ctx: DemoContext, company: Company, products: list[DemoProduct], stems: list[tuple[str, str, int]]
) -> None:
    existing = set(
        Product.all_companies.filter(company=company)
        .exclude(internal_ref="")
        .values_list("internal_ref", flat=True)
    )
    wanted = list(products)
    rng = ctx.rng(f"catalog.{company.code}")
    for number in range(1, max(0, ctx.size.products - len(products)) + 1):
        stem, path, price = stems[(number - 1) % len(stems)]
        variant = f"{stem} #{number}"
        sale = Decimal(price) * Decimal(rng.randint(90, 130)) / 100
        wanted.append(
            DemoProduct(
                ref=f"{company.code.upper()}-{number:05d}",
                name=variant,
                category=path,
                sale_price=str(sale.quantize(Decimal("0.01"))),
                cost=str((sale * Decimal("0.6")).quantize(Decimal("0.01"))),
            )
        )
    for index, spec in enumerate(wanted, start=1):
        if spec.ref in existing:
            continue
        uom = uom_by_code(spec.uom, company=company)
        purchase_uom = uom_by_code(spec.purchase_uom, company=company) if spec.purchase_uom else uom
        services.product_create(
            company=company,
            by=ctx.by,
            name=spec.name,
            kind=spec.kind,
            internal_ref=spec.ref,
            barcode="" if spec.kind == ProductKind.SERVICE else demo_barcode(company.code, index),
            category=_category(ctx, company, spec.category),
            uom=uom,
            purchase_uom=purchase_uom,
            sale_price=spec.sale_price,
            sale_currency=company.currency,
            purchase_price=spec.cost,
            purchase_currency=spec.cost_currency or company.currency,
            description=spec.description,
        )
        ctx.count("products")


@demo_step(order=110, key="catalog.products")
def catalog_products(ctx: DemoContext) -> None:
    """Categories and products for the Thai and the Cambodian demo company."""
    reference_units_ensure()  # migrations seed them, but a flushed database (live-server tests) lost them
    for code, products, stems in (
        ("siam", SIAM_PRODUCTS, SIAM_STEMS),
        ("mekong", MEKONG_PRODUCTS, MEKONG_STEMS),
    ):
        company = ctx.companies.get(code)
        if company is not None:
            _ensure_products(ctx, company, products, stems)
