"""The search facade on a real database (run on SQLite and on PostgreSQL): scripts, scope, ranking."""

from __future__ import annotations

import pytest
from django.db import transaction

from concord.core.identity.roles import Role
from concord.core.search import engine
from concord.core.search.facade import SearchDocument, search_index, search_query, search_unindex
from concord.core.search.models import SearchEntry
from concord.core.search.tests.conftest import PRODUCT, SECRET


@pytest.fixture
def seller(make_user, company):
    return make_user(company=company, roles=(Role.SALES,))


def titles(hits):
    return [hit.title for hit in hits]


def test_thai_product_is_found_by_a_word_inside_its_name(index_doc, company, seller):
    index_doc(company=company, title="น้ำมันมะพร้าวสกัดเย็น", subtitle="500 ml")
    index_doc(company=company, title="ข้าวหอมมะลิ")

    hits = search_query(query="มะพร้าว", user=seller)

    assert titles(hits) == ["น้ำมันมะพร้าวสกัดเย็น"]
    assert hits[0].highlight == "น้ำมัน<mark>มะพร้าว</mark>สกัดเย็น"
    assert hits[0].kind == PRODUCT
    assert hits[0].kind_label == "Test products"
    assert hits[0].url.startswith("/test/")
    assert search_query(query="ทุเรียน", user=seller) == []


def test_khmer_party_is_found_by_one_word_of_its_name(index_doc, company, seller):
    index_doc(company=company, title="ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម")
    index_doc(company=company, title="ក្រុមហ៊ុន បាយ័ន")

    assert titles(search_query(query="អង្គរ", user=seller)) == ["ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម"]
    # words need not be next to each other, and a zero width space separates them like a space
    both = search_query(query="ពាណិជ្ជកម្ម\u200bក្រុមហ៊ុន", user=seller)
    assert titles(both) == ["ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម"]
    assert len(search_query(query="ក្រុមហ៊ុន", user=seller)) == 2


def test_email_and_phone_are_found_by_substrings(index_doc, company, seller):
    index_doc(
        company=company,
        title="Somchai Jaidee",
        codes=("somchai@siam-trading.co.th", "+66 81-234-5678", "0105536012345"),
    )
    index_doc(company=company, title="Other person", codes=("nok@example.com", "+66 2 111 2222"))

    assert titles(search_query(query="siam-trad", user=seller)) == ["Somchai Jaidee"]
    assert titles(search_query(query="234-5678", user=seller)) == ["Somchai Jaidee"]
    assert titles(search_query(query="812345678", user=seller)) == ["Somchai Jaidee"]  # digits only
    assert titles(search_query(query="5536012", user=seller)) == ["Somchai Jaidee"]  # inside a tax ID
    hit = search_query(query="SIAM-TRADING", user=seller)[0]  # case does not matter
    assert hit.highlight == "somchai@<mark>siam-trading</mark>.co.th"


def test_short_query_matches_the_start_of_codes_and_title_words(index_doc, company, seller):
    index_doc(company=company, title="มะม่วงอบแห้ง")
    index_doc(company=company, title="น้ำมันมะพร้าว")  # "มะ" only inside a word: no prefix
    index_doc(company=company, title="Dried fruit", codes=("มะ-001",))
    index_doc(company=company, title="Green tea", codes=("AB-778", "8850001112223"))
    index_doc(company=company, title="Tea AB grade")

    assert sorted(titles(search_query(query="มะ", user=seller))) == ["Dried fruit", "มะม่วงอบแห้ง"]
    ab = search_query(query="ab", user=seller)
    assert set(titles(ab)) == {"Green tea", "Tea AB grade"}
    assert ab[0].title == "Green tea"  # a code starting with the query ranks above a word of a name
    code_hit = next(hit for hit in ab if hit.title == "Green tea")
    assert code_hit.highlight == "<mark>AB</mark>-778"
    assert titles(search_query(query="88", user=seller)) == ["Green tea"]


def test_other_companies_entries_are_never_returned(index_doc, company, make_company, seller, make_user):
    other = make_company(name="Angkor Co", code="angkor", country="KH", currency="KHR")
    index_doc(company=company, title="Coconut oil Siam")
    index_doc(company=other, title="Coconut oil Angkor")

    assert titles(search_query(query="coconut", user=seller)) == ["Coconut oil Siam"]
    # asking for the other company's ids does not widen the user's reach
    assert search_query(query="coconut", user=seller, company_ids=[other.pk]) == []

    both = make_user(company=company, roles=(Role.SALES,))
    both.memberships.create(company=other, role=Role.SALES)
    assert sorted(titles(search_query(query="coconut", user=both))) == [
        "Coconut oil Angkor",
        "Coconut oil Siam",
    ]
    assert titles(search_query(query="coconut", user=both, company_ids=[other.pk])) == ["Coconut oil Angkor"]


def test_kinds_without_permission_are_not_returned(index_doc, company, seller, make_user):
    index_doc(company=company, title="Payroll secret plan", kind=SECRET)
    index_doc(company=company, title="Secret sauce", kind=PRODUCT)

    assert titles(search_query(query="secret", user=seller)) == ["Secret sauce"]
    auditor = make_user(company=company, roles=(Role.MANAGER,))  # managers hold audit.view
    assert sorted(titles(search_query(query="secret", user=auditor))) == [
        "Payroll secret plan",
        "Secret sauce",
    ]
    assert titles(search_query(query="secret", user=auditor, kinds=[SECRET])) == ["Payroll secret plan"]
    portal = make_user(company=company, roles=(Role.PORTAL,))
    assert search_query(query="secret", user=portal) == []


def test_anonymous_and_superuser(index_doc, company, make_company, make_user):
    from django.contrib.auth.models import AnonymousUser

    other = make_company(name="Other", code="other")
    index_doc(company=company, title="Coconut A")
    index_doc(company=other, title="Coconut B", kind=SECRET)

    assert search_query(query="coconut", user=AnonymousUser()) == []
    assert search_query(query="coconut", user=None) == []
    root = make_user(is_superuser=True, is_staff=True)
    assert sorted(titles(search_query(query="coconut", user=root))) == ["Coconut A", "Coconut B"]
    assert titles(search_query(query="coconut", user=root, company_ids=[other.pk])) == ["Coconut B"]


def test_better_match_ranks_first(index_doc, company, seller):
    index_doc(company=company, title="Fruit basket", text="with coconut pieces and mango")
    index_doc(company=company, title="Coconut")
    index_doc(company=company, title="Organic coconut milk from Chumphon province, 1 litre")

    assert titles(search_query(query="coconut", user=seller)) == [
        "Coconut",
        "Organic coconut milk from Chumphon province, 1 litre",
        "Fruit basket",
    ]
    hits = search_query(query="coconut", user=seller)
    assert hits[0].score > hits[1].score > hits[2].score
    assert hits[2].highlight == "with <mark>coconut</mark> pieces and mango"
    assert len(search_query(query="coconut", user=seller, limit=2)) == 2


def test_update_reindexes_and_unindex_removes(index_doc, company, seller):
    doc = index_doc(company=company, title="Old green tea", codes=("OLD-1",))
    search_index(
        SearchDocument(
            kind=doc.kind,
            object_id=doc.object_id,
            company_id=company.pk,
            title="Jasmine rice",
            codes=("NEW-1",),
        )
    )

    assert search_query(query="green tea", user=seller) == []
    assert search_query(query="OLD-1", user=seller) == []
    assert titles(search_query(query="jasmine", user=seller)) == ["Jasmine rice"]
    assert titles(search_query(query="NEW-1", user=seller)) == ["Jasmine rice"]
    assert SearchEntry.all_companies.filter(kind=doc.kind, object_id=doc.object_id).count() == 1

    search_unindex(kind=doc.kind, object_id=doc.object_id)
    assert search_query(query="jasmine", user=seller) == []
    assert not SearchEntry.all_companies.filter(object_id=doc.object_id).exists()
    search_unindex(kind=doc.kind, object_id=doc.object_id)  # again: nothing to do, no error


class RolledBackError(Exception):
    pass


def test_index_rolls_back_with_the_writing_transaction(index_doc, company, seller):
    def write_then_fail():
        with transaction.atomic():
            index_doc(company=company, title="Ghost product")
            assert titles(search_query(query="ghost", user=seller)) == ["Ghost product"]
            raise RolledBackError

    with pytest.raises(RolledBackError):
        write_then_fail()

    assert search_query(query="ghost", user=seller) == []
    index_doc(company=company, title="Ghost product two")  # the index is still consistent afterwards
    assert titles(search_query(query="ghost", user=seller)) == ["Ghost product two"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"unterminated',
        'coconut" OR title:*',
        "NEAR(a b, 2)",
        "a AND OR NOT b",
        "***",
        "^col:x",
        "(((",
        "%%%",
        "___",
        "\\\\",
        "'; DROP TABLE search_searchentry; --",
        "x" * 500,
        "\x00\x01coconut",
        "   ",
        "",
    ],
)
def test_operators_and_quotes_in_the_query_do_not_crash(index_doc, company, seller, query):
    index_doc(company=company, title="Coconut")
    index_doc(company=company, title="Mango")

    hits = search_query(query=query, user=seller)

    assert len(hits) <= 1  # nothing matches everything: wildcards are literal
    assert SearchEntry.all_companies.count() == 2


def test_quotes_and_wildcards_are_matched_literally(index_doc, company, seller):
    index_doc(company=company, title='Say "hello" world')
    index_doc(company=company, title="Discount 50% off")
    index_doc(company=company, title="Discount 500 off")

    assert titles(search_query(query='"hello"', user=seller)) == ['Say "hello" world']
    assert titles(search_query(query="50%", user=seller)) == ["Discount 50% off"]
    assert titles(search_query(query="\x00coco", user=seller)) == []


def test_highlight_escapes_html(index_doc, company, seller):
    index_doc(company=company, title="<script>alert(1)</script> Coconut & co")

    hit = search_query(query="coconut", user=seller)[0]

    assert "<script>" not in hit.highlight
    assert hit.highlight == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Coconut</mark> &amp; co"
    assert hit.title == "<script>alert(1)</script> Coconut & co"  # raw: templates escape it


def test_long_text_is_cut_to_a_snippet_around_the_match(index_doc, company, seller):
    index_doc(company=company, title="Manual", text="lorem ipsum " * 40 + "durian season " + "dolor " * 40)

    highlight = search_query(query="durian", user=seller)[0].highlight

    assert "<mark>durian</mark>" in highlight
    assert highlight.startswith("…")
    assert highlight.endswith("…")
    assert len(highlight) < 200


def test_short_query_finds_khmer_words_and_codes_starting_with_punctuation(index_doc, company, seller):
    index_doc(company=company, title="ក្រុមហ៊ុន អង្គរ ស្រូវ")
    index_doc(company=company, title="Phone only", codes=("+66 81-234-5678",))
    index_doc(company=company, title="Plain 66")

    assert titles(search_query(query="អង", user=seller)) == ["ក្រុមហ៊ុន អង្គរ ស្រូវ"]
    assert titles(search_query(query="+6", user=seller)) == ["Phone only"]  # no word: read, not indexed


def test_capped_candidates_keep_the_best_tiers_and_the_callers_company(
    index_doc, company, make_company, seller, monkeypatch
):
    monkeypatch.setattr(engine, "PREFIX_CANDIDATES", 2)
    monkeypatch.setattr(engine, "SIMILARITY_CANDIDATES", 2)
    other = make_company(name="Other", code="other")
    for n in range(4):  # found first by any index, in another company: never counted against the cap
        index_doc(company=other, title=f"Abalone coconut {n}", codes=(f"AB-{n}",))
    for n in range(3):  # a word of the name starts with "ab" / contains "coconut": the lowest tier
        index_doc(company=company, title=f"Dried ab coconut chips {n}")
    index_doc(company=company, title="Green tea", codes=("AB-778",))
    index_doc(company=company, title="Abalone")
    index_doc(company=company, title="Coconut")

    # The cap is never below the page asked for: two candidates for two hits.
    assert titles(search_query(query="ab", user=seller, limit=2)) == ["Abalone", "Green tea"]
    assert titles(search_query(query="coconut", user=seller, limit=2))[0] == "Coconut"
