"""Retrieval: ranking in English, Thai and Khmer, visibility, drafts, votes, caching, the optional re-rank."""

from __future__ import annotations

import pytest

from concord.core.search.facade import search_query
from concord.modules.knowledge.facade import articles_search, embedder_installed
from concord.modules.knowledge.models import Article
from concord.modules.knowledge.services.articles import article_create, article_publish, article_unpublish
from concord.modules.knowledge.services.votes import article_vote

pytestmark = pytest.mark.django_db

ARTICLES = [
    # English
    {
        "title": "Track your order status",
        "body": "Open My orders to see where your order is and its tracking number.",
        "translation_key": "track",
    },
    {
        "title": "Return a product",
        "body": "You can send a product back within 30 days for a refund.",
        "translation_key": "returns",
    },
    {
        "title": "Reset your password",
        "body": "Click Forgot password on the sign-in page; we email you a link.",
        "translation_key": "password",
    },
    {
        "title": "Payment methods",
        "body": "We accept bank transfer, PromptPay and credit cards.",
        "translation_key": "payment",
    },
    # Thai
    {
        "title": "ติดตามสถานะคำสั่งซื้อ",
        "body": "เปิดเมนูคำสั่งซื้อของฉันเพื่อดูว่าสินค้าอยู่ที่ไหนและเลขพัสดุ",
        "language": "th",
        "translation_key": "track",
    },
    {
        "title": "การคืนสินค้า",
        "body": "คุณสามารถส่งสินค้าคืนได้ภายใน 30 วันเพื่อขอเงินคืน",
        "language": "th",
        "translation_key": "returns",
    },
    {
        "title": "ตั้งรหัสผ่านใหม่",
        "body": "กดลืมรหัสผ่านที่หน้าเข้าสู่ระบบ เราจะส่งลิงก์ทางอีเมล",
        "language": "th",
        "translation_key": "password",
    },
    {
        "title": "วิธีการชำระเงิน",
        "body": "เรารับโอนเงินผ่านธนาคาร พร้อมเพย์ และบัตรเครดิต",
        "language": "th",
        "translation_key": "payment",
    },
    # Khmer
    {
        "title": "តាមដានស្ថានភាពការបញ្ជាទិញ",
        "body": "បើកម៉ឺនុយការបញ្ជាទិញរបស់ខ្ញុំ ដើម្បីមើលថាទំនិញនៅឯណា",
        "language": "km",
        "translation_key": "track",
    },
    {
        "title": "ការប្រគល់ទំនិញវិញ",
        "body": "អ្នកអាចប្រគល់ទំនិញវិញក្នុងរយៈពេល ៣០ ថ្ងៃ ដើម្បីទទួលបានប្រាក់វិញ",
        "language": "km",
        "translation_key": "returns",
    },
    {
        "title": "កំណត់ពាក្យសម្ងាត់ឡើងវិញ",
        "body": "ចុចភ្លេចពាក្យសម្ងាត់នៅទំព័រចូល យើងនឹងផ្ញើតំណតាមអ៊ីមែល",
        "language": "km",
        "translation_key": "password",
    },
    {
        "title": "វិធីបង់ប្រាក់",
        "body": "យើងទទួលការផ្ទេរប្រាក់តាមធនាគារ និងកាតឥណទាន",
        "language": "km",
        "translation_key": "payment",
    },
]


@pytest.fixture
def library(publish_articles):
    items = [{"visibility": "public", "category": "Help", **item} for item in ARTICLES]
    return {(a.translation_key, a.language): a for a in publish_articles(items)}


def _first(company, query, **kwargs):
    hits = articles_search(company_id=company.pk, query=query, **kwargs)
    assert hits, f"nothing found for {query!r}"
    return hits[0]


def test_queries_without_spaces_find_the_right_article_first_in_each_language(company, library):
    cases = [
        ("where is my order", "track", "en"),
        ("how do I return a product", "returns", "en"),
        ("forgot password", "password", "en"),
        ("สถานะคำสั่งซื้อ", "track", "th"),
        ("คืนสินค้า", "returns", "th"),
        ("ลืมรหัสผ่าน", "password", "th"),
        ("ชำระเงิน", "payment", "th"),
        ("ស្ថានភាពការបញ្ជាទិញ", "track", "km"),
        ("ប្រគល់ទំនិញ", "returns", "km"),
        ("ពាក្យសម្ងាត់", "password", "km"),
        ("បង់ប្រាក់", "payment", "km"),
    ]
    for query, key, language in cases:
        hit = _first(company, query)
        assert (hit.title, hit.language) == (library[(key, language)].title, language), query
        assert "/knowledge/help/siam/articles/" in hit.url


def test_the_wanted_language_is_preferred_and_nothing_found_is_empty(company, library):
    assert _first(company, "30", language="en").language == "en"
    assert _first(company, "30", language="th").language == "th"
    assert articles_search(company_id=company.pk, query="kangaroo submarine") == []
    assert articles_search(company_id=company.pk, query="   ") == []


def test_internal_and_draft_articles_stay_out_of_public_search(company, agent, library, publish_articles):
    publish_articles(
        [
            {
                "title": "Refund approval rules for agents",
                "body": "Approve refund above 5000 THB only with a manager.",
                "visibility": "internal",
            }
        ]
    )
    draft = article_create(
        company=company,
        title="Refund draft secrets",
        body="Unreleased refund policy.",
        by=agent,
        visibility="public",
    )
    public = [hit.title for hit in articles_search(company_id=company.pk, query="refund approval")]
    assert "Refund approval rules for agents" not in public
    assert draft.title not in public
    agents = [
        hit.title
        for hit in articles_search(company_id=company.pk, query="refund approval", public_only=False)
    ]
    assert agents[0] == "Refund approval rules for agents"
    assert draft.title not in agents


def test_publishing_and_unpublishing_is_seen_by_the_next_search(company, agent, library):
    assert articles_search(company_id=company.pk, query="gift wrapping") == []  # the index is now cached
    article = article_create(
        company=company,
        title="Gift wrapping",
        body="We wrap gifts for 50 THB.",
        by=agent,
        visibility="public",
    )
    assert articles_search(company_id=company.pk, query="gift wrapping") == []  # still a draft
    article_publish(article=article, by=agent)
    assert _first(company, "gift wrapping").article_id == article.pk
    article_unpublish(article=article, by=agent)
    assert articles_search(company_id=company.pk, query="gift wrapping") == []


def test_helpful_votes_break_ties(company, publish_articles):
    twin = {"title": "Change delivery address", "body": "Write to us before we ship."}
    first, second = publish_articles([{**twin, "translation_key": "a"}, {**twin, "translation_key": "b"}])
    assert _first(company, "change delivery address").article_id == first.pk  # equal: the older first
    article_vote(article=second, helpful=True, voter_key="v1")
    assert _first(company, "change delivery address").article_id == second.pk


def test_another_companys_articles_are_never_found(company, other_company, library, publish_articles):
    publish_articles([{"title": "Track your order status", "body": "Mekong's own text."}], into=other_company)
    hits = articles_search(company_id=company.pk, query="track order")
    assert {Article.objects.get(pk=hit.article_id).company_id for hit in hits} == {company.pk}


def test_without_an_embedder_the_order_is_lexical(company, library, monkeypatch):
    monkeypatch.setenv("CONCORD_EMBEDDING_MODEL", "/nonexistent/model")  # not a directory: no re-rank
    assert _first(company, "track order").title == "Track your order status"


class FakeEmbedder:
    """Puts "Payment methods" closest to any query: proves the re-rank ran and reordered the top."""

    def __init__(self):
        self.calls = []

    def encode(self, sentences):
        self.calls.append(list(sentences))
        return [[1.0, 0.0] if s.startswith(("Payment", "order")) else [0.0, 1.0] for s in sentences]


def test_a_registered_embedder_reranks_the_top_candidates(company, library):
    fake = FakeEmbedder()
    with embedder_installed(fake):
        hits = articles_search(company_id=company.pk, query="order payment", limit=3)
    assert fake.calls, "the embedder was not asked"
    assert hits[0].title == "Payment methods"
    with embedder_installed(None):
        assert (
            articles_search(company_id=company.pk, query="order payment", limit=3)[0].title
            != "Payment methods"
        )


def test_the_global_search_finds_articles_for_agents_only(company, agent, make_user, library):
    hits = search_query(query="รหัสผ่าน", user=agent)
    assert any(hit.kind == "knowledge.article" and hit.title == "ตั้งรหัสผ่านใหม่" for hit in hits)
    warehouse = make_user(company=company, roles=("warehouse",))
    assert not [
        hit for hit in search_query(query="รหัสผ่าน", user=warehouse) if hit.kind == "knowledge.article"
    ]
