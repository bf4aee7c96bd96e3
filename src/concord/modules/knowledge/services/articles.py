"""Articles: writing (every change of text is a new version), restoring, translating and publishing.

States: draft -> published (``article_publish``) -> draft (``article_unpublish``); draft or published ->
archived (``article_archive``), and back to draft by ``article_unpublish``. An archived article cannot
be edited. Publishing needs a title and a body. Each publication publishes ``ArticlePublished``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.core.outbox.facade import publish
from concord.modules.knowledge.events import ArticlePublished
from concord.modules.knowledge.indexing import article_index
from concord.modules.knowledge.models import Article, ArticleState, ArticleVersion
from concord.modules.knowledge.services._support import actor, actor_id, clean_language, clean_visibility
from concord.modules.knowledge.services.categories import category_of

__all__ = [
    "UNSET",
    "article_archive",
    "article_create",
    "article_publish",
    "article_translation_create",
    "article_unpublish",
    "article_update",
    "article_version_restore",
]

_TITLE_MAX = Article._meta.get_field("title").max_length or 200
_SLUG_MAX = Article._meta.get_field("slug").max_length or 120
_NOTE_MAX = ArticleVersion._meta.get_field("change_note").max_length or 300
_BODY_MAX = 200_000


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # "leave as it is" for arguments where None means something (no category)


def _clean_title(title: str | None) -> str:
    value = " ".join((title or "").split())
    if not value:
        raise ValidationFailed(_("An article needs a title."), field="title")
    if len(value) > _TITLE_MAX:
        raise ValidationFailed(
            _("A title can be at most %(max)d characters.") % {"max": _TITLE_MAX}, field="title"
        )
    return value


def _clean_body(body: str | None) -> str:
    value = (body or "").replace("\r\n", "\n").strip()
    if len(value) > _BODY_MAX:
        raise ValidationFailed(
            _("A body can be at most %(max)d characters.") % {"max": _BODY_MAX}, field="body"
        )
    return value


def _clean_note(note: str | None) -> str:
    return " ".join((note or "").split())[:_NOTE_MAX]


def _unique_slug(
    company_id: int, language: str, wanted: str, title: str, article_id: int | None, *, strict: bool
) -> str:
    """``wanted`` (checked when ``strict``: a typed slug), else one made from the title, made unique."""
    if strict and slugify(wanted) != wanted:
        raise ValidationFailed(_("A slug is made of lower-case letters, digits and hyphens."), field="slug")
    base = slugify(wanted or title)[: _SLUG_MAX - 8].strip("-") or "article"
    others = Article.all_companies.filter(company_id=company_id, language=language, slug__startswith=base)
    if article_id is not None:
        others = others.exclude(pk=article_id)
    taken = set(others.values_list("slug", flat=True))
    if strict and base in taken:
        raise ValidationFailed(_("Another article in this language has this slug."), field="slug")
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _check_translation_free(company_id: int, key: str, language: str, article_id: int | None) -> None:
    clash = Article.all_companies.filter(company_id=company_id, translation_key=key, language=language)
    if article_id is not None:
        clash = clash.exclude(pk=article_id)
    if clash.exists():
        raise ValidationFailed(_("This article already has a version in that language."), field="language")


def _add_version(article: Article, *, title: str, body: str, note: str, by: Any) -> ArticleVersion:
    last = ArticleVersion.all_companies.filter(article_id=article.pk).aggregate(last=Max("number"))["last"]
    return ArticleVersion.objects.create(
        company_id=article.company_id,
        article=article,
        number=(last or 0) + 1,
        title=title,
        body=body,
        change_note=note,
        author=actor(by),
    )


def _locked(article: Article) -> Article:
    return (
        Article.all_companies.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=article.pk)
    )


def article_create(
    *,
    company: Company,
    title: str,
    body: str,
    by: Any,
    language: str = "en",
    visibility: str = "internal",
    category_id: int | None = None,
    slug: str = "",
    change_note: str = "",
    translation_key: str | None = None,
) -> Article:
    """Write a new draft article (version 1). ``translation_key`` joins it to the same article in other languages."""
    title = _clean_title(title)
    body = _clean_body(body)
    language = clean_language(language)
    visibility = clean_visibility(visibility)
    category = category_of(company, category_id)
    key = (translation_key or "").strip()[:64]
    if key:
        _check_translation_free(company.pk, key, language, None)
    with transaction.atomic():
        article = Article(
            company=company,
            category=category,
            title=title,
            slug=_unique_slug(company.pk, language, slug.strip(), title, None, strict=bool(slug.strip())),
            language=language,
            visibility=visibility,
            created_by=actor(by),
        )
        if key:
            article.translation_key = key
        article.save()
        version = _add_version(article, title=title, body=body, note=_clean_note(change_note), by=by)
        article.current_version = version
        article.save(update_fields=["current_version", "updated_at"])
        audit_record(actor=by, action=AuditAction.CREATE, obj=article)
        article_index(article)
    return article


def _apply_settings(
    locked: Article, *, language: str | None, visibility: str | None, category_id: Any
) -> dict[str, list[Any]]:
    """Set the language, visibility and category given on ``locked``; the changes made."""
    diff: dict[str, list[Any]] = {}
    if language is not None:
        new_language = clean_language(language)
        if new_language != locked.language:
            _check_translation_free(locked.company_id, locked.translation_key, new_language, locked.pk)
            diff["language"] = [locked.language, new_language]
            locked.language = new_language
    if visibility is not None:
        new_visibility = clean_visibility(visibility)
        if new_visibility != locked.visibility:
            diff["visibility"] = [locked.visibility, new_visibility]
            locked.visibility = new_visibility
    if category_id is not UNSET:
        category = category_of(locked.company_id, category_id)
        new_category_id = category.pk if category is not None else None
        if new_category_id != locked.category_id:
            diff["category"] = [locked.category_id, new_category_id]
            locked.category = category
    return diff


def article_update(
    *,
    article: Article,
    by: Any,
    title: str | None = None,
    body: str | None = None,
    change_note: str = "",
    category_id: Any = UNSET,
    language: str | None = None,
    visibility: str | None = None,
    slug: str | None = None,
) -> Article:
    """Change the fields given; a new title or body is saved as a new version (the old ones stay)."""
    with transaction.atomic():
        locked = _locked(article)
        if locked.state == ArticleState.ARCHIVED:
            raise Conflict(_("An archived article cannot be edited: bring it back to draft first."))
        current = locked.current_version
        old_title = current.title if current is not None else locked.title
        old_body = current.body if current is not None else ""
        new_title = _clean_title(title) if title is not None else old_title
        new_body = _clean_body(body) if body is not None else old_body
        if locked.state == ArticleState.PUBLISHED and not new_body:
            raise ValidationFailed(_("A published article needs a body."), field="body")
        diff = _apply_settings(locked, language=language, visibility=visibility, category_id=category_id)
        wanted_slug = (slug or "").strip()
        if wanted_slug or "language" in diff:
            new_slug = _unique_slug(
                locked.company_id,
                locked.language,
                wanted_slug or locked.slug,
                new_title,
                locked.pk,
                strict=bool(wanted_slug),
            )
            if new_slug != locked.slug:
                diff["slug"] = [locked.slug, new_slug]
                locked.slug = new_slug
        if new_title != old_title or new_body != old_body:
            version = _add_version(
                locked, title=new_title, body=new_body, note=_clean_note(change_note), by=by
            )
            diff["version"] = [current.number if current is not None else None, version.number]
            if new_title != locked.title:
                diff["title"] = [locked.title, new_title]
            locked.current_version = version
            locked.title = new_title
        if diff:
            locked.save()
            audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=diff)
            article_index(locked)
    return locked


def article_version_restore(*, article: Article, number: int, by: Any) -> Article:
    """Make an old version's text current again, as a new version ("Restored version 2")."""
    old = ArticleVersion.all_companies.filter(article_id=article.pk, number=number).first()
    if old is None:
        raise NotFound(_("This article has no version %(number)s.") % {"number": number}, field="number")
    if article.current_version_id == old.pk:
        raise Conflict(_("This version is already the current one."))
    return article_update(
        article=article,
        by=by,
        title=old.title,
        body=old.body,
        change_note=_("Restored version %(number)d") % {"number": old.number},
    )


def _set_state(locked: Article, state: str, by: Any, **extra: Any) -> None:
    diff = {"state": [locked.state, state]}
    locked.state = state
    for name, value in extra.items():
        setattr(locked, name, value)
    locked.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=diff)
    article_index(locked)


def article_publish(*, article: Article, by: Any) -> Article:
    """Put a draft (or archived) article live; publishing a published article changes nothing."""
    with transaction.atomic():
        locked = _locked(article)
        if locked.state == ArticleState.PUBLISHED:
            return locked
        version = locked.current_version
        if version is None or not version.body.strip():
            raise ValidationFailed(_("Write the article's body before publishing it."), field="body")
        _set_state(locked, ArticleState.PUBLISHED, by, published_at=timezone.now())
        publish(
            ArticlePublished(
                article_id=locked.pk,
                company_id=locked.company_id,
                title=locked.title,
                language=locked.language,
                visibility=locked.visibility,
                translation_key=locked.translation_key,
                version_number=version.number,
            ),
            company_id=locked.company_id,
            actor_id=actor_id(by),
            aggregate=("knowledge.article", locked.pk),
        )
    return locked


def article_unpublish(*, article: Article, by: Any) -> Article:
    """Take a published (or archived) article back to draft: the help centre and searches drop it."""
    with transaction.atomic():
        locked = _locked(article)
        if locked.state == ArticleState.DRAFT:
            raise Conflict(_("This article is already a draft."))
        _set_state(locked, ArticleState.DRAFT, by)
    return locked


def article_archive(*, article: Article, by: Any) -> Article:
    """Retire an article: out of the help centre, the searches and the editor."""
    with transaction.atomic():
        locked = _locked(article)
        if locked.state == ArticleState.ARCHIVED:
            raise Conflict(_("This article is already archived."))
        _set_state(locked, ArticleState.ARCHIVED, by)
    return locked


def article_translation_create(
    *, source: Article, language: str, by: Any, title: str = "", body: str = "", change_note: str = ""
) -> Article:
    """Start ``source`` in another language: a draft in the same translation group, category and visibility.

    Without a title or body it starts from the source's text, to be translated in the editor.
    """
    language = clean_language(language)
    _check_translation_free(source.company_id, source.translation_key, language, None)
    version = source.current_version
    return article_create(
        company=source.company,
        title=title or source.title,
        body=body or (version.body if version is not None else ""),
        by=by,
        language=language,
        visibility=source.visibility,
        category_id=source.category_id,
        change_note=change_note or _("Translated from %(language)s") % {"language": source.language},
        translation_key=source.translation_key,
    )
