"""The SQL behind the search index, one flavour per database engine (internal to this app).

SQLite keeps an FTS5 table ``search_fts`` (trigram tokenizer; rowid = SearchEntry.id) that the
facade writes in the same transaction as the entry. PostgreSQL needs no second table: a GIN
``gin_trgm_ops`` index over ``search_searchentry.document`` serves ``ILIKE '%term%'``. Statements are
assembled here from fixed SQL fragments and ``%s`` placeholders only; every value is a parameter.
"""

from __future__ import annotations

import unicodedata
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
# Word starts of titles and codes, for queries under three characters (SQLite; migration 0002).
PREFIX_TABLE = "search_prefix"
# What a candidate query returns: enough to rank it without reading the entry again.
CANDIDATE_COLUMNS = "e.id, e.title, e.codes"
# At most this many matches are ranked (see _candidates): sorting short strings is cheap, so a short
# query ranks many; word_similarity() is not (about 5 us a name), so a trigram query ranks fewer.
PREFIX_CANDIDATES = 1000
SIMILARITY_CANDIDATES = 100
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


def _is_word_char(char: str) -> bool:
    """A character the prefix index keeps inside a word (letters, digits, marks: migration 0002)."""
    category = unicodedata.category(char)
    return category[0] in "LNM" or category == "Co"


def _prefix_ids(
    text: str, where: str, params: list[SQLParam], like: str, limit: int
) -> list[tuple[int, float]]:
    """Too short for trigrams: codes and title words that start with the query.

    The candidates come from an index of word starts (SQLite: the ``search_prefix`` FTS5 table;
    PostgreSQL: the trigram index, which pads the start of every word), each re-checked with the
    exact rule, best tier first, at most ``PREFIX_CANDIDATES`` of them (see _candidates), so a
    common prefix never ranks the whole index. On SQLite a query of separators only ("+-") has no
    word to look up and is matched by reading the entries, still capped.
    """
    esc = " ESCAPE '\\'" if is_sqlite() else ""  # PostgreSQL's default escape is the backslash
    starts = like_escape(text) + "%"
    word_starts = "% " + starts
    code_starts = "%" + CODE_SEPARATOR + starts
    title_starts_sql = f"e.title {like} %s{esc}"
    title_word_sql = f"(e.title {like} %s{esc} OR e.title {like} %s{esc})"
    code_sql = f"(e.codes {like} %s{esc} OR e.codes {like} %s{esc})"
    score_sql = (
        f"CASE WHEN hit.title {like} %s{esc} THEN 3"
        f" WHEN hit.codes {like} %s{esc} OR hit.codes {like} %s{esc} THEN 2 ELSE 1 END"
    )
    # One (index predicate, exact rule) per tier of the ranking: the name starts with the query, a
    # code does, a word of the name does.
    tiers: list[tuple[str, list[SQLParam]]] = [
        (title_starts_sql, [starts]),
        (code_sql, [starts, code_starts]),
        (title_word_sql, [starts, word_starts]),
    ]
    sources: list[tuple[str, list[SQLParam]]] = []
    if is_sqlite() and any(_is_word_char(char) for char in text):
        phrase = fts5_phrase(text) + " *"
        matches = (f"{{title}} : ^ {phrase}", f"{{codes}} : {phrase}", f"{{title}} : {phrase}")
        # CROSS JOIN: SQLite keeps this order, so the index drives and the entries are read by id.
        joined = f"{PREFIX_TABLE} CROSS JOIN search_searchentry e ON e.id = {PREFIX_TABLE}.rowid"
        for match, (exact, exact_params) in zip(matches, tiers, strict=True):
            sql = f"SELECT {CANDIDATE_COLUMNS} FROM {joined} WHERE {PREFIX_TABLE} MATCH %s AND {where} AND {exact} LIMIT %s"  # noqa: S608 - constant fragments, values are parameters
            sources.append((sql, [match, *params, *exact_params, PREFIX_CANDIDATES]))
    elif is_sqlite():
        sql = f"SELECT {CANDIDATE_COLUMNS} FROM search_searchentry e WHERE {where} AND ({title_word_sql} OR {code_sql}) LIMIT %s"  # noqa: S608 - constant fragments, values are parameters
        sources.append((sql, [*params, starts, word_starts, starts, code_starts, PREFIX_CANDIDATES]))
    else:
        # The names starting with the query from the B-tree, in order; the rest from the trigram index.
        title_sql = f"SELECT {CANDIDATE_COLUMNS} FROM search_searchentry e WHERE {where}"  # noqa: S608 - constant fragments, values are parameters
        title_sql += f" AND lower(e.title) LIKE lower(%s) AND {title_starts_sql} LIMIT %s"
        sources.append((title_sql, [*params, starts, starts, PREFIX_CANDIDATES]))
        index_sql = "(e.document ILIKE %s OR e.document ILIKE %s)"
        for exact, exact_params in tiers[1:]:
            sql = f"SELECT {CANDIDATE_COLUMNS} FROM search_searchentry e WHERE {where} AND {index_sql} AND {exact} LIMIT %s"  # noqa: S608 - constant fragments, values are parameters
            sources.append((sql, [*params, starts, word_starts, *exact_params, PREFIX_CANDIDATES]))
    candidates, candidate_params = _candidates(sources, max(PREFIX_CANDIDATES, limit))
    sql = (
        f"SELECT DISTINCT hit.id, {score_sql} AS score, hit.title"  # noqa: S608 - constant fragments, values are parameters
        f" FROM ({candidates}) AS hit ORDER BY score DESC, hit.title, hit.id LIMIT %s"
    )
    args = [starts, starts, code_starts, *candidate_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


def _candidates(sources: Sequence[tuple[str, list[SQLParam]]], cap: int) -> tuple[str, list[SQLParam]]:
    """The first ``cap`` rows of the candidate queries, in order, as one statement to rank.

    Best tier first: once a tier alone yields ``cap`` matches the later ones are never run, so the
    ranking is exact unless one tier has more than ``cap`` matches (then the best of the first
    ``cap`` found). The rows may repeat (an entry in two tiers); the ranking query is DISTINCT.
    """
    parts = [
        f"SELECT * FROM ({sql}) AS c{n}"  # noqa: S608 - the statements built by the callers
        for n, (sql, _params) in enumerate(sources)
    ]
    return " UNION ALL ".join(parts) + " LIMIT %s", [
        *(param for _sql, params in sources for param in params),
        cap,
    ]


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
    """Every term as ``document ILIKE '%term%'`` (the trigram GIN index serves it), ranked by name.

    ``word_similarity`` costs far more than the index probe, so only ``SIMILARITY_CANDIDATES``
    matches are ranked: those whose name starts with the query first, then the first others found
    (see _candidates). Below the cap the ranking is exact; above it, the best of those.
    """
    contains = "%" + like_escape(query.text) + "%"
    starts = like_escape(query.text) + "%"
    terms_sql = "".join(" AND e.document ILIKE %s" for _ in query.terms)
    terms_params = ["%" + like_escape(term) + "%" for term in query.terms]
    base = f"SELECT {CANDIDATE_COLUMNS} FROM search_searchentry e WHERE {where}{terms_sql}"  # noqa: S608 - constant fragments, values are parameters
    cap = max(SIMILARITY_CANDIDATES, limit)
    # The names starting with the query (the B-tree over lower(title), migration 0002), then any
    # match in the order the trigram index yields them: both stop after ``cap`` rows.
    # A name starting with the whole query contains every term: no trigram probe needed there.
    title_starts = (
        f"SELECT {CANDIDATE_COLUMNS} FROM search_searchentry e WHERE {where}"  # noqa: S608 - constant fragments, values are parameters
        " AND lower(e.title) LIKE lower(%s) AND e.title ILIKE %s LIMIT %s"
    )
    candidates, candidate_params = _candidates(
        [
            (title_starts, [*params, starts, starts, cap]),
            (f"{base} LIMIT %s", [*params, *terms_params, cap]),
        ],
        cap,
    )
    sql = (
        "SELECT DISTINCT hit.id, (CASE WHEN hit.title ILIKE %s THEN 3 WHEN hit.title ILIKE %s THEN 2"  # noqa: S608 - constant fragments, values are parameters
        " WHEN hit.codes ILIKE %s THEN 1.5 ELSE 1 END) + word_similarity(%s, hit.title) AS score, hit.title"
        f" FROM ({candidates}) AS hit ORDER BY score DESC, hit.title, hit.id LIMIT %s"
    )
    args = [starts, contains, contains, query.text, *candidate_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]
