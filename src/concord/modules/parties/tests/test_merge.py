"""Merging a duplicate: every reference moves, parts merge without doubling, both are audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from concord.core.audit.models import AuditEntry
from concord.core.errors import Conflict
from concord.core.identity.models import Company, User
from concord.core.outbox.models import OutboxEvent
from concord.core.search.facade import search_query
from concord.core.search.models import SearchEntry
from concord.modules.parties.models import Address, ContactPoint, Party, PartyKind
from concord.modules.parties.queries import party_merge_preview
from concord.modules.parties.services import party_create, party_merge
from concord.modules.parties.tests.conftest import thai_tin

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(make_party: Callable[..., Party]) -> tuple[Party, Party]:
    survivor = make_party(
        "Riverside Hotel Co., Ltd.",
        is_customer=True,
        emails=["sales@riverside.example"],
        addresses=[{"street": "1 Charoen Krung Rd", "city": "Bang Rak", "province": "Bangkok"}],
        tags=["Horeca"],
    )
    duplicate = make_party(
        "Riverside Hotel",
        is_supplier=True,
        code="RIV",
        tax_id=thai_tin(42),
        emails=["SALES@riverside.example", "chef@riverside.example"],
        phones=["02 222 3333"],
        addresses=[
            {"street": "1 Charoen Krung Rd", "city": "Bang Rak", "province": "Bangkok"},
            {"street": "5 Warehouse Lane", "city": "Bang Na", "province": "Bangkok", "kind": "shipping"},
        ],
        tags=["horeca", "Wholesale"],
        notes="Pays on the 25th.",
    )
    return survivor, duplicate


def test_merge_moves_every_reference_and_merges_parts_without_doubling(
    pair: tuple[Party, Party], make_party: Callable[..., Party], manager: User
) -> None:
    survivor, duplicate = pair
    person = make_party("Khun Lek", kind=PartyKind.PERSON, organization=duplicate)
    preview = party_merge_preview(survivor=survivor, duplicate=duplicate)
    assert preview["parties.party.organization"] == 1
    assert preview["parties.contactpoint.party"] == 3

    moved = party_merge(survivor=survivor, duplicate=duplicate, by=manager)

    assert moved["parties.party.organization"] == 1
    person.refresh_from_db()
    assert person.organization_id == survivor.pk
    emails = sorted(
        ContactPoint.objects.filter(party=survivor, kind="email").values_list("normalized", flat=True)
    )
    assert emails == ["chef@riverside.example", "sales@riverside.example"]
    assert ContactPoint.objects.filter(party=survivor, kind="email", is_primary=True).count() == 1
    assert ContactPoint.objects.filter(party=survivor, kind="phone").count() == 1
    assert Address.objects.filter(party=survivor).count() == 2  # the shared billing address is not doubled
    assert not ContactPoint.all_companies.filter(party=duplicate).exists()
    assert sorted(survivor.tags.values_list("name", flat=True)) == ["Horeca", "Wholesale"]

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert (survivor.is_customer, survivor.is_supplier) == (True, True)
    assert (survivor.code, survivor.tax_id) == ("RIV", thai_tin(42))
    assert "Pays on the 25th." in survivor.notes
    assert duplicate.is_active is False
    assert duplicate.code == ""

    survivor_entry = AuditEntry.objects.get(
        object_id=str(survivor.pk), content_type__model="party", action="other"
    )
    duplicate_entry = AuditEntry.objects.get(
        object_id=str(duplicate.pk), content_type__model="party", action="other"
    )
    assert survivor_entry.changes["merged_from"] == [None, duplicate.pk]
    assert duplicate_entry.changes["merged_into"] == [None, survivor.pk]
    event = OutboxEvent.objects.get(event_type="parties.PartyMerged")
    assert event.payload["duplicate_id"] == duplicate.pk
    assert event.aggregate_id == str(survivor.pk)


def test_after_a_merge_search_finds_only_the_survivor(pair: tuple[Party, Party], manager: User) -> None:
    survivor, duplicate = pair
    before = {hit.object_id for hit in search_query(query="Riverside", user=manager)}
    assert before == {str(survivor.pk), str(duplicate.pk)}
    party_merge(survivor=survivor, duplicate=duplicate, by=manager)
    after = search_query(query="Riverside", user=manager)
    assert [hit.object_id for hit in after] == [str(survivor.pk)]
    assert [hit.object_id for hit in search_query(query="chef@riverside", user=manager)] == [str(survivor.pk)]
    assert not SearchEntry.all_companies.filter(object_id=str(duplicate.pk), kind="parties.party").exists()


def test_a_person_merged_with_its_own_organisation_is_refused(
    make_party: Callable[..., Party], manager: User
) -> None:
    organization = make_party("Org")
    person = make_party("Khun Org", kind=PartyKind.PERSON, organization=organization)
    with pytest.raises(Conflict):
        party_merge(survivor=person, duplicate=organization, by=manager)


def test_merge_across_companies_is_refused(
    make_party: Callable[..., Party], make_company: Callable[..., Company], manager: User
) -> None:
    mine = make_party("Angkor Trading")
    other_company = make_company(name="Mekong", code="mekong", country="KH", currency="USD")
    theirs = party_create(company=other_company, by=None, name="Angkor Trading", country="KH")
    with pytest.raises(Conflict) as error:
        party_merge(survivor=mine, duplicate=theirs, by=manager)
    assert error.value.code == "merge_other_company"
    theirs.refresh_from_db()
    assert theirs.is_active


def test_a_party_is_not_merged_with_itself(make_party: Callable[..., Party], manager: User) -> None:
    party = make_party("Solo")
    with pytest.raises(Conflict):
        party_merge(survivor=party, duplicate=party, by=manager)
