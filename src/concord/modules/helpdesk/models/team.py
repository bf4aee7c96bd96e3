"""Helpdesk teams with their business calendar and holidays, and the SLA policy of each priority."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["Escalation", "Priority", "SlaPolicy", "Team", "TeamHoliday", "TeamKind", "default_working_hours"]


class TeamKind(models.TextChoices):
    SUPPORT = "support", _("Customer support")
    IT = "it", _("Internal IT")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Escalation(models.TextChoices):
    NOTIFY = "notify", _("Notify the team manager")
    REASSIGN = "reassign", _("Reassign to the team manager")


def default_working_hours() -> list[list[list[str]]]:
    """Monday to Friday 09:00-18:00; Saturday and Sunday closed (index 0 is Monday)."""
    return [[["09:00", "18:00"]] for _day in range(5)] + [[], []]


def new_form_token() -> str:
    return secrets.token_urlsafe(18)


class Team(CompanyOwned):
    """A group of agents who answer tickets (customer support, internal IT), with its working hours."""

    objects: CompanyScopedManager[Team]
    all_companies: models.Manager[Team]

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=TeamKind.choices, default=TeamKind.SUPPORT)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="helpdesk_teams", verbose_name=_("members")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("manager"),
    )
    email_address = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_("Mail sent to this address becomes a ticket of this team."),
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Bangkok")
    working_hours = models.JSONField(
        _("working hours"),
        default=default_working_hours,
        help_text=_(
            'Per weekday (Monday first), a list of ["HH:MM", "HH:MM"] intervals; an end before its start runs overnight.'
        ),
    )
    form_token = models.CharField(_("web form key"), max_length=40, default=new_form_token, unique=True)
    form_enabled = models.BooleanField(_("web form enabled"), default=True)
    auto_reply = models.BooleanField(_("send an auto-reply to new email tickets"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("helpdesk team")
        verbose_name_plural = _("helpdesk teams")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="helpdesk_team_name_unique",
                violation_error_message=_("A team with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["email_address"],
                condition=~models.Q(email_address=""),
                name="helpdesk_team_email_unique",
                violation_error_message=_("Another team already receives this address."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamHoliday(CompanyOwned):
    """A day the team does not work: SLA clocks in business time stand still on it."""

    objects: CompanyScopedManager[TeamHoliday]
    all_companies: models.Manager[TeamHoliday]

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "date"],
                name="helpdesk_holiday_unique",
                violation_error_message=_("This day is already a holiday of the team."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


class SlaPolicy(CompanyOwned):
    """A team's service-level targets for one priority: first response and resolution, in minutes."""

    objects: CompanyScopedManager[SlaPolicy]
    all_companies: models.Manager[SlaPolicy]

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="sla_policies")
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (minutes)"))
    business_hours = models.BooleanField(
        _("in business hours"), default=True, help_text=_("Count only the team's working hours.")
    )
    warn_before_minutes = models.PositiveIntegerField(_("warn before a breach (minutes)"), default=30)
    escalation = models.CharField(
        _("on breach"), max_length=10, choices=Escalation.choices, default=Escalation.NOTIFY
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["team", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "priority"],
                name="helpdesk_sla_unique",
                violation_error_message=_("The team already has a policy for this priority."),
            ),
            models.CheckConstraint(
                condition=models.Q(first_response_minutes__gt=0) & models.Q(resolution_minutes__gt=0),
                name="helpdesk_sla_positive",
                violation_error_message=_("SLA targets must be at least one minute."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_priority_display()}"
