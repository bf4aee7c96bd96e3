"""Party services: create with defaults, audit, events and search; bad input; duplicates; archive; delete."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from concord.core.audit.models import AuditAction, AuditEntry
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company, User
from concord.core.outbox.models import OutboxEvent
from concord.core.search.models import SearchEntry
from concord.modules.parties.errors import DuplicatePartyError
from concord.modules.parties.models import Address, ContactPoint, Party, PartyKind, Tag
from concord.modules.parties.queries import party_duplicates, party_references
from concord.modules.parties.services import (
    address_create,
    contact_point_create,
    contact_point_update,
    party_archive,
    party_create,
    party_delete,
    party_unarchive,
    party_update,
)
from concord.modules.parties.tests.conftest import thai_tin

pytestmark = pytest.mark.django_db


def _party_audit(party: Party) -> list[str]:
    return list(
        AuditEntry.objects.filter(content_type__model="party", object_id=str(party.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def _events(party: Party) -> list[str]:
    return list(
        OutboxEvent.objects.filter(aggregate_type="parties.party", aggregate_id=str(party.pk))
        .order_by("id")
        .values_list("event_type", flat=True)
    )


def test_create_fills_company_defaults_and_records_everything(company: Company, seller: User) -> None:
    party = party_create(
        company=company,
        by=seller,
        name="  บริษัท เชียงใหม่ ฟู้ดส์ จำกัด ",
        tax_id=thai_tin(1),
        is_customer=True,
        emails=["Buyer@ChiangmaiFoods.example"],
        phones=["081 234 5678"],
        addresses=[{"street": "99 Nimmanhaemin Rd", "city": "Mueang Chiang Mai", "province": "Chiang Mai"}],
        tags=["VIP", "vip", "Horeca"],
    )
    party.refresh_from_db()
    assert party.name == "บริษัท เชียงใหม่ ฟู้ดส์ จำกัด"
    assert (party.country, party.currency, party.language, party.branch_code) == ("TH", "THB", "th", "00000")
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Horeca", "VIP"]
    contacts = {c.kind: c for c in ContactPoint.objects.filter(party=party)}
    assert contacts["email"].normalized == "buyer@chiangmaifoods.example"
    assert contacts["phone"].normalized == "+66812345678"
    assert contacts["email"].is_primary
    assert contacts["phone"].is_primary
    assert Address.objects.get(party=party).country == "TH"
    assert _party_audit(party) == [AuditAction.CREATE]
    assert _events(party) == ["parties.PartyCreated"]
    entry = SearchEntry.all_companies.get(kind="parties.party", object_id=str(party.pk))
    assert entry.title == party.name
    assert "+66812345678" in entry.codes
    assert thai_tin(1) in entry.codes
    assert entry.subtitle == "Mueang Chiang Mai"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"tax_id": "0105561000000"}, "tax_id"),
        ({"emails": ["somchai@"]}, "email"),
        ({"country": "XX"}, "country"),
        ({"country": "KH", "tax_id": "123"}, "tax_id"),
        ({"name": "   "}, "name"),
        ({"credit_limit": "-1"}, "credit_limit"),
        ({"currency": "BAHT"}, "currency"),
        ({"phones": ["not a phone"]}, "phone"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    company: Company, seller: User, fields: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"name": "Lanna Trading"} | fields
    with pytest.raises(ValidationFailed) as error:
        party_create(company=company, by=seller, **values)  # type: ignore[arg-type]
    assert field in error.value.errors
    assert Party.all_companies.count() == 0
    assert ContactPoint.all_companies.count() == 0
    assert not AuditEntry.objects.filter(content_type__app_label="parties").exists()
    assert not OutboxEvent.objects.filter(event_type__startswith="parties.").exists()


def test_several_bad_fields_are_reported_together(company: Company, seller: User) -> None:
    with pytest.raises(ValidationFailed) as error:
        party_create(company=company, by=seller, name="X", tax_id="123", emails=["nope"], country="TH")
    assert {"tax_id", "email"} <= set(error.value.errors)


def test_duplicate_code_is_a_field_error(
    make_party: Callable[..., Party], company: Company, seller: User
) -> None:
    make_party("Isan Rice", code="C-001")
    with pytest.raises(ValidationFailed) as error:
        party_create(company=company, by=seller, name="Korat Rice", code="c-001")
    assert error.value.field == "code"
    assert Party.objects.count() == 1


def test_same_code_is_fine_in_another_company(
    make_party: Callable[..., Party], make_company: Callable[..., Company], seller: User
) -> None:
    make_party("Isan Rice", code="C-001")
    other = make_company(name="Mekong", code="mekong", country="KH", currency="USD")
    party = party_create(company=other, by=None, name="Battambang Rice", code="C-001")
    assert party.code == "C-001"


def test_duplicates_are_found_by_tax_id_contact_and_similar_name(
    make_party: Callable[..., Party], company: Company
) -> None:
    by_tax = make_party("Ayutthaya Ceramics", tax_id=thai_tin(7))
    by_email = make_party("Somsri Shop", emails=["orders@somsri.example"])
    by_phone = make_party("Nok Cafe", phones=["+66 2 123 4567"])
    by_name = make_party("Siam Kitchenware Co., Ltd.")
    make_party("Totally Different Logistics")

    found = party_duplicates(
        company=company,
        name="SIAM KITCHENWARES",
        tax_id=thai_tin(7),
        emails=["ORDERS@somsri.example"],
        phones=["02 123 4567"],
        country="TH",
    )
    reasons = {match.party.pk: match.reasons for match in found}
    assert set(reasons) == {by_tax.pk, by_email.pk, by_phone.pk, by_name.pk}
    assert any("tax ID" in reason for reason in reasons[by_tax.pk])
    assert any("email" in reason for reason in reasons[by_email.pk])
    assert any("phone" in reason for reason in reasons[by_phone.pk])
    assert any("similar name" in reason for reason in reasons[by_name.pk])
    assert party_duplicates(company=company, name="Siam Kitchenware", exclude=by_name.pk) == []


def test_create_refuses_a_likely_duplicate_unless_allowed(
    make_party: Callable[..., Party], company: Company, seller: User
) -> None:
    existing = make_party("ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម", country="KH")
    with pytest.raises(DuplicatePartyError) as error:
        party_create(company=company, by=seller, name="អង្គរ ពាណិជ្ជកម្ម", country="KH")
    assert [match.party.pk for match in error.value.duplicates] == [existing.pk]
    assert error.value.status_code == 409
    assert Party.objects.count() == 1
    party_create(company=company, by=seller, name="អង្គរ ពាណិជ្ជកម្ម", country="KH", allow_duplicate=True)
    assert Party.objects.count() == 2


def test_duplicates_of_another_company_do_not_count(
    make_party: Callable[..., Party], make_company: Callable[..., Company]
) -> None:
    make_party("Mekong Traders", tax_id=thai_tin(3))
    other = make_company(name="Other", code="other")
    assert party_duplicates(company=other, name="Mekong Traders", tax_id=thai_tin(3), country="TH") == []


def test_update_records_changes_and_reindexes(make_party: Callable[..., Party], seller: User) -> None:
    party = make_party("Old Name", is_customer=True)
    party_update(party=party, by=seller, name="New Name", credit_limit=Decimal("50000"), tags=["Key account"])
    party.refresh_from_db()
    assert party.name_key == "newname"
    assert party.credit_limit == Decimal("50000")
    assert _party_audit(party) == ["create", "update", "update"]
    updated = AuditEntry.objects.filter(object_id=str(party.pk), action="update").order_by("id").first()
    assert updated is not None
    assert updated.changes["name"] == ["Old Name", "New Name"]
    assert _events(party)[-1] == "parties.PartyUpdated"
    assert SearchEntry.all_companies.get(object_id=str(party.pk)).title == "New Name"


def test_update_with_bad_values_changes_nothing(make_party: Callable[..., Party], seller: User) -> None:
    party = make_party("Kept", tax_id=thai_tin(4))
    with pytest.raises(ValidationFailed) as error:
        party_update(party=party, by=seller, country="KH")  # the Thai tax ID is no Cambodian one
    assert error.value.field == "tax_id"
    party.refresh_from_db()
    assert party.country == "TH"
    with pytest.raises(ValidationFailed):
        party_update(party=party, by=seller, owner="me")


def test_only_a_person_belongs_to_an_organisation(make_party: Callable[..., Party], seller: User) -> None:
    organization = make_party("Bangkok Hotels Group")
    other_org = make_party("Another Org")
    with pytest.raises(ValidationFailed) as error:
        make_party("Also an org", organization=organization)
    assert error.value.field == "organization"
    person = make_party("Khun Nid", kind=PartyKind.PERSON, organization=organization)
    assert person.organization == organization
    with pytest.raises(ValidationFailed):
        party_update(party=other_org, by=seller, organization=organization)


def test_archive_and_unarchive(make_party: Callable[..., Party], seller: User) -> None:
    party = make_party("Sleepy Supplier")
    party_archive(party=party, by=seller)
    party.refresh_from_db()
    assert not party.is_active
    party_archive(party=party, by=seller)  # already archived: nothing more recorded
    party_unarchive(party=party, by=seller)
    party.refresh_from_db()
    assert party.is_active
    assert _events(party) == ["parties.PartyCreated", "parties.PartyArchived", "parties.PartyUnarchived"]


def test_delete_removes_an_unreferenced_party_with_its_parts(
    make_party: Callable[..., Party], seller: User
) -> None:
    party = make_party("Short Lived", emails=["x@short.example"], tags=["Temp"])
    pk = party.pk
    assert party_delete(party=party, by=seller) is True
    assert not Party.all_companies.filter(pk=pk).exists()
    assert not ContactPoint.all_companies.filter(party_id=pk).exists()
    assert not SearchEntry.all_companies.filter(kind="parties.party", object_id=str(pk)).exists()
    assert AuditEntry.objects.filter(object_id=str(pk), action="delete", content_type__model="party").exists()


def test_a_referenced_party_is_archived_instead_of_deleted(
    make_party: Callable[..., Party], seller: User
) -> None:
    organization = make_party("Referenced Org")
    make_party("Khun Dao", kind=PartyKind.PERSON, organization=organization)
    assert party_references(organization) == {"parties.party.organization": 1}
    assert party_delete(party=organization, by=seller) is False
    organization.refresh_from_db()
    assert organization.is_active is False


def test_contact_points_stay_unique_and_one_is_primary(
    make_party: Callable[..., Party], seller: User
) -> None:
    party = make_party("Contactable", emails=["a@contact.example"])
    with pytest.raises(ValidationFailed) as error:
        contact_point_create(party=party, by=seller, kind="email", value="A@Contact.Example")
    assert error.value.field == "value"
    second = contact_point_create(
        party=party, by=seller, kind="email", value="b@contact.example", is_primary=True
    )
    contact_point_update(contact_point=second, by=seller, value="c@contact.example")
    emails = {c.value: c.is_primary for c in ContactPoint.objects.filter(party=party)}
    assert emails == {"a@contact.example": False, "c@contact.example": True}
    assert _events(party).count("parties.PartyUpdated") == 2
    entry = SearchEntry.all_companies.get(object_id=str(party.pk))
    assert "c@contact.example" in entry.codes


def test_address_needs_street_and_a_known_country(make_party: Callable[..., Party], seller: User) -> None:
    party = make_party("Addressed")
    with pytest.raises(ValidationFailed) as error:
        address_create(party=party, by=seller, street="", country="QQ")
    assert set(error.value.errors) == {"street", "country"}
    address = address_create(
        party=party, by=seller, street="1 Sukhumvit", city="Khlong Toei", kind="shipping"
    )
    assert address.country == "TH"
