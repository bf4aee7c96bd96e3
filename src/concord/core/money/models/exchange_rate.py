from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned
from concord.core.money.fields import RATE_FIELD_KW, CurrencyField

__all__ = ["ExchangeRate", "RateSource"]


class RateSource(models.TextChoices):
    """Where an exchange rate came from."""

    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")


class ExchangeRate(CompanyOwned):
    """A company's rate for one foreign currency on one day, in company-currency units per foreign unit.

    Direction: ``rate`` is how many units of the *company's* currency one unit of ``currency`` buys.
    For a Thai company (THB) a USD rate of 36.5 means 1 USD = 36.5 THB; its KHR rate 0.0089 means
    1 KHR = 0.0089 THB. Converting foreign -> company multiplies by the rate, company -> foreign divides.
    A rate applies from ``rate_date`` until the next recorded date (see ``queries.exchange_rate_on``).
    """

    currency = CurrencyField(help_text=_("The foreign currency, e.g. USD"))
    rate_date = models.DateField(_("date"))
    rate = models.DecimalField(
        _("rate"),
        help_text=_("Units of the company currency for 1 unit of the foreign currency"),
        **RATE_FIELD_KW,
    )
    source = models.CharField(
        _("source"), max_length=10, choices=RateSource.choices, default=RateSource.MANUAL
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-rate_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "currency", "rate_date"],
                name="exchangerate_one_per_day",
                violation_error_message=_("This currency already has a rate on this date."),
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gt=0),
                name="exchangerate_rate_positive",
                violation_error_message=_("An exchange rate must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="exchangerate_currency_iso4217",
                violation_error_message=_("Currency must be a three-letter ISO 4217 code."),
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} ({self.rate_date})"
