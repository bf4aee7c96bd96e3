"""Leads: people or organisations that showed interest, before they are qualified into an opportunity."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["Lead", "LeadSource", "LeadStatus"]


class LeadSource(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    EMAIL = "email", _("Email")
    MANUAL = "manual", _("Entered by hand")
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")


class Lead(CompanyOwned):
    """Someone who may buy: a contact not yet checked, qualified into a customer and an opportunity."""

    objects: CompanyScopedManager[Lead]  # typed view of the inherited managers
    all_companies: models.Manager[Lead]

    title = models.CharField(_("title"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    organization_name = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=LeadSource.choices, default=LeadSource.MANUAL
    )
    campaign = models.ForeignKey(
        "crm.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("campaign"),
    )
    lead_form = models.ForeignKey(
        "crm.LeadForm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("web form"),
    )
    status = models.CharField(_("status"), max_length=14, choices=LeadStatus.choices, default=LeadStatus.NEW)
    notes = models.TextField(_("notes"), blank=True)
    disqualify_reason = models.CharField(_("disqualified because"), max_length=300, blank=True)
    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opportunity"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    qualified_at = models.DateTimeField(_("qualified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["company", "status", "created_at"], name="crm_lead_status_created"),
            models.Index(fields=["company", "email"], name="crm_lead_email"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("crm:lead-detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.title
