"""The SQL behind the search index, one flavour per database engine (internal to this app).

SQLite keeps an FTS5 table ``search_fts`` (trigram tokenizer; rowid = SearchEntry.id) that the
facade writes in the same transaction as the entry. PostgreSQL needs no second table: a GIN
``gin_trgm_ops`` index over ``search_searchentry.document`` serves ``ILIKE '%term%'``. Statements are
assembled here from fixed SQL fragments and ``%s`` placeholders only; every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

from concord.core.search.models import CODE_SEPARATOR
from concord.core.search.query import ParsedQuery, fts5_phrase, like_escape

# What a cursor accepts as a parameter (django-stubs' spelling, narrowed to what is used here).
SQLParam = str | int | float | Decimal | date | datetime | None

__all__ = ["KindScope", "fts_delete", "fts_replace", "is_sqlite", "ranked_ids"]

FTS_TABLE = "search_fts"
# bm25 weights of the FTS columns (title, codes, body): a match in the name counts most.
FTS_WEIGHTS = (10.0, 5.0, 1.0)


@dataclass(frozen=True)
class KindScope:
    """One kind the caller may see, in these companies (None: in every company)."""

    kind: str
    company_ids: tuple[int, ...] | None


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def fts_replace(rows: Sequence[tuple[int, str, str, str]]) -> None:
    """Put ``(entry id, title, codes, body)`` rows into the FTS table, replacing any older copy."""
    if not rows or not is_sqlite():
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(row[0],) for row in rows])  # noqa: S608 - constant table name
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, codes, body) VALUES (%s, %s, %s, %s)",  # noqa: S608 - constant table name
            list(rows),
        )


def fts_delete(entry_ids: Sequence[int]) -> None:
    if not entry_ids or not is_sqlite():
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in entry_ids])  # noqa: S608 - constant table name


def _scope_sql(scopes: Sequence[KindScope]) -> tuple[str, list[SQLParam]]:
    """``(e.kind = %s AND e.company_id IN (...)) OR ...`` for the kinds and companies visible."""
    parts: list[str] = []
    params: list[SQLParam] = []
    for scope in scopes:
        if scope.company_ids is None:
            parts.append("e.kind = %s")
            params.append(scope.kind)
        elif scope.company_ids:
            placeholders = ", ".join(["%s"] * len(scope.company_ids))
            parts.append(f"(e.kind = %s AND e.company_id IN ({placeholders}))")
            params.extend([scope.kind, *scope.company_ids])
    return "(" + " OR ".join(parts) + ")", params


def ranked_ids(query: ParsedQuery, scopes: Sequence[KindScope], limit: int) -> list[tuple[int, float]]:
    """``(entry id, score)`` of the best matches, best first (a higher score is a better match)."""
    if not any(s.company_ids is None or s.company_ids for s in scopes):
        return []
    where, params = _scope_sql(scopes)
    like = "LIKE" if is_sqlite() else "ILIKE"  # SQLite's LIKE already ignores case
    if query.prefix:
        return _prefix_ids(query.text, where, params, like, limit)
    if is_sqlite():
        return _sqlite_ids(query, where, params, limit)
    return _postgres_ids(query, where, params, limit)


def _prefix_ids(
    text: str, where: str, params: list[SQLParam], like: str, limit: int
) -> list[tuple[int, float]]:
    """Too short for trigrams: codes and title words that start with the query."""
    starts = like_escape(text) + "%"
    word_starts = "% " + starts
    code_starts = "%" + CODE_SEPARATOR + starts
    sql = (
        f"SELECT e.id, CASE WHEN e.title {like} %s ESCAPE '\\' THEN 3"  # noqa: S608 - constant fragments, values are parameters
        f" WHEN e.codes {like} %s ESCAPE '\\' OR e.codes {like} %s ESCAPE '\\' THEN 2 ELSE 1 END AS score"
        f" FROM search_searchentry e WHERE {where} AND ("
        f"e.title {like} %s ESCAPE '\\' OR e.title {like} %s ESCAPE '\\'"
        f" OR e.codes {like} %s ESCAPE '\\' OR e.codes {like} %s ESCAPE '\\')"
        " ORDER BY score DESC, e.title, e.id LIMIT %s"
    )
    args = [starts, starts, code_starts, *params, starts, word_starts, starts, code_starts, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


def _sqlite_ids(
    query: ParsedQuery, where: str, params: list[SQLParam], limit: int
) -> list[tuple[int, float]]:
    short_sql = "".join(" AND e.document LIKE %s ESCAPE '\\'" for _ in query.short_terms)
    short_params = ["%" + like_escape(term) + "%" for term in query.short_terms]
    if query.index_terms:
        match = " AND ".join(fts5_phrase(term) for term in query.index_terms)
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        sql = (
            f"SELECT e.id, -bm25({FTS_TABLE}, {weights}) AS score"  # noqa: S608 - constant fragments, values are parameters
            f" FROM {FTS_TABLE} JOIN search_searchentry e ON e.id = {FTS_TABLE}.rowid"
            f" WHERE {FTS_TABLE} MATCH %s AND {where}{short_sql}"
            " ORDER BY score DESC, e.title, e.id LIMIT %s"
        )
        args: list[SQLParam] = [match, *params, *short_params, limit]
    else:
        sql = (
            f"SELECT e.id, 1.0 AS score FROM search_searchentry e WHERE {where}{short_sql}"  # noqa: S608 - constant fragments, values are parameters
            " ORDER BY e.title, e.id LIMIT %s"
        )
        args = [*params, *short_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


def _postgres_ids(
    query: ParsedQuery, where: str, params: list[SQLParam], limit: int
) -> list[tuple[int, float]]:
    """Every term as ``document ILIKE '%term%'`` (the trigram GIN index serves it), ranked by name."""
    contains = "%" + like_escape(query.text) + "%"
    starts = like_escape(query.text) + "%"
    terms_sql = "".join(" AND e.document ILIKE %s" for _ in query.terms)
    terms_params = ["%" + like_escape(term) + "%" for term in query.terms]
    sql = (
        "SELECT e.id, (CASE WHEN e.title ILIKE %s THEN 3 WHEN e.title ILIKE %s THEN 2"  # noqa: S608 - constant fragments, values are parameters
        " WHEN e.codes ILIKE %s THEN 1.5 ELSE 1 END) + word_similarity(%s, e.title) AS score"
        f" FROM search_searchentry e WHERE {where}{terms_sql}"
        " ORDER BY score DESC, e.title, e.id LIMIT %s"
    )
    args = [starts, contains, contains, query.text, *params, *terms_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]
