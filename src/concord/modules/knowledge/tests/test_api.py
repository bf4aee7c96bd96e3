"""The knowledge API: articles and their actions, categories, and the public search that never leaks."""

from __future__ import annotations

import json

import pytest

from concord.modules.knowledge.services.articles import article_create
from concord.modules.knowledge.services.categories import category_create

pytestmark = pytest.mark.django_db

API = "/api/v1/knowledge"


def send(client, method, path, body=None):
    return getattr(client, method)(API + path, json.dumps(body or {}), content_type="application/json")


def test_an_article_is_written_edited_restored_and_published_through_the_api(signed_in, agent, company):
    client = signed_in(agent)
    category = category_create(company=company, name="Orders", by=None)
    created = send(
        client,
        "post",
        "/articles",
        {"title": "Track an order", "body": "v1", "category_id": category.pk, "visibility": "public"},
    )
    assert created.status_code == 201, created.content
    article = created.json()
    assert (article["state"], article["version_number"], article["slug"]) == ("draft", 1, "track-an-order")

    patched = send(client, "patch", f"/articles/{article['id']}", {"body": "**v2**", "change_note": "bold"})
    assert patched.json()["version_number"] == 2
    assert patched.json()["body_html"] == "<p><strong>v2</strong></p>"
    assert send(client, "patch", f"/articles/{article['id']}", {"colour": "red"}).status_code == 422
    assert send(client, "patch", f"/articles/{article['id']}", {"language": "fr"}).status_code == 422
    versions = client.get(f"{API}/articles/{article['id']}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    restored = send(client, "post", f"/articles/{article['id']}/versions/1/restore")
    assert restored.json()["body"] == "v1"
    assert restored.json()["version_number"] == 3

    published = send(client, "post", f"/articles/{article['id']}/publish")
    assert published.status_code == 200
    assert published.json()["state"] == "published"
    assert send(client, "post", f"/articles/{article['id']}/unpublish").json()["state"] == "draft"
    assert send(client, "post", f"/articles/{article['id']}/unpublish").status_code == 409
    send(client, "post", f"/articles/{article['id']}/publish")

    thai = send(
        client,
        "post",
        "/articles",
        {"title": "ติดตามคำสั่งซื้อ", "body": "ดูที่เมนู", "language": "th", "translation_of": article["id"]},
    )
    assert thai.status_code == 201
    assert client.get(f"{API}/articles/{article['id']}").json()["translation_ids"] == {
        "th": thai.json()["id"]
    }

    listed = client.get(f"{API}/articles", {"language": "en", "state": "published"}).json()
    assert [row["id"] for row in listed["items"]] == [article["id"]]
    assert listed["items"][0]["version_number"] == 3
    hits = client.get(f"{API}/articles/search", {"q": "track order"}).json()
    assert hits[0]["article_id"] == article["id"]
    categories = client.get(f"{API}/categories").json()
    assert [c["name"] for c in categories["items"]] == ["Orders"]


def test_permissions_and_other_companies(signed_in, seller, agent, company, other_company, make_user):
    mine = article_create(company=company, title="Mine", body="x", by=None)
    foreign = article_create(company=other_company, title="Foreign", body="x", by=None)
    client = signed_in(seller)
    assert client.get(f"{API}/articles/{mine.pk}").status_code == 200
    assert send(client, "post", f"/articles/{mine.pk}/publish").status_code == 403
    assert send(client, "post", "/articles", {"title": "New"}).status_code == 403
    assert client.get(f"{API}/articles/{foreign.pk}").status_code == 404
    assert send(client, "post", f"/articles/{foreign.pk}/publish").status_code == 404
    client.logout()
    assert client.get(f"{API}/articles").status_code == 401


def test_the_public_api_answers_published_public_articles_only(client, company, agent, publish_articles):
    public, internal = publish_articles(
        [
            {"title": "Payment methods", "body": "Bank transfer and PromptPay."},
            {
                "title": "Payment exceptions for agents",
                "body": "Internal payment rules.",
                "visibility": "internal",
            },
        ]
    )
    draft = article_create(
        company=company, title="Payment draft", body="Not yet.", by=agent, visibility="public"
    )
    hits = client.get(f"{API}/public/{company.code}/search", {"q": "payment"})
    assert hits.status_code == 200
    assert [hit["article_id"] for hit in hits.json()] == [public.pk]
    assert (
        client.get(f"{API}/public/{company.code}/articles/{public.pk}").json()["title"] == "Payment methods"
    )
    for hidden in (internal, draft):
        assert client.get(f"{API}/public/{company.code}/articles/{hidden.pk}").status_code == 404
    assert client.get(f"{API}/public/nope/search", {"q": "payment"}).status_code == 404
    assert client.get(f"{API}/public/{company.code}/search").status_code == 422
