"""Parties in the global search: found by any substring of name, code, tax ID, email or phone, in any script."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.core.search.facade import search_query, search_reindex
from concord.modules.parties.models import Party
from concord.modules.parties.services import party_create, party_update

pytestmark = pytest.mark.django_db


def _ids(query: str, user: User) -> list[str]:
    return [hit.object_id for hit in search_query(query=query, user=user, kinds=["parties.party"])]


def test_thai_and_khmer_names_are_found_by_a_word_inside_them(
    make_party: Callable[..., Party], seller: User
) -> None:
    thai = make_party("บริษัท น้ำมันมะพร้าวสกัดเย็น จำกัด")
    khmer = make_party("ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម", country="KH")
    make_party("Unrelated Ltd")
    assert _ids("มะพร้าว", seller) == [str(thai.pk)]
    assert _ids("អង្គរ", seller) == [str(khmer.pk)]
    hit = search_query(query="มะพร้าว", user=seller)[0]
    assert "<mark>มะพร้าว</mark>" in hit.highlight
    assert hit.url == f"/parties/{thai.pk}/"


def test_codes_emails_and_phones_are_searchable(make_party: Callable[..., Party], seller: User) -> None:
    party = make_party(
        "Code Holder", code="CUST-0042", emails=["Accounts@Holder.example"], phones=["081 234 5678"]
    )
    assert _ids("CUST-00", seller) == [str(party.pk)]
    assert _ids("accounts@holder", seller) == [str(party.pk)]
    assert _ids("0812345678", seller) == [str(party.pk)]


def test_the_index_follows_renames(make_party: Callable[..., Party], seller: User) -> None:
    party = make_party("Before Rename")
    party_update(party=party, by=seller, name="After Rename")
    assert _ids("Before", seller) == []
    assert _ids("After", seller) == [str(party.pk)]


def test_search_respects_companies_and_permissions(
    make_party: Callable[..., Party],
    make_company: Callable[..., Company],
    make_user: Callable[..., User],
    company: Company,
    seller: User,
) -> None:
    mine = make_party("Shared Name Trading")
    party_create(company=make_company(name="Other", code="other"), by=None, name="Shared Name Trading")
    assert _ids("Shared Name", seller) == [str(mine.pk)]
    portal = make_user(company=company, roles=(Role.PORTAL,), username="portal")
    assert _ids("Shared Name", portal) == []


def test_reindex_rebuilds_party_entries(make_party: Callable[..., Party], seller: User) -> None:
    party = make_party("Reindexed Party", emails=["r@reindexed.example"])
    counts = search_reindex(kind="parties.party")
    assert counts == {"parties.party": 1}
    assert _ids("r@reindexed", seller) == [str(party.pk)]
