"""The shell's /search/ page through the search provider: hits shown, markup escaped."""

from __future__ import annotations

from django.test import Client

from concord.core.identity.roles import Role
from concord.core.registry import registry
from concord.core.search.provider import IndexedRecordsProvider, RecordHit


def test_the_provider_is_registered():
    assert isinstance(registry.search_providers.get("records"), IndexedRecordsProvider)


def test_search_page_lists_hits_and_escapes_markup(client: Client, make_user, company, index_doc):
    user = make_user(company=company, roles=(Role.SALES,))
    index_doc(company=company, title="<script>alert(1)</script>น้ำมันมะพร้าว", subtitle="1 litre", object_id="9")
    client.force_login(user)

    html = client.get("/search/", {"q": "มะพร้าว"}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="/test/testsearch.product/9/"' in html
    assert "Test products · 1 litre" in html


def test_provider_returns_shell_hits_with_highlight(rf, make_user, company, index_doc):
    user = make_user(company=company, roles=(Role.SALES,))
    index_doc(company=company, title="ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម", subtitle="Phnom Penh")
    request = rf.get("/search/")
    request.user = user

    hits = IndexedRecordsProvider().search(request=request, query="អង្គរ", limit=20)

    assert len(hits) == 1
    hit = hits[0]
    assert isinstance(hit, RecordHit)
    assert hit.highlight == "ក្រុមហ៊ុន <mark>អង្គរ</mark> ពាណិជ្ជកម្ម"
    assert hit.detail == "Test products · Phnom Penh"
    assert hit.kind_label == "Test products"
    assert hit.title_html == hit.highlight
    assert hit.snippet == ""


def test_provider_gives_a_snippet_when_the_match_is_not_in_the_title(rf, make_user, company, index_doc):
    user = make_user(company=company, roles=(Role.SALES,))
    index_doc(company=company, title="<i>Fruit</i> basket", text="with coconut & mango")
    request = rf.get("/search/")
    request.user = user

    (hit,) = IndexedRecordsProvider().search(request=request, query="coconut", limit=20)
    assert isinstance(hit, RecordHit)

    assert hit.title_html == "&lt;i&gt;Fruit&lt;/i&gt; basket"
    assert hit.snippet == "with <mark>coconut</mark> &amp; mango"
    assert IndexedRecordsProvider().search(request=request, query="  ", limit=20) == []
