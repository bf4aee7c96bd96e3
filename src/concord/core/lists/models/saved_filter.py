from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["SavedFilter"]

NAME_MAX_LENGTH = 100
QUERY_STRING_MAX_LENGTH = 2000


class SavedFilter(models.Model):
    """A user's named set of filters and sort order for one list screen, to apply again in one click."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_filters",
        verbose_name=_("user"),
    )
    list_key = models.CharField(_("list"), max_length=100, help_text=_("The list screen, e.g. parties.party"))
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    query_string = models.CharField(_("filters"), max_length=QUERY_STRING_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["list_key", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_key", "name"],
                name="lists_savedfilter_unique_name",
                violation_error_message=_("You already have a saved filter with this name on this list."),
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="lists_savedfilter_name_not_blank",
                violation_error_message=_("A saved filter needs a name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
