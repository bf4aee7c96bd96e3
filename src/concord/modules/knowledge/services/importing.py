"""Quick creation of published articles from plain data: for the demo company and for tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.modules.knowledge.models import Article, ArticleCategory, ArticleState
from concord.modules.knowledge.services.articles import article_create, article_publish, article_update
from concord.modules.knowledge.services.categories import category_create

__all__ = ["ArticleImportItem", "articles_import"]


@dataclass(frozen=True)
class ArticleImportItem:
    """One article to import. ``translation_key`` joins the same article in several languages."""

    title: str
    body: str
    language: str = "en"
    category: str = ""  # a category name; created when missing
    visibility: str = "public"
    translation_key: str = ""
    publish: bool = True


_ITEM_FIELDS = {field.name for field in fields(ArticleImportItem)}


def _item(raw: ArticleImportItem | Mapping[str, Any], position: int) -> ArticleImportItem:
    if isinstance(raw, ArticleImportItem):
        return raw
    unknown = set(raw) - _ITEM_FIELDS
    if unknown:
        raise ValidationFailed(
            _("Item %(n)d: unknown fields %(names)s.") % {"n": position, "names": ", ".join(sorted(unknown))},
            field=f"items.{position}",
        )
    return ArticleImportItem(**raw)


def _existing(company: Company, item: ArticleImportItem) -> Article | None:
    rows = Article.all_companies.filter(company_id=company.pk, language=item.language)
    if item.translation_key:
        return rows.filter(translation_key=item.translation_key).first()
    return rows.filter(slug=slugify(item.title) or "article").first()


def articles_import(
    *, company: Company, items: Iterable[ArticleImportItem | Mapping[str, Any]], by: Any
) -> list[Article]:
    """Create (or bring up to date) and publish articles in one transaction; running it twice creates nothing twice.

    An article is found again by its translation key and language (else by its title's slug), so the
    demo data can be loaded again safely.
    """
    parsed = [_item(raw, position) for position, raw in enumerate(items)]
    done: list[Article] = []
    categories: dict[str, int] = {}
    with transaction.atomic():
        for item in parsed:
            category_id = None
            name = item.category.strip()
            if name:
                if name.casefold() not in categories:
                    found = ArticleCategory.all_companies.filter(
                        company_id=company.pk, name__iexact=name
                    ).first()
                    if found is None:
                        found = category_create(company=company, name=name, by=by)
                    categories[name.casefold()] = found.pk
                category_id = categories[name.casefold()]
            article = _existing(company, item)
            if article is None:
                article = article_create(
                    company=company,
                    title=item.title,
                    body=item.body,
                    by=by,
                    language=item.language,
                    visibility=item.visibility,
                    category_id=category_id,
                    translation_key=item.translation_key or None,
                )
            else:
                if article.state == ArticleState.ARCHIVED:
                    done.append(article)
                    continue
                article = article_update(
                    article=article,
                    by=by,
                    title=item.title,
                    body=item.body,
                    visibility=item.visibility,
                    category_id=category_id,
                    change_note=_("Imported"),
                )
            if item.publish:
                article = article_publish(article=article, by=by)
            done.append(article)
    return done
