from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned

__all__ = ["Activity", "ActivityKind", "ActivityState"]


class ActivityKind(models.TextChoices):
    """What kind of thing is to be done."""

    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    TODO = "todo", _("To-do")


class ActivityState(models.TextChoices):
    """Where an activity stands, computed from its due date and whether it is done."""

    PLANNED = "planned", _("Planned")
    TODAY = "today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")


class Activity(CompanyOwned):
    """A call, meeting, email or to-do planned on a record for one user, due on a date, then done."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    target = GenericForeignKey("content_type", "object_id")
    # The record's name when the activity was planned, so lists need not load every record.
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.TODO)
    summary = models.CharField(_("summary"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    due_date = models.DateField(_("due date"))
    due_time = models.TimeField(_("due time"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # users are deactivated, never deleted
        related_name="+",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["due_date", "due_time", "id"]
        indexes = [
            models.Index(fields=["assigned_to", "done_at", "due_date"], name="activity_assignee_due_idx"),
            models.Index(fields=["content_type", "object_id"], name="activity_target_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ActivityKind.values),
                name="activity_kind_known",
                violation_error_message=_("Unknown activity kind."),
            ),
            models.CheckConstraint(
                condition=~models.Q(summary=""),
                name="activity_summary_required",
                violation_error_message=_("An activity needs a summary."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def state_on(self, today: dt.date) -> ActivityState:
        """Done, overdue (due before ``today``), due today, or planned for later."""
        if self.done_at is not None:
            return ActivityState.DONE
        if self.due_date < today:
            return ActivityState.OVERDUE
        if self.due_date == today:
            return ActivityState.TODAY
        return ActivityState.PLANNED

    @property
    def state(self) -> ActivityState:
        return self.state_on(timezone.localdate())
