"""Journal entries, their lines and the reconciliations that match receivable and payable lines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW, CurrencyField

__all__ = ["EntryState", "JournalEntry", "JournalLine", "Reconciliation"]


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class JournalEntry(CompanyOwned):
    """A journal entry: one balanced financial event. Posted entries never change; a reversal corrects them."""

    objects: CompanyScopedManager[JournalEntry]  # typed view of the inherited managers
    all_companies: models.Manager[JournalEntry]

    journal = models.ForeignKey("accounting.Journal", on_delete=models.PROTECT, related_name="entries")
    number = models.CharField(_("number"), max_length=40, blank=True, default="")
    date = models.DateField(_("date"))
    ref = models.CharField(_("reference"), max_length=100, blank=True)
    narration = models.TextField(_("narration"), blank=True)
    state = models.CharField(_("state"), max_length=8, choices=EntryState.choices, default=EntryState.DRAFT)
    currency = CurrencyField()
    origin = models.CharField(
        _("origin"), max_length=60, blank=True, help_text=_("The document that made it, e.g. invoice:12.")
    )
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reversal of"),
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "journal", "number"],
                condition=~models.Q(number=""),
                name="entry_number_unique",
                violation_error_message=_("Another entry of the journal has this number."),
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | ~models.Q(number=""),
                name="entry_posted_has_number",
            ),
        ]
        indexes = [models.Index(fields=["company", "date"], name="entry_company_date")]

    def __str__(self) -> str:
        return self.number or str(_("Draft entry %(id)s") % {"id": self.pk})

    @property
    def is_posted(self) -> bool:
        return self.state == EntryState.POSTED


class JournalLine(CompanyOwned):
    """One debit or credit of an entry on one account; amounts in company currency and document currency."""

    objects: CompanyScopedManager[JournalLine]  # typed view of the inherited managers
    all_companies: models.Manager[JournalLine]

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    journal = models.ForeignKey("accounting.Journal", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, related_name="lines")
    partner = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    debit = models.DecimalField(_("debit"), default=0, **AMOUNT_FIELD_KW)
    credit = models.DecimalField(_("credit"), default=0, **AMOUNT_FIELD_KW)
    amount_currency = models.DecimalField(_("amount in currency"), default=0, **AMOUNT_FIELD_KW)
    currency = CurrencyField()
    posted = models.BooleanField(_("posted"), default=False)
    tax = models.ForeignKey(
        "accounting.Tax", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tax_base = models.DecimalField(_("tax base"), default=0, **AMOUNT_FIELD_KW)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # What is left to match on a receivable/payable line; the only columns that change once posted.
    amount_residual = models.DecimalField(_("residual"), default=0, **AMOUNT_FIELD_KW)
    amount_residual_currency = models.DecimalField(_("residual in currency"), default=0, **AMOUNT_FIELD_KW)
    reconciled = models.BooleanField(_("reconciled"), default=False)

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["entry", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debit__gte=0, credit__gte=0), name="line_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(debit=0) | models.Q(credit=0), name="line_debit_or_credit"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "account", "date"], name="line_account_date"),
            models.Index(fields=["company", "partner", "account"], name="line_partner_account"),
            models.Index(fields=["company", "reconciled", "account"], name="line_open_items"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.debit}/{self.credit}"

    @property
    def balance(self) -> object:
        return self.debit - self.credit


class Reconciliation(CompanyOwned):
    """A match of part of a debit line against part of a credit line on the same receivable/payable account."""

    objects: CompanyScopedManager[Reconciliation]  # typed view of the inherited managers
    all_companies: models.Manager[Reconciliation]

    debit_line = models.ForeignKey(JournalLine, on_delete=models.PROTECT, related_name="matched_credits")
    credit_line = models.ForeignKey(JournalLine, on_delete=models.PROTECT, related_name="matched_debits")
    debit_amount = models.DecimalField(_("amount taken off the debit"), **AMOUNT_FIELD_KW)
    credit_amount = models.DecimalField(_("amount taken off the credit"), **AMOUNT_FIELD_KW)
    debit_amount_currency = models.DecimalField(_("amount in the debit's currency"), **AMOUNT_FIELD_KW)
    credit_amount_currency = models.DecimalField(_("amount in the credit's currency"), **AMOUNT_FIELD_KW)
    exchange_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debit_amount__gte=0, credit_amount__gte=0), name="reconciliation_amount"
            )
        ]

    def __str__(self) -> str:
        return f"{self.debit_line_id} <> {self.credit_line_id}: {self.debit_amount}"
