"""The trigram index exists on each engine and the search statements use it."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concord.core.search import engine
from concord.core.search.facade import search_index, search_index_many, search_unindex
from concord.core.search.models import SearchEntry
from concord.core.search.query import parse_query
from concord.core.search.tests.conftest import PRODUCT


def test_sqlite_keeps_an_fts_row_per_entry(index_doc, company):
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table exists on SQLite only")
    doc = index_doc(company=company, title="มะม่วง", codes=("+66 81 234 5678",), text="ripe")
    entry = SearchEntry.all_companies.get(object_id=doc.object_id)

    with connection.cursor() as cursor:
        cursor.execute("SELECT title, codes, body FROM search_fts WHERE rowid = %s", [entry.pk])
        assert cursor.fetchall() == [("มะม่วง", "+66 81 234 5678\n66812345678", "ripe")]
        cursor.execute("EXPLAIN QUERY PLAN SELECT rowid FROM search_fts WHERE search_fts MATCH %s", ['"ม่วง"'])
        assert "VIRTUAL TABLE INDEX" in " ".join(str(row) for row in cursor.fetchall())


@pytest.mark.postgres_only
def test_postgres_uses_the_trigram_index(index_doc, company):
    index_doc(company=company, title="น้ำมันมะพร้าวสกัดเย็น")
    scope = [engine.KindScope(kind="testsearch.product", company_ids=(company.pk,))]
    parsed = parse_query("มะพร้าว")
    assert parsed is not None

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned otherwise
        cursor.execute("EXPLAIN SELECT id FROM search_searchentry e WHERE e.document ILIKE %s", ["%มะพร้าว%"])
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "search_entry_document_trgm" in plan
    assert [entry_id for entry_id, _ in engine.ranked_ids(parsed, scope, 10)] == list(
        SearchEntry.all_companies.values_list("pk", flat=True)
    )


def _statement(company, query: str) -> str:
    """The statement ``ranked_ids`` runs for ``query``, as executed (its values inlined)."""
    scope = [engine.KindScope(kind=PRODUCT, company_ids=(company.pk,))]
    parsed = parse_query(query)
    assert parsed is not None
    with CaptureQueriesContext(connection) as captured:
        engine.ranked_ids(parsed, scope, 20)
    assert len(captured.captured_queries) == 1
    return captured.captured_queries[0]["sql"]


@pytest.mark.parametrize("query", ["qx", "q", "มะ", "jasmine"])
def test_queries_read_an_index_not_every_entry(index_doc, company, query):
    index_doc(company=company, title="Green tea", codes=("QX-001",))
    index_doc(company=company, title="Tea QX grade")
    index_doc(company=company, title="มะม่วง Jasmine")
    sql = _statement(company, query)

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            steps = [str(row[-1]) for row in cursor.fetchall()]
            index = "search_prefix" if len(query) < 3 else "search_fts"
            assert any(step.startswith(f"SCAN {index} VIRTUAL TABLE INDEX") for step in steps), steps
            # Without statistics SQLite could loop over the company's entries and probe the index for
            # each; the entries must only ever be looked up by the ids the index found.
            entries = [step for step in steps if step.startswith(("SCAN e", "SEARCH e "))]
            assert entries
            assert all(step.startswith("SEARCH e USING INTEGER PRIMARY KEY") for step in entries)
        else:
            # On a few rows the planner reads the company's rows through any index at all, so the
            # engine's index predicates are checked on their own: the statement has them, and each
            # is served by the search's own index.
            starts = query.lower() + "%"
            predicates = {
                "search_entry_title_prefix": ("lower(e.title) LIKE lower(%s)", [starts]),
                "search_entry_document_trgm": (
                    "(e.document ILIKE %s OR e.document ILIKE %s)"
                    if len(query) < 3
                    else "e.document ILIKE %s",
                    [starts, "% " + starts] if len(query) < 3 else ["%" + query + "%"],
                ),
            }
            cursor.execute("SET LOCAL enable_seqscan = off")
            for index, (predicate, params) in predicates.items():
                assert predicate.split("%s")[0] in sql  # with its value inlined
                cursor.execute("EXPLAIN SELECT e.id FROM search_searchentry e WHERE " + predicate, params)  # noqa: S608 - constant predicates
                plan = " ".join(row[0] for row in cursor.fetchall())
                assert index in plan, plan


def test_sqlite_prefix_index_follows_every_write(index_doc, company):
    if connection.vendor != "sqlite":
        pytest.skip("the prefix FTS5 table exists on SQLite only")
    doc = index_doc(company=company, title="Jasmine rice", codes=("JR-1",))
    index_doc(company=company, title="Coconut")
    search_index(dataclasses.replace(doc, title="Sticky rice", codes=("SR-1",)))  # update
    search_index_many([dataclasses.replace(doc, title="Brown rice", codes=("BR-1",))])  # upsert
    entry = SearchEntry.all_companies.get(object_id=doc.object_id)

    def prefix(match: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_prefix WHERE search_prefix MATCH %s", [match])
            return [row[0] for row in cursor.fetchall()]

    assert prefix('"br" *') == [entry.pk]
    assert prefix('"ja" *') == prefix('"st" *') == prefix('"sr" *') == []
    with connection.cursor() as cursor:  # raises when the index and the entries disagree
        cursor.execute("INSERT INTO search_prefix (search_prefix, rank) VALUES ('integrity-check', 1)")
    search_unindex(kind=doc.kind, object_id=doc.object_id)
    assert prefix('"br" *') == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_prefix_%'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "search_prefix_insert",
            "search_prefix_update",
            "search_prefix_delete",
        }
