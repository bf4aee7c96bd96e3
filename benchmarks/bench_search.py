"""W6 global search over 1,000,000 parties and products, against the same queries run raw on the index.

Data: ``CONCORD_BENCH_SEARCH_ROWS`` search entries (default 1,000,000), half parties and half
products; half of the names are Thai (words run together, as Thai is written) or Khmer, the rest
English; parties carry a code, a 13-digit tax ID, an email and a phone, products an internal
reference and a barcode. A small sample goes through ``search_index_many`` (its rate is printed and
its rows are compared with the bulk loader's, so the loader provably stores what the engine stores);
the rest is bulk-loaded with the SQL the engine runs: ``search_searchentry`` rows built by the
facade's own field builder, plus the FTS5 rows on SQLite (on PostgreSQL the GIN trigram index is
dropped for the load and rebuilt with the migration's definition, as a bulk load would).

Workload: each query kind (Thai substring, Khmer substring, English word, 2-character code prefix,
email fragment, phone digits, a query with no hits) through ``search_query(...)`` as a member with
the manager role: permission scopes, the ranked id query, loading the entries and highlighting the
match. Baseline, same run, same index: the same query raw, ``SELECT rowid FROM search_fts WHERE
search_fts MATCH ? ORDER BY bm25(search_fts) LIMIT 20`` on SQLite and ``SELECT id FROM
search_searchentry WHERE document ILIKE ? LIMIT 20`` on PostgreSQL. The 2-character query is below
what a trigram index can find, so its raw form is the engine's own predicate (codes or title words
starting with it) without the ranking. Each query runs ``CONCORD_BENCH_SEARCH_REPEATS`` times (default
20) after two untimed warm-ups; one line per kind compares the p95s and also prints the p50s.

Why the limit (4x; 50x for the no-hit query). Beyond the raw index probe the facade does a fixed
amount of work (one membership query for the scopes, ``in_bulk`` of at most 20 entries, highlighting
20 short strings: about 0.3-1 ms) plus work per *match*, not per hit: it joins every match to
``search_searchentry`` to filter by kind and company and orders all of them by score and title. On
SQLite the raw query ranks every match too (``bm25``), so the ratio is the facade's own overhead:
measured 1.4-3.4x at 1,000,000 rows; 4x is the ceiling for it, and what it catches is the facade
leaving the index (a scan of ``search_searchentry``), a query per hit, or scoping that multiplies the
matches, each 10x and more on a million rows. A query with no hits costs the raw index microseconds,
so the facade's fixed work is all the ratio shows (about 7-25x); 50x still catches a scan, which
costs hundreds of milliseconds. The limits are calibrated for the default size: at small sizes the
fixed work dominates every ratio.

What the limits reported when written (numbers in benchmarks/README.md): two real costs of the
engine, left as TOO SLOW lines rather than hidden by a looser limit. (1) The 2-character query is
matched by a scan of every entry, ranked: about 0.5-1 s at a million rows on both databases. (2) On
PostgreSQL the facade ranks every match with ``word_similarity`` before taking 20, so a name found
in 10,000-40,000 entries costs 120-350 ms while the trigram index alone answers in about 1 ms; the
"ranked raw" figure printed after the verdict (the same ranking, raw) shows the time is the ranking.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from benchmarks.harness import BenchResult, percentile
from concord.core.identity.models import Company, Membership, User
from concord.core.identity.roles import Role
from concord.core.search import engine
from concord.core.search.facade import (
    SearchDocument,
    _code_variants,  # the bulk loader must store exactly what the engine stores
    _entry_fields,  # idem
    search_index_many,
    search_query,
)
from concord.core.search.models import CODE_SEPARATOR, SearchEntry
from concord.core.search.query import fts5_phrase, like_escape

ROWS = int(os.environ.get("CONCORD_BENCH_SEARCH_ROWS", "1000000"))
REPEATS = int(os.environ.get("CONCORD_BENCH_SEARCH_REPEATS", "20"))
SAMPLE = min(5_000, ROWS)  # indexed through search_index_many: its rate and a check of the loader
CHUNK = 20_000
LIMIT_RATIO = 4.0
# A query that finds nothing costs the raw index a few microseconds; the facade's fixed work (the
# scopes query, the joined id query) is then all there is, see the module docstring.
LIMIT_RATIO_NO_HITS = 50.0
SEED = 2026

THAI_WORDS = (
    "น้ำมัน", "มะพร้าว", "สกัด", "เย็น", "ข้าว", "หอม", "มะลิ", "สยาม", "กรุงเทพ", "การค้า", "ทองคำ",
    "ไทย", "ปลา", "ผ้าไหม", "ชาเขียว", "กาแฟ", "เชียงใหม่", "ภูเก็ต", "อาหาร", "ทะเล", "ผลไม้", "มังคุด",
    "ทุเรียน", "ลำไย", "สมุนไพร", "ขนม", "น้ำปลา", "พริก", "กระเทียม", "ส้มตำ", "เครื่องเทศ", "ไม้สัก",
    "เซรามิก", "หัตถกรรม", "ขนส่ง", "โลจิสติกส์", "ก่อสร้าง", "วัสดุ", "ไฟฟ้า", "พลังงาน",
)  # fmt: skip
KHMER_WORDS = (
    "អង្គរ", "ពាណិជ្ជកម្ម", "ភ្នំពេញ", "កម្ពុជា", "អាហារ", "ស្រូវ", "អង្ករ", "ត្រី", "ទឹកត្រី", "ផ្លែឈើ",
    "សូត្រ", "កាហ្វេ", "តែ", "សៀមរាប", "មាស", "ប្រាក់", "ដែក", "ឈើ", "ថ្ម", "ម្រេច", "កំពត", "បាត់ដំបង",
    "ស្ករត្នោត", "ដូង", "ស្វាយ", "ចេក", "សំណង់", "ដឹកជញ្ជូន", "អគ្គិសនី", "ថាមពល",
)  # fmt: skip
ENGLISH_WORDS = (
    "Jasmine", "Coconut", "Harbour", "Golden", "River", "Mekong", "Royal", "Lotus", "Orchid", "Summit",
    "Pacific", "Eastern", "Silver", "Green", "Valley", "Crown", "Pioneer", "Heritage", "Delta", "Sunrise",
    "Trading", "Logistics", "Foods", "Textiles", "Engineering", "Supplies", "Imports", "Partners",
    "Organic", "Premium", "Rice", "Tea", "Coffee", "Pepper", "Sugar", "Silk", "Timber", "Ceramic",
)  # fmt: skip
FIRST_NAMES = (
    "somchai", "suda", "kittisak", "nattaya", "pornthip", "anong", "wichai", "malee", "sopheap", "dara",
    "vannak", "sokha", "chenda", "rithy", "john", "mary", "david", "linda", "peter", "susan",
)  # fmt: skip
LAST_NAMES = (
    "srisuk", "wongsa", "chaiyo", "boonmee", "rattana", "chan", "sok", "keo", "meas", "smith", "brown",
    "tan", "lim", "nguyen", "pham",
)  # fmt: skip
DOMAINS = ("example.co.th", "example.com.kh", "example.com", "mail.example.net", "shop.example.org")

# (kind, query). The English, email and phone queries are chosen to exist in the generated data.
QUERIES: tuple[tuple[str, str], ...] = (
    ("thai_substring", "มะพร้าว"),
    ("khmer_substring", "អង្គរ"),
    ("english_word", "jasmine"),
    ("code_prefix_2", "QX"),
    ("email_fragment", "kittisak.wongsa"),
    ("phone_digits", ""),  # seven digits of a generated phone, picked in run()
    ("no_hits", "zqxvbw"),
)


# --------------------------------------------------------------------------- data


def _name(rng: random.Random, script: int, party: bool) -> str:
    if script == 0:  # Thai: words run together, the company form around them
        words = "".join(rng.choice(THAI_WORDS) for _ in range(rng.randint(2, 4)))
        return f"บริษัท {words} จำกัด" if party else words
    if script == 1:  # Khmer: words separated by spaces
        words = " ".join(rng.choice(KHMER_WORDS) for _ in range(rng.randint(2, 3)))
        return f"ក្រុមហ៊ុន {words}" if party else words
    words = " ".join(rng.choice(ENGLISH_WORDS) for _ in range(rng.randint(2, 3)))
    return f"{words} Co., Ltd." if party else f"{words} {rng.choice((1, 5, 12, 25))}kg"


def _documents(start: int, stop: int, company_id: int) -> Iterator[SearchDocument]:
    """Rows ``start..stop-1``: even numbers parties, odd numbers products; deterministic per number."""
    for number in range(start, stop):
        rng = random.Random(SEED * 1_000_003 + number)  # noqa: S311 - test data, not secrets
        party = number % 2 == 0
        script = (number // 2) % 4  # 0 Thai, 1 Khmer, 2-3 English: half Thai or Khmer, in both kinds
        name = _name(rng, script, party)
        if party:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            phone = f"+66 8{rng.randint(0, 9)}-{rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}"
            codes: tuple[str, ...] = (
                f"C{number:07d}",
                f"{rng.randint(0, 10**13 - 1):013d}",
                f"{first}.{last}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}",
                phone,
            )
            kind, subtitle = "parties.party", rng.choice(("Bangkok", "Chiang Mai", "Phnom Penh", "Siem Reap"))
        else:
            letters = chr(65 + rng.randint(0, 25)) + chr(65 + rng.randint(0, 25))
            codes = (f"{letters}-{number:07d}", f"885{rng.randint(0, 10**10 - 1):010d}")
            kind, subtitle = "catalog.product", rng.choice(("Food / Rice", "Drinks / Tea", "Home / Textiles"))
        yield SearchDocument(
            kind=kind,
            object_id=str(number),
            company_id=company_id,
            title=name,
            subtitle=subtitle,
            codes=codes,
            text="",
            url=f"/{'parties' if party else 'catalog'}/{number}/",
        )


_ENTRY_COLUMNS = (
    "id",
    "company_id",
    "kind",
    "object_id",
    "title",
    "subtitle",
    "codes",
    "text",
    "url",
    "document",
)


def _rows(entry_id: int, doc: SearchDocument, now: Any) -> tuple[tuple[Any, ...], tuple[int, str, str, str]]:
    """The ``search_searchentry`` row (plus updated_at) and the FTS row the facade would store."""
    fields = _entry_fields(doc)
    entry = (
        entry_id,
        fields["company_id"],
        doc.kind,
        doc.object_id,
        *(fields[c] for c in _ENTRY_COLUMNS[4:]),
        now,
    )
    codes = [code for code in str(fields["codes"]).split(CODE_SEPARATOR) if code]
    fts = (
        entry_id,
        str(fields["title"]),
        CODE_SEPARATOR.join([*codes, *_code_variants(codes)]),
        f"{fields['subtitle']}\n{fields['text']}".strip(),
    )
    return entry, fts


def _load(company_id: int) -> float:
    """Index the sample through the facade, bulk-load the rest; returns the loader's seconds."""
    with connection.cursor() as cursor:
        if engine.is_sqlite():
            cursor.execute("DELETE FROM search_fts")
        cursor.execute("DELETE FROM search_searchentry")
    started = time.perf_counter()
    search_index_many(_documents(0, SAMPLE, company_id))
    rate = SAMPLE / (time.perf_counter() - started)
    print(f"  search: search_index_many {rate:,.0f} entries/s on a {SAMPLE:,}-entry sample", flush=True)
    _check_loader_matches_engine(company_id)
    first_id = int(SearchEntry.all_companies.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    started = time.perf_counter()
    if engine.is_sqlite():
        _load_sqlite(company_id, first_id)
    else:
        _load_postgres(company_id, first_id)
    return time.perf_counter() - started


def _check_loader_matches_engine(company_id: int) -> None:
    now = timezone.now()
    for entry in SearchEntry.all_companies.filter(object_id__in=["0", "1", "2", "3"]):
        doc = next(_documents(int(entry.object_id), int(entry.object_id) + 1, company_id))
        row, _fts = _rows(entry.pk, doc, now)
        stored = (entry.pk, entry.company_id, entry.kind, entry.object_id, entry.title, entry.subtitle,
                  entry.codes, entry.text, entry.url, entry.document)  # fmt: skip
        assert stored == row[:-1], f"bulk loader differs from search_index_many: {stored} != {row}"


def _load_sqlite(company_id: int, first_id: int) -> None:
    columns = ", ".join([*_ENTRY_COLUMNS, "updated_at"])
    insert = (
        f"INSERT INTO search_searchentry ({columns}) VALUES ({', '.join(['?'] * (len(_ENTRY_COLUMNS) + 1))})"
    )
    fts_insert = "INSERT INTO search_fts (rowid, title, codes, body) VALUES (?, ?, ?, ?)"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    connection.ensure_connection()
    raw = connection.connection
    with transaction.atomic():
        for start in range(SAMPLE, ROWS, CHUNK):
            stop = min(start + CHUNK, ROWS)
            pairs = [
                _rows(first_id + number - SAMPLE, doc, now)
                for number, doc in zip(range(start, stop), _documents(start, stop, company_id), strict=True)
            ]
            raw.executemany(insert, [entry for entry, _ in pairs])
            raw.executemany(fts_insert, [fts for _, fts in pairs])
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        cursor.execute("ANALYZE")


def _load_postgres(company_id: int, first_id: int) -> None:
    now = timezone.now()
    columns = ", ".join([*_ENTRY_COLUMNS, "updated_at"])
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_entry_document_trgm")
        with cursor.copy(f"COPY search_searchentry ({columns}) FROM STDIN") as copy:
            for start in range(SAMPLE, ROWS, CHUNK):
                stop = min(start + CHUNK, ROWS)
                for number, doc in zip(range(start, stop), _documents(start, stop, company_id), strict=True):
                    copy.write_row(_rows(first_id + number - SAMPLE, doc, now)[0])
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('search_searchentry', 'id'),"
            " (SELECT max(id) FROM search_searchentry))"
        )
    # After the commit: the foreign keys' deferred checks would block CREATE INDEX in the same transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX search_entry_document_trgm ON search_searchentry USING gin (document gin_trgm_ops)"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchentry")


# --------------------------------------------------------------------------- queries


def _raw(query: str) -> Callable[[], int]:
    """The query as the index alone answers it (see the module docstring)."""
    if len(query) < 3:  # below the trigram index: the engine's prefix predicate, unranked
        starts = like_escape(query) + "%"
        like = "LIKE" if engine.is_sqlite() else "ILIKE"
        sql = (
            f"SELECT id FROM search_searchentry WHERE title {like} %s ESCAPE '\\' OR title {like} %s ESCAPE '\\'"
            f" OR codes {like} %s ESCAPE '\\' OR codes {like} %s ESCAPE '\\' LIMIT 20"
        )
        params: list[Any] = [starts, "% " + starts, starts, "%" + CODE_SEPARATOR + starts]
    elif engine.is_sqlite():
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY bm25(search_fts) LIMIT 20"
        params = [fts5_phrase(query)]
    else:
        sql = "SELECT id FROM search_searchentry WHERE document ILIKE %s LIMIT 20"
        params = ["%" + like_escape(query) + "%"]

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    return run


def _facade(query: str, user: User) -> int:
    return len(search_query(query=query, user=user, limit=20))


def _ranked_raw(query: str) -> Callable[[], int]:
    """PostgreSQL only, for the diagnosis printed after the verdict: the raw query ranked by name.

    It scores every match, as the facade's ``word_similarity`` ranking does (and as ``bm25`` does on
    SQLite), so "ranked raw" close to the facade means the time goes to ranking, not to the facade.
    """
    sql = (
        "SELECT id FROM search_searchentry WHERE document ILIKE %s"
        " ORDER BY word_similarity(%s, title) DESC LIMIT 20"
    )
    params = ["%" + like_escape(query) + "%", query]

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    return run


def _timings(run: Callable[[], int]) -> tuple[list[float], int]:
    found = 0
    for _ in range(2):
        found = run()
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples, found


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}ms"


def run() -> list[BenchResult]:
    company = Company.objects.create(
        name="Search Bench Co., Ltd.", code="searchbench", country="TH", currency="THB"
    )
    user = User.objects.create_user(username="search-bench", email="search-bench@example.com", password=None)
    Membership.objects.create(user=user, company=company, role=Role.MANAGER)
    print(f"  search: generating {ROWS:,} entries (CONCORD_BENCH_SEARCH_ROWS)", flush=True)
    seconds = _load(company.pk)
    total = SearchEntry.all_companies.count()
    assert total == ROWS, f"expected {ROWS} search entries, found {total}"
    print(f"  search: bulk-loaded {ROWS - SAMPLE:,} entries in {seconds:.1f}s", flush=True)

    sample_phone = next(_documents(42, 43, company.pk)).codes[3]
    phone_digits = "".join(char for char in sample_phone if char.isdigit())[
        2:9
    ]  # "+66 81-234-5678" -> 8123456
    results = []
    for kind, query in ((kind, query or phone_digits) for kind, query in QUERIES):
        facade, hits = _timings(partial(_facade, query, user))
        raw, raw_hits = _timings(_raw(query))
        if kind == "no_hits":
            assert hits == raw_hits == 0, f"{query!r} was meant to find nothing"
        else:
            assert hits > 0, f"{kind} query {query!r} found nothing; the data generator changed"
            assert raw_hits > 0, f"{kind} query {query!r} found nothing raw"
        facade_p95, raw_p95 = percentile(facade, 0.95), percentile(raw, 0.95)
        ranked = ""
        if not engine.is_sqlite() and len(query) >= 3:
            ranked_samples, _found = _timings(_ranked_raw(query))
            ranked = f", ranked raw p95 {_ms(percentile(ranked_samples, 0.95))}"
        results.append(
            BenchResult(
                name=f"search_{ROWS // 1000}k_{kind}",
                seconds=facade_p95,
                baseline_seconds=raw_p95,
                baseline_label="raw index query (p95)",
                limit_ratio=LIMIT_RATIO_NO_HITS if kind == "no_hits" else LIMIT_RATIO,
                measured=f"p95 {_ms(facade_p95)} vs {_ms(raw_p95)}",
                detail=(
                    f"p50 {_ms(percentile(facade, 0.5))} vs {_ms(percentile(raw, 0.5))}, "
                    f"{hits} hits, n={REPEATS}, rows={ROWS:,}{ranked}"
                ),
            )
        )
    return results
