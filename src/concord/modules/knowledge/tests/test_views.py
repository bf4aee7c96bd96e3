"""The agents' screens, the suggestions partial, and the public help centre (no leaks, votes, XSS)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concord.modules.knowledge.models import Article, ArticleCategory, ArticleVote
from concord.modules.knowledge.services.articles import article_create

pytestmark = pytest.mark.django_db


def _current(article):
    """The article's current version (always there once created)."""
    version = article.current_version
    assert version is not None
    return version


XSS = 'Hello <script>alert("pwned")</script> world'


def test_an_agent_writes_edits_restores_translates_and_publishes_an_article(signed_in, agent, company):
    client = signed_in(agent)
    for name in ("knowledge:articles", "knowledge:article-create", "knowledge:categories"):
        assert client.get(reverse(name)).status_code == 200, name
    created = client.post(
        reverse("knowledge:article-create"),
        {"title": "Opening hours", "body": XSS, "language": "en", "visibility": "public"},
    )
    article = Article.objects.get()
    assert created.url == reverse("knowledge:article-detail", args=[article.pk])
    detail = client.get(created.url).content.decode()
    assert "<script>alert" not in detail
    assert "&lt;script&gt;" in detail
    assert "Add Thai version" in detail

    edit_url = reverse("knowledge:article-edit", args=[article.pk])
    assert client.get(edit_url).status_code == 200
    bad = client.post(edit_url, {"title": "", "body": "x", "language": "en", "visibility": "public"})
    assert bad.status_code == 400
    client.post(
        edit_url,
        {
            "title": "Opening hours",
            "body": "Mon-Fri 9-17.",
            "language": "en",
            "visibility": "public",
            "change_note": "Plain text",
        },
    )
    history = client.get(reverse("knowledge:article-history", args=[article.pk])).content.decode()
    assert "Plain text" in history
    assert "Restore version 1" in history
    assert client.get(reverse("knowledge:article-version", args=[article.pk, 1])).status_code == 200
    client.post(reverse("knowledge:article-restore", args=[article.pk, 1]))
    article.refresh_from_db()
    assert _current(article).number == 3
    assert _current(article).body == XSS

    client.post(reverse("knowledge:article-action", args=[article.pk, "publish"]))
    article.refresh_from_db()
    assert article.state == "published"

    translate_url = reverse("knowledge:article-create") + f"?translation_of={article.pk}&language=th"
    assert client.get(translate_url).status_code == 200
    client.post(
        translate_url, {"title": "เวลาทำการ", "body": "จันทร์-ศุกร์", "language": "th", "visibility": "public"}
    )
    thai = Article.objects.get(language="th")
    assert thai.translation_key == article.translation_key
    listed = client.get(reverse("knowledge:articles") + "?language=th&state=draft").content.decode()
    assert "เวลาทำการ" in listed
    assert "Opening hours" not in listed


def test_permissions_sales_may_read_not_write_and_other_companies_are_404(
    signed_in, seller, agent, company, other_company
):
    article = article_create(company=company, title="Price list", body="See the PDF.", by=agent)
    foreign = article_create(company=other_company, title="Foreign", body="x", by=None)
    client = signed_in(seller)
    assert client.get(reverse("knowledge:article-detail", args=[article.pk])).status_code == 200
    assert client.get(reverse("knowledge:article-edit", args=[article.pk])).status_code == 403
    assert client.post(reverse("knowledge:article-action", args=[article.pk, "publish"])).status_code == 403
    assert client.get(reverse("knowledge:article-create")).status_code == 403
    assert client.get(reverse("knowledge:article-detail", args=[foreign.pk])).status_code == 404
    signed_in(agent)
    assert client.get(reverse("knowledge:category-create")).status_code == 403  # settings: managers


def test_a_manager_keeps_categories(signed_in, manager, company):
    client = signed_in(manager)
    response = client.post(
        reverse("knowledge:category-create"), {"name": "Orders", "name_th": "คำสั่งซื้อ", "sequence": 1}
    )
    assert response.status_code == 302
    category = ArticleCategory.objects.get()
    assert (
        client.post(reverse("knowledge:category-create"), {"name": "orders", "sequence": 1}).status_code
        == 400
    )
    client.post(
        reverse("knowledge:category-edit", args=[category.pk]), {"name": "Orders and delivery", "sequence": 2}
    )
    category.refresh_from_db()
    assert category.name == "Orders and delivery"
    client.post(reverse("knowledge:category-delete", args=[category.pk]))
    assert not ArticleCategory.objects.exists()


def test_suggestions_for_an_agent_include_internal_articles(signed_in, agent, company, publish_articles):
    publish_articles(
        [
            {"title": "ติดตามสถานะคำสั่งซื้อ", "body": "ดูที่เมนูคำสั่งซื้อ", "language": "th"},
            {
                "title": "Escalating an order complaint",
                "body": "Call the duty manager.",
                "visibility": "internal",
            },
        ]
    )
    client = signed_in(agent)
    thai = client.get(reverse("knowledge:suggest"), {"q": "ลูกค้าถามสถานะคำสั่งซื้อ"}).content.decode()
    assert "ติดตามสถานะคำสั่งซื้อ" in thai
    assert "public link" in thai
    internal = client.get(
        reverse("knowledge:suggest"), {"body": "order complaint escalating", "company": company.pk}
    )
    assert "Escalating an order complaint" in internal.content.decode()
    assert client.get(reverse("knowledge:suggest"), {"q": "x", "company": 999999}).status_code == 404


def test_the_help_centre_shows_only_published_public_articles(client, company, agent, publish_articles):
    public, internal = publish_articles(
        [
            {"title": "Return a product", "body": XSS, "category": "Orders", "translation_key": "ret"},
            {
                "title": "Refund approval limits",
                "body": "Agents only.",
                "category": "Orders",
                "visibility": "internal",
            },
        ]
    )
    (thai,) = publish_articles(
        [
            {
                "title": "การคืนสินค้า",
                "body": "ภายใน 30 วัน",
                "language": "th",
                "category": "Orders",
                "translation_key": "ret",
            }
        ]
    )
    draft = article_create(
        company=company, title="Return policy draft", body="Secret.", by=agent, visibility="public"
    )
    home = client.get(reverse("knowledge:help-home", args=[company.code]))
    page = home.content.decode()
    assert home.status_code == 200
    assert "Return a product" in page
    assert "Refund approval limits" not in page
    assert "Return policy draft" not in page
    thai_home = client.get(
        reverse("knowledge:help-home", args=[company.code]), {"lang": "th"}
    ).content.decode()
    assert "การคืนสินค้า" in thai_home
    assert "Return a product" not in thai_home

    for hidden in (internal, draft):
        url = reverse("knowledge:help-article", args=[company.code, hidden.pk, hidden.slug])
        assert client.get(url).status_code == 404
    article_url = reverse("knowledge:help-article", args=[company.code, public.pk, public.slug])
    article_page = client.get(article_url).content.decode()
    assert "&lt;script&gt;" in article_page
    assert "<script>alert" not in article_page
    assert "Was this helpful?" in article_page
    assert reverse("knowledge:help-article", args=[company.code, thai.pk, thai.slug]) in article_page
    short = client.get(reverse("knowledge:help-article-short", args=[company.code, public.pk]))
    assert short.status_code == 302
    assert short.url == article_url

    results = client.get(
        reverse("knowledge:help-search", args=[company.code]), {"q": "refund return"}
    ).content.decode()
    assert "Return a product" in results
    assert "Refund approval limits" not in results
    category = public.category
    assert client.get(reverse("knowledge:help-category", args=[company.code, category.pk])).status_code == 200
    assert client.get(reverse("knowledge:help-home", args=["nope"])).status_code == 404


def test_a_visitor_votes_once_per_article_through_htmx(client, company, publish_articles):
    (article,) = publish_articles([{"title": "Warranty", "body": "One year."}])
    url = reverse("knowledge:help-vote", args=[company.code, article.pk])
    first = client.post(url, {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    assert "glad it helped" in first.content.decode()
    client.post(url, {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    client.post(url, {"helpful": "no"}, HTTP_HX_REQUEST="true")
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (0, 1)
    assert ArticleVote.objects.count() == 1
    assert client.post(url, {"helpful": "maybe"}).status_code == 400
    client.cookies.clear()  # another visitor
    assert client.post(url, {"helpful": "yes"}).status_code == 302
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (1, 1)
