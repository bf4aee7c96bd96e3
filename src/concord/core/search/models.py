"""The search index: one row per searchable record of any module, in any script."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned

__all__ = ["CODE_SEPARATOR", "SearchEntry"]

# Codes are stored one per line, so "starts with" can be checked per code (codes may contain spaces).
CODE_SEPARATOR = "\n"


class SearchEntry(CompanyOwned):
    """A record as the global search box sees it: its name, codes and text, and where it lives."""

    kind = models.CharField(_("kind"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    codes = models.TextField(_("codes"), blank=True, help_text=_("One code per line."))
    text = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)
    # title, codes, subtitle and text joined by spaces: what the trigram index covers (PostgreSQL).
    document = models.TextField(_("document"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                name="search_entry_unique_kind_object",
                violation_error_message=_("This record is already in the search index."),
            ),
        ]
        indexes = [models.Index(fields=["company", "kind"], name="search_entry_company_kind")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"

    def code_list(self) -> list[str]:
        return [code for code in self.codes.split(CODE_SEPARATOR) if code]
