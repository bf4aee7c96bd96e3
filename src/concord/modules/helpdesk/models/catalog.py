"""What agents classify and answer with: ticket categories, tags and canned replies."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["CannedReply", "Tag", "TicketCategory"]


class TicketCategory(CompanyOwned):
    """What a ticket is about (billing, delivery, a broken laptop), optionally routed to a team."""

    objects: CompanyScopedManager[TicketCategory]
    all_companies: models.Manager[TicketCategory]

    name = models.CharField(_("name"), max_length=120)
    team = models.ForeignKey(
        "helpdesk.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )

    class Meta:
        verbose_name = _("ticket category")
        verbose_name_plural = _("ticket categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="helpdesk_category_unique",
                violation_error_message=_("A category with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(CompanyOwned):
    """A free label on tickets ("vip", "refund") to filter the inbox by."""

    objects: CompanyScopedManager[Tag]
    all_companies: models.Manager[Tag]

    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("ticket tag")
        verbose_name_plural = _("ticket tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="helpdesk_tag_unique",
                violation_error_message=_("This tag already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CannedReply(CompanyOwned):
    """A prepared answer an agent inserts, with placeholders such as {{ customer_name }}."""

    objects: CompanyScopedManager[CannedReply]
    all_companies: models.Manager[CannedReply]

    team = models.ForeignKey(
        "helpdesk.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("team"),
        help_text=_("Empty: every team of the company."),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title
