"""Articles, their versions and the visitors' "was this helpful" votes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = [
    "LANGUAGE_CODES",
    "Article",
    "ArticleLanguage",
    "ArticleState",
    "ArticleVersion",
    "ArticleVisibility",
    "ArticleVote",
]


class ArticleLanguage(models.TextChoices):
    """The languages an article is written in."""

    EN = "en", _("English")
    TH = "th", _("Thai")
    KM = "km", _("Khmer")


LANGUAGE_CODES = tuple(ArticleLanguage.values)


class ArticleVisibility(models.TextChoices):
    """Who may read a published article."""

    INTERNAL = "internal", _("Internal (agents only)")
    PUBLIC = "public", _("Public (help centre)")


class ArticleState(models.TextChoices):
    """Where an article is in its life."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


def _new_translation_key() -> str:
    return uuid.uuid4().hex


class Article(CompanyOwned):
    """A help article in one language; its translations share a ``translation_key``, its text lives in versions."""

    objects: CompanyScopedManager[Article]  # typed view of the inherited managers
    all_companies: models.Manager[Article]

    category = models.ForeignKey(
        "knowledge.ArticleCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("The current version's title."))
    slug = models.SlugField(_("slug"), max_length=120)
    language = models.CharField(
        _("language"), max_length=2, choices=ArticleLanguage.choices, default=ArticleLanguage.EN
    )
    translation_key = models.CharField(
        _("translation group"),
        max_length=64,
        default=_new_translation_key,
        help_text=_("The same article in other languages shares this key."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=ArticleVisibility.choices, default=ArticleVisibility.INTERNAL
    )
    state = models.CharField(
        _("status"), max_length=10, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    current_version = models.ForeignKey(
        "knowledge.ArticleVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0)
    not_helpful_count = models.PositiveIntegerField(_("not helpful votes"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "translation_key", "language"],
                name="knowledge_article_one_per_language",
                violation_error_message=_("This article already has a version in that language."),
            ),
            models.UniqueConstraint(
                fields=["company", "language", "slug"],
                name="knowledge_article_slug_unique",
                violation_error_message=_("Another article in this language has this slug."),
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=LANGUAGE_CODES),
                name="knowledge_article_language_known",
                violation_error_message=_("Unknown language."),
            ),
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="knowledge_article_published_has_date",
                violation_error_message=_("A published article has a publication date."),
            ),
        ]
        indexes = [models.Index(fields=["company", "state", "visibility"], name="knowledge_article_live")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Whether anybody may read it in the help centre (published and public)."""
        return self.state == ArticleState.PUBLISHED and self.visibility == ArticleVisibility.PUBLIC

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("knowledge:article-detail", args=[self.pk])


class ArticleVersion(CompanyOwned):
    """One saved text of an article (title and body); every edit adds one, none is ever changed."""

    objects: CompanyScopedManager[ArticleVersion]  # typed view of the inherited managers
    all_companies: models.Manager[ArticleVersion]

    article = models.ForeignKey(
        "knowledge.Article", on_delete=models.CASCADE, related_name="versions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("body"), help_text=_("Paragraphs separated by a blank line; simple formatting.")
    )
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"],
                name="knowledge_version_number_unique",
                violation_error_message=_("This version number already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class ArticleVote(CompanyOwned):
    """A help-centre visitor's answer to "Was this helpful?", one per visitor and article."""

    objects: CompanyScopedManager[ArticleVote]  # typed view of the inherited managers
    all_companies: models.Manager[ArticleVote]

    article = models.ForeignKey(
        "knowledge.Article", on_delete=models.CASCADE, related_name="votes", verbose_name=_("article")
    )
    helpful = models.BooleanField(_("helpful"))
    voter_key = models.CharField(
        _("voter"), max_length=64, help_text=_("A hash of the visitor's session, never the session itself.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "voter_key"],
                name="knowledge_vote_one_per_voter",
                violation_error_message=_("This visitor has already voted on this article."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"
