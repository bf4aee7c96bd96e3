"""Importing parties from a spreadsheet: row errors name row and column; a clean file is written whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from concord.core.dataio.models import ImportJob
from concord.core.dataio.services import import_job_confirm, import_job_preview
from concord.core.identity.models import Company, User
from concord.core.search.facade import search_query
from concord.modules.parties.importing import PartyImport
from concord.modules.parties.models import Party
from concord.modules.parties.tests.conftest import thai_tin

pytestmark = pytest.mark.django_db


def _csv(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("parties.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def test_preview_names_the_row_and_column_of_each_error(
    make_party: Callable[..., Party], company: Company, manager: User
) -> None:
    make_party("Existing Co", code="E1")
    upload = _csv(
        "name,code,tax_id,country,email,phone,is_customer",
        f"Good One,G1,{thai_tin(1)},TH,good@one.example,081 000 0001,yes",
        "Bad Tax,,0105561000000,TH,,,",
        "Bad Mail,,,TH,mail@,,",
        "Bad Country,,,XX,,,",
        "Clash,E1,,TH,,,",
        f"Twin,,{thai_tin(1)},TH,,,",
        "Flag,,,TH,,,maybe",
    )
    job = import_job_preview(spec_key="parties.party", company=company, by=manager, upload=upload)
    errors = {(error["row"], error["column"]) for error in job.row_errors}
    assert errors == {
        (3, "tax_id"),
        (4, "email"),
        (5, "country"),
        (6, "code"),
        (7, "tax_id"),
        (8, "is_customer"),
    }
    assert job.error_count == 6
    assert not Party.objects.exclude(code="E1").exists()  # a preview writes nothing


def test_a_clean_file_is_imported_through_the_services(
    company: Company, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    upload = _csv(
        "Name,Kind,Country,Tax ID,Email,Phone,Customer,Supplier,Street,City / district,Province,Tags",
        f"บริษัท ข้าวหอม จำกัด,organisation,TH,{thai_tin(31)},rice@khaohom.example,02 111 2222,yes,no,"
        '1 Rama IV,Khlong Toei,Bangkok,"Rice, Export"',
        "ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម,organisation,KH,K001-901234567,,012 345 678,no,yes,,,,",
    )
    job = import_job_preview(spec_key="parties.party", company=company, by=manager, upload=upload)
    assert job.error_count == 0
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, by=manager)
    job = ImportJob.all_companies.get(pk=job.pk)
    assert job.status == "done", job.error_message
    rice = Party.objects.get(tax_id=thai_tin(31))
    assert rice.is_customer
    assert not rice.is_supplier
    assert sorted(rice.tags.values_list("name", flat=True)) == ["Export", "Rice"]
    assert rice.addresses.get().city == "Khlong Toei"
    angkor = Party.objects.get(tax_id="K001-901234567")
    assert angkor.contact_points.get().normalized == "+85512345678"
    assert [hit.object_id for hit in search_query(query="អង្គរ", user=manager)] == [str(angkor.pk)]


def test_undo_removes_what_a_failed_job_created(company: Company, manager: User) -> None:
    spec = PartyImport()
    seen: dict[str, Any] = {}
    row = dict.fromkeys(spec.column_names(), "") | {"name": "Temporary", "email": "t@temp.example"}
    ids = spec.write_batch(
        [spec.validate_row(row, company=company, seen=seen)], company=company, by=manager, job_id=1
    )
    assert Party.objects.filter(pk__in=ids).count() == 1
    spec.undo(ids, company=company, by=manager)
    assert not Party.all_companies.filter(pk__in=ids).exists()


def test_a_very_similar_name_is_refused_unless_the_row_allows_it(
    make_party: Callable[..., Party], company: Company, manager: User
) -> None:
    make_party("Golden Lotus Trading Co., Ltd.")
    upload = _csv(
        "name,country,allow_duplicate",
        "Golden Lotus Tradng,TH,",  # a typo of an existing party
        "Golden Lotus Tradng,TH,yes",  # the same, imported on purpose
        "บริษัท น้ำมันมะพร้าวสกัดเย็น จำกัด,TH,",
        "น้ำมันมะพร้าวสกัดเย็นน,TH,",  # one letter more than the row above
        "Mekong River Logistics,TH,",  # not alike anything
    )
    job = import_job_preview(spec_key="parties.party", company=company, by=manager, upload=upload)
    errors = {(error["row"], error["column"]): error["message"] for error in job.row_errors}
    assert set(errors) == {(2, "name"), (5, "name")}
    assert "Golden Lotus Trading Co., Ltd." in errors[(2, "name")]
    assert "allow_duplicate" in errors[(2, "name")]
    assert "บริษัท น้ำมันมะพร้าวสกัดเย็น จำกัด" in errors[(5, "name")]
