"""Importing products from CSV/XLSX through the import framework and ``ProductImport``."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from concord.core.dataio.models import ImportStatus
from concord.core.dataio.services import import_job_confirm, import_job_preview
from concord.core.dataio.specs import importer_get
from concord.modules.catalog import services
from concord.modules.catalog.importing import ProductImport
from concord.modules.catalog.models import Product
from concord.modules.catalog.tests.conftest import EAN13, EAN13_OTHER

HEADER = [
    "name",
    "kind",
    "internal_ref",
    "barcode",
    "category",
    "uom",
    "purchase_uom",
    "sale_price",
    "sale_currency",
]


def csv_upload(rows, header=HEADER, name="products.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"))


def xlsx_upload(rows, header=HEADER, name="products.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_spec_is_registered():
    assert isinstance(importer_get("catalog.product"), ProductImport)


def test_xlsx_import_creates_products_through_the_service(
    company, manager, django_capture_on_commit_callbacks
):
    services.category_create(company=company, name="Kitchen", by=manager)
    woks = services.category_create(
        company=company,
        name="Woks",
        parent=services.category_create(company=company, name="Cookware", by=manager),
        by=manager,
    )
    rows = [
        ["กระทะเหล็ก 36 ซม.", "goods", "WOK-36", EAN13, "Cookware/Woks", "pc", "box12", "590", "THB"],
        ["ค่าติดตั้ง", "service", "SRV-INST", "", "", "h", "", "350", ""],
    ]
    job = import_job_preview(
        spec_key="catalog.product", company=company, by=manager, upload=xlsx_upload(rows)
    )
    assert (job.total_rows, job.error_count) == (2, 0), job.row_errors
    assert not Product.all_companies.exists()  # the preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, by=manager)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.error_message
    wok = Product.all_companies.get(internal_ref="WOK-36")
    assert wok.category_id == woks.pk
    assert wok.purchase_uom.code == "box12"
    assert wok.sale_price == 590
    service = Product.all_companies.get(internal_ref="SRV-INST")
    assert service.kind == "service"
    assert service.uom.code == "h"
    assert service.sale_currency == "THB"


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(company, manager, make_product):
    make_product(internal_ref="TAKEN")
    rows = [
        ["Good knife", "goods", "KN-1", EAN13_OTHER, "", "pc", "", "100", "THB"],
        ["", "goods", "KN-2", "", "", "pc", "", "1", "THB"],  # no name
        ["Bad barcode", "goods", "KN-3", "8850999320015", "", "pc", "", "1", "THB"],
        ["Missing category", "goods", "KN-4", "", "Nowhere", "pc", "", "1", "THB"],
        ["Flour", "goods", "KN-5", "", "", "kg", "pc", "1", "THB"],  # units of two kinds
        ["Taken ref", "goods", "TAKEN", "", "", "pc", "", "1", "THB"],
        ["Twin in file", "goods", "KN-1", "", "", "pc", "", "1", "THB"],
        ["Negative", "goods", "KN-8", "", "", "pc", "", "-5", "THB"],
        ["Odd unit", "gadget", "KN-9", "", "", "crate", "", "1", "THB"],
    ]
    job = import_job_preview(spec_key="catalog.product", company=company, by=manager, upload=csv_upload(rows))
    located = {(error["row"], error["column"]) for error in job.row_errors}
    assert job.error_count == 8
    assert {
        (3, "name"),
        (4, "barcode"),
        (5, "category"),
        (6, "purchase_uom"),
        (7, "internal_ref"),
        (8, "internal_ref"),
        (9, "sale_price"),
    } <= located
    assert any(row == 10 for row, _column in located)
    assert Product.all_companies.count() == 1  # only the one made before


def test_duplicate_barcode_inside_the_file(company, manager):
    rows = [
        ["A", "", "", EAN13, "", "", "", "", ""],
        ["B", "", "", EAN13, "", "", "", "", ""],
    ]
    job = import_job_preview(spec_key="catalog.product", company=company, by=manager, upload=csv_upload(rows))
    assert [(error["row"], error["column"]) for error in job.row_errors] == [(3, "barcode")]


def test_undo_removes_created_products(company, manager, make_product):
    created = [make_product(name="One"), make_product(name="Two")]
    ProductImport().undo([product.pk for product in created], company=company, by=manager)
    assert not Product.all_companies.exists()
