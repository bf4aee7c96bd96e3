"""Payments received and made, and the withholding tax certificates they give rise to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW, RATE_FIELD_KW, CurrencyField

__all__ = ["Payment", "PaymentDirection", "PaymentState", "WithholdingCertificate"]


class PaymentDirection(models.TextChoices):
    INBOUND = "inbound", _("Received")
    OUTBOUND = "outbound", _("Paid out")


class PaymentState(models.TextChoices):
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class Payment(CompanyOwned):
    """Money received from or paid to a partner through a bank or cash journal."""

    objects: CompanyScopedManager[Payment]  # typed view of the inherited managers
    all_companies: models.Manager[Payment]

    direction = models.CharField(_("direction"), max_length=8, choices=PaymentDirection.choices)
    partner = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    journal = models.ForeignKey("accounting.Journal", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=40)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_KW)
    currency = CurrencyField()
    rate = models.DecimalField(_("exchange rate"), default=1, **RATE_FIELD_KW)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=PaymentState.choices, default=PaymentState.POSTED
    )
    wht_tax = models.ForeignKey(
        "accounting.Tax",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withholding tax"),
    )
    wht_base = models.DecimalField(_("withholding base"), default=0, **AMOUNT_FIELD_KW)
    wht_amount = models.DecimalField(_("withheld"), default=0, **AMOUNT_FIELD_KW)
    entry = models.OneToOneField("accounting.JournalEntry", on_delete=models.PROTECT, related_name="payment")
    cancel_entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_key = models.CharField(_("source key"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["company", "source_key"],
                condition=~models.Q(source_key=""),
                name="payment_source_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class WithholdingCertificate(CompanyOwned):
    """A withholding tax certificate (Thai 50 Tawi): the tax withheld from a payment, for the payee."""

    objects: CompanyScopedManager[WithholdingCertificate]  # typed view of the inherited managers
    all_companies: models.Manager[WithholdingCertificate]

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="wht_certificate")
    number = models.CharField(_("number"), max_length=40)
    date = models.DateField(_("date"))
    payer = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the company itself withheld."),
    )
    payee = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    income_type = models.CharField(_("income type"), max_length=20)
    rate = models.DecimalField(_("rate"), max_digits=7, decimal_places=4)
    base = models.DecimalField(_("amount paid"), **AMOUNT_FIELD_KW)
    amount = models.DecimalField(_("tax withheld"), **AMOUNT_FIELD_KW)
    currency = CurrencyField()
    form = models.CharField(
        _("return form"), max_length=10, help_text=_("PND3 (individuals) or PND53 (companies).")
    )

    class Meta:
        verbose_name = _("withholding tax certificate")
        verbose_name_plural = _("withholding tax certificates")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.number
