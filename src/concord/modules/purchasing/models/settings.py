"""A company's purchasing settings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW

__all__ = ["PurchasingSettings"]


class PurchasingSettings(CompanyOwned):
    """How a company buys: above which order total a manager must approve."""

    objects: CompanyScopedManager[PurchasingSettings]  # typed view of the inherited managers
    all_companies: models.Manager[PurchasingSettings]

    approval_amount = models.DecimalField(
        _("approval amount"),
        null=True,
        blank=True,
        help_text=_("Orders whose untaxed total (company currency) is above it need approval; empty: none."),
        **AMOUNT_FIELD_KW,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("purchasing settings")
        verbose_name_plural = _("purchasing settings")
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                name="purchasing_settings_one_per_company",
                violation_error_message=_("A company has one set of purchasing settings."),
            ),
            models.CheckConstraint(
                condition=models.Q(approval_amount__isnull=True) | models.Q(approval_amount__gte=0),
                name="purchasing_settings_approval_not_negative",
                violation_error_message=_("The approval amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Purchasing settings of %(company)s") % {"company": self.company_id})
