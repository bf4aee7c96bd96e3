"""Rebuilding the index: ``search_index_many`` and the ``search_reindex`` command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from concord.core.identity.roles import Role
from concord.core.search.facade import SearchDocument, search_index_many, search_query
from concord.core.search.models import SearchEntry
from concord.core.search.tests.conftest import PRODUCT, SECRET


@pytest.fixture
def manager(make_user, company):
    return make_user(company=company, roles=(Role.MANAGER,))  # sees both test kinds


def doc(company, object_id, title, kind=PRODUCT, **fields):
    return SearchDocument(kind=kind, object_id=str(object_id), company_id=company.pk, title=title, **fields)


def test_index_many_upserts_in_batches(test_kinds, company, manager, monkeypatch):
    monkeypatch.setattr("concord.core.search.facade.BATCH_SIZE", 3)
    docs = [doc(company, n, f"ทุเรียนหมอนทอง {n}") for n in range(7)]
    docs.append(doc(company, 0, "Durian renamed"))  # the later copy of a record wins

    assert search_index_many(docs) == 8  # 3 + 3 + 2 (object 0 twice, in two batches)

    assert SearchEntry.all_companies.count() == 7
    assert len(search_query(query="หมอนทอง", user=manager)) == 6
    assert [hit.object_id for hit in search_query(query="renamed", user=manager)] == ["0"]


def test_reindex_command_rebuilds_every_kind(test_kinds, reindex_source, company, manager, index_doc):
    index_doc(company=company, title="Stale product", object_id="stale")
    reindex_source.by_kind[PRODUCT] = [doc(company, 1, "Coconut sugar"), doc(company, 2, "Coconut flour")]
    reindex_source.by_kind[SECRET] = [doc(company, 3, "Coconut secret", kind=SECRET)]
    out = StringIO()

    call_command("search_reindex", stdout=out)

    assert sorted(hit.title for hit in search_query(query="coconut", user=manager)) == [
        "Coconut flour",
        "Coconut secret",
        "Coconut sugar",
    ]
    assert search_query(query="stale", user=manager) == []
    assert f"{PRODUCT}: 2 indexed" in out.getvalue()
    assert f"{SECRET}: 1 indexed" in out.getvalue()


def test_reindex_command_can_rebuild_one_kind(test_kinds, reindex_source, company, manager, index_doc):
    index_doc(company=company, title="Old secret", kind=SECRET, object_id="s1")
    index_doc(company=company, title="Old product", object_id="p1")
    reindex_source.by_kind[PRODUCT] = [doc(company, "p1", "New product")]
    reindex_source.by_kind[SECRET] = [doc(company, "s1", "New secret", kind=SECRET)]

    call_command("search_reindex", kind=PRODUCT, stdout=StringIO())

    assert [hit.title for hit in search_query(query="product", user=manager)] == ["New product"]
    assert [hit.title for hit in search_query(query="secret", user=manager)] == ["Old secret"]


def test_reindex_command_refuses_an_unknown_kind(test_kinds):
    with pytest.raises(CommandError, match=r"Unknown kind 'nope\.thing'"):
        call_command("search_reindex", kind="nope.thing", stdout=StringIO())
