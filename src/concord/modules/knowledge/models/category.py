"""Article categories: the sections of the knowledge base and of the public help centre."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["ArticleCategory"]


class ArticleCategory(CompanyOwned):
    """A section of a company's knowledge base ("Orders and delivery"), named in English, Thai and Khmer."""

    objects: CompanyScopedManager[ArticleCategory]  # typed view of the inherited managers
    all_companies: models.Manager[ArticleCategory]

    name = models.CharField(_("name"), max_length=120)
    name_th = models.CharField(_("name in Thai"), max_length=120, blank=True)
    name_km = models.CharField(_("name in Khmer"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    sequence = models.PositiveIntegerField(_("sequence"), default=10)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["sequence", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="knowledge_category_name_unique",
                violation_error_message=_("A category with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        """The category's name in ``language`` ("en", "th", "km"), else its English name."""
        translated = {"th": self.name_th, "km": self.name_km}.get((language or "")[:2], "")
        return translated or self.name
