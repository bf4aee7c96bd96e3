"""Opportunities: a deal being worked on with a customer, moving through a pipeline's stages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW, CurrencyField

__all__ = ["Opportunity", "OpportunityStatus"]


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Opportunity(CompanyOwned):
    """A possible sale to a customer: what it may bring, how likely, by when, and where it stands."""

    objects: CompanyScopedManager[Opportunity]  # typed view of the inherited managers
    all_companies: models.Manager[Opportunity]

    title = models.CharField(_("title"), max_length=200)
    party = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    pipeline = models.ForeignKey(
        "crm.Pipeline", on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("pipeline")
    )
    stage = models.ForeignKey(
        "crm.Stage", on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("stage")
    )
    position = models.PositiveIntegerField(_("position in the stage"), default=0)
    expected_revenue = models.DecimalField(_("expected revenue"), default=0, **AMOUNT_FIELD_KW)
    currency = CurrencyField()
    probability = models.PositiveSmallIntegerField(_("probability %"), default=0)
    probability_manual = models.BooleanField(
        _("probability set by hand"),
        default=False,
        help_text=_("Otherwise it follows the stage's default."),
    )
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN
    )
    lost_reason = models.ForeignKey(
        "crm.LostReason",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lost reason"),
    )
    lost_note = models.CharField(_("why it was lost"), max_length=300, blank=True)
    lead = models.ForeignKey(
        "crm.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lead")
    )
    notes = models.TextField(_("notes"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__lte=100),
                name="crm_opportunity_probability_range",
                violation_error_message=_("A probability is between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=models.Q(expected_revenue__gte=0),
                name="crm_opportunity_revenue_not_negative",
                violation_error_message=_("The expected revenue cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["company", "stage", "status", "position"], name="crm_opp_stage_status"),
            models.Index(fields=["company", "party"], name="crm_opp_party"),
            models.Index(fields=["company", "status", "closed_at"], name="crm_opp_status_closed"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("crm:opportunity-detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.title
