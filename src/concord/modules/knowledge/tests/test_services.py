"""Articles' life: versions and restore, publish rules, translations, categories, votes, imports."""

from __future__ import annotations

import pytest

from concord.core.audit.models import AuditEntry
from concord.core.errors import Conflict, NotFound, ValidationFailed
from concord.core.outbox.models import OutboxEvent
from concord.core.search.models import SearchEntry
from concord.modules.knowledge.events import ArticlePublished
from concord.modules.knowledge.facade import article_get, article_public_url, articles_import
from concord.modules.knowledge.models import ArticleState, ArticleVote
from concord.modules.knowledge.services.articles import (
    article_archive,
    article_create,
    article_publish,
    article_translation_create,
    article_unpublish,
    article_update,
    article_version_restore,
)
from concord.modules.knowledge.services.categories import category_create, category_delete, category_update
from concord.modules.knowledge.services.votes import article_vote

pytestmark = pytest.mark.django_db


def _current(article):
    """The article's current version (always there once created)."""
    version = article.current_version
    assert version is not None
    return version


def test_editing_adds_versions_and_restoring_brings_an_old_text_back(company, agent):
    article = article_create(company=company, title="Opening hours", body="Mon-Fri 9-17.", by=agent)
    assert (_current(article).number, article.slug, article.state) == (1, "opening-hours", "draft")

    article = article_update(article=article, by=agent, body="Mon-Sat 9-18.", change_note="Saturdays too")
    assert _current(article).number == 2
    assert _current(article).change_note == "Saturdays too"
    same = article_update(article=article, by=agent, body="Mon-Sat 9-18.")
    assert _current(same).number == 2  # nothing changed: no new version

    restored = article_version_restore(article=article, number=1, by=agent)
    assert _current(restored).number == 3
    assert _current(restored).body == "Mon-Fri 9-17."
    assert "1" in _current(restored).change_note
    assert list(restored.versions.values_list("number", flat=True)) == [3, 2, 1]
    with pytest.raises(NotFound):
        article_version_restore(article=article, number=9, by=agent)
    with pytest.raises(Conflict):
        article_version_restore(article=restored, number=3, by=agent)
    assert AuditEntry.objects.filter(object_id=str(article.pk)).count() == 3  # created, edited, restored


def test_publish_rules_and_the_published_event(company, agent):
    empty = article_create(company=company, title="Coming soon", body="", by=agent, visibility="public")
    with pytest.raises(ValidationFailed) as error:
        article_publish(article=empty, by=agent)
    assert error.value.field == "body"

    article = article_create(
        company=company, title="Delivery times", body="Bangkok: 1-2 days.", by=agent, visibility="public"
    )
    assert article_public_url(article.pk) is None  # a draft is not public
    live = article_publish(article=article, by=agent)
    assert live.state == ArticleState.PUBLISHED
    assert live.published_at is not None
    assert article_publish(article=live, by=agent).published_at == live.published_at  # idempotent
    events = OutboxEvent.objects.filter(event_type=ArticlePublished.event_type)
    assert events.count() == 1
    assert events.get().payload["article_id"] == article.pk
    assert article_public_url(article.pk) == f"/knowledge/help/siam/articles/{article.pk}/delivery-times/"

    with pytest.raises(ValidationFailed):
        article_update(article=live, by=agent, body="  ")  # a published article keeps a body
    archived = article_archive(article=live, by=agent)
    assert not SearchEntry.objects.filter(kind="knowledge.article", object_id=str(article.pk)).exists()
    with pytest.raises(Conflict):
        article_update(article=archived, by=agent, title="Changed")
    with pytest.raises(Conflict):
        article_archive(article=archived, by=agent)
    draft = article_unpublish(article=archived, by=agent)
    assert draft.state == ArticleState.DRAFT
    with pytest.raises(Conflict):
        article_unpublish(article=draft, by=agent)
    info = article_get(article.pk)
    assert (info.state, info.public_url, info.version_number) == ("draft", None, 1)


def test_translations_share_a_group_once_per_language(company, agent):
    category = category_create(company=company, name="Orders", name_th="คำสั่งซื้อ", by=agent)
    source = article_create(
        company=company, title="Track your order", body="See My orders.", by=agent, category_id=category.pk
    )
    thai = article_translation_create(
        source=source, language="th", by=agent, title="ติดตามคำสั่งซื้อ", body="ดูที่คำสั่งซื้อของฉัน"
    )
    assert (thai.translation_key, thai.category_id, thai.language) == (
        source.translation_key,
        category.pk,
        "th",
    )
    assert thai.slug == "article"  # a Thai title makes no ASCII slug
    with pytest.raises(ValidationFailed) as error:
        article_translation_create(source=source, language="th", by=agent)
    assert error.value.field == "language"
    with pytest.raises(ValidationFailed):
        article_update(article=thai, by=agent, language="en")
    assert article_get(thai.pk).category_name == "คำสั่งซื้อ"
    with pytest.raises(ValidationFailed):
        article_create(company=company, title="x", body="y", by=agent, language="fr")
    with pytest.raises(ValidationFailed):
        article_create(company=company, title="x", body="y", by=agent, slug="Not A Slug")
    second = article_create(company=company, title="Track your order", body="Other.", by=agent)
    assert second.slug == "track-your-order-2"


def test_categories_refuse_duplicates_cycles_and_deleting_what_they_hold(company, other_company, agent):
    parent = category_create(company=company, name="Orders", by=agent)
    child = category_create(company=company, name="Delivery", parent_id=parent.pk, by=agent)
    with pytest.raises(ValidationFailed):
        category_create(company=company, name="orders", by=agent)
    with pytest.raises(ValidationFailed) as error:
        category_update(category=parent, by=agent, parent_id=child.pk)
    assert error.value.field == "parent_id"
    foreign = category_create(company=other_company, name="Foreign", by=agent)
    with pytest.raises(ValidationFailed):
        article_create(company=company, title="x", body="y", by=agent, category_id=foreign.pk)
    article_create(company=company, title="Late parcel", body="Call us.", by=agent, category_id=child.pk)
    with pytest.raises(Conflict):
        category_delete(category=child, by=agent)
    with pytest.raises(Conflict):
        category_delete(category=parent, by=agent)
    renamed = category_update(category=foreign, by=agent, name="Renamed", sequence=3)
    assert (renamed.name, renamed.sequence) == ("Renamed", 3)
    category_delete(category=renamed, by=agent)


def test_one_vote_per_visitor_who_may_change_their_mind(company, agent, publish_articles):
    (article,) = publish_articles([{"title": "Warranty", "body": "One year."}])
    article_vote(article=article, helpful=True, voter_key="visitor-a")
    article_vote(article=article, helpful=True, voter_key="visitor-a")
    article_vote(article=article, helpful=False, voter_key="visitor-b")
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (1, 1)
    article_vote(article=article, helpful=False, voter_key="visitor-a")
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (0, 2)
    assert ArticleVote.objects.count() == 2
    internal = article_create(company=company, title="Agent notes", body="x", by=agent)
    with pytest.raises(NotFound):
        article_vote(article=internal, helpful=True, voter_key="visitor-a")


def test_importing_twice_creates_nothing_twice(company):
    items = [
        {
            "title": "Shipping fees",
            "body": "Free above 1000 THB.",
            "category": "Orders",
            "translation_key": "fees",
        },
        {
            "title": "ค่าจัดส่ง",
            "body": "ฟรีเมื่อซื้อครบ 1000 บาท",
            "language": "th",
            "category": "Orders",
            "translation_key": "fees",
        },
        {"title": "Agent escalation", "body": "Call the manager.", "visibility": "internal"},
    ]
    first = articles_import(company=company, items=items, by=None)
    assert [a.state for a in first] == ["published"] * 3
    assert first[0].translation_key == first[1].translation_key == "fees"
    items[0] = {**items[0], "body": "Free above 1500 THB."}
    again = articles_import(company=company, items=items, by=None)
    assert [a.pk for a in again] == [a.pk for a in first]
    assert article_get(first[0].pk).body == "Free above 1500 THB."
    assert article_get(first[0].pk).version_number == 2
    with pytest.raises(ValidationFailed):
        articles_import(company=company, items=[{"title": "x", "body": "y", "colour": "red"}], by=None)
