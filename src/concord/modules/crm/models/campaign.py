"""Marketing campaigns leads come from, and the public web forms that capture them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["Campaign", "CampaignChannel", "LeadForm", "new_form_token"]


class CampaignChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEB = "web", _("Website")
    SOCIAL = "social", _("Social media")
    ADS = "ads", _("Online ads")
    EVENT = "event", _("Event or fair")
    REFERRAL = "referral", _("Referral")
    OTHER = "other", _("Other")


class Campaign(CompanyOwned):
    """A marketing campaign (a fair, a mailing, an ad run) that leads are attributed to."""

    objects: CompanyScopedManager[Campaign]  # typed view of the inherited managers
    all_companies: models.Manager[Campaign]

    name = models.CharField(_("name"), max_length=150)
    channel = models.CharField(
        _("channel"), max_length=12, choices=CampaignChannel.choices, default=CampaignChannel.OTHER
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="crm_campaign_name_unique",
                violation_error_message=_("Another campaign of this company has this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="crm_campaign_dates_ordered",
                violation_error_message=_("A campaign ends on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


def new_form_token() -> str:
    """An unguessable token for a public form's address."""
    return secrets.token_urlsafe(24)


class LeadForm(CompanyOwned):
    """A public web form (its address holds a random token) that visitors fill in to become leads."""

    objects: CompanyScopedManager[LeadForm]  # typed view of the inherited managers
    all_companies: models.Manager[LeadForm]

    name = models.CharField(_("name"), max_length=150)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_form_token)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assign leads to"),
    )
    thank_you_message = models.CharField(_("thank-you message"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lead form")
        verbose_name_plural = _("lead forms")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
