"""The trigram index exists on each engine and the search statements use it."""

from __future__ import annotations

import pytest
from django.db import connection

from concord.core.search import engine
from concord.core.search.models import SearchEntry
from concord.core.search.query import parse_query


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
