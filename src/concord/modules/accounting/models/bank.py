"""Imported bank statements and their lines, matched against payments and open items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW, CurrencyField

__all__ = ["BankStatement", "BankStatementLine", "StatementLineState"]


class BankStatement(CompanyOwned):
    """One bank statement file imported into a bank journal."""

    objects: CompanyScopedManager[BankStatement]  # typed view of the inherited managers
    all_companies: models.Manager[BankStatement]

    journal = models.ForeignKey("accounting.Journal", on_delete=models.PROTECT, related_name="statements")
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    source_format = models.CharField(_("format"), max_length=10)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    date_start = models.DateField(_("from"), null=True, blank=True)
    date_end = models.DateField(_("to"), null=True, blank=True)
    balance_start = models.DecimalField(_("opening balance"), null=True, blank=True, **AMOUNT_FIELD_KW)
    balance_end = models.DecimalField(_("closing balance"), null=True, blank=True, **AMOUNT_FIELD_KW)
    currency = CurrencyField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.reference or self.file_name or str(self.pk)


class StatementLineState(models.TextChoices):
    OPEN = "open", _("To reconcile")
    RECONCILED = "reconciled", _("Reconciled")


class BankStatementLine(CompanyOwned):
    """One transaction on a bank statement: money in (+) or out (-), to match with the books."""

    objects: CompanyScopedManager[BankStatementLine]  # typed view of the inherited managers
    all_companies: models.Manager[BankStatementLine]

    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="lines")
    journal = models.ForeignKey("accounting.Journal", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_KW)
    currency = CurrencyField()
    reference = models.CharField(_("reference"), max_length=140, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_account = models.CharField(_("counterparty account"), max_length=60, blank=True)
    unique_id = models.CharField(_("import id"), max_length=200)
    partner = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=StatementLineState.choices, default=StatementLineState.OPEN
    )
    payment = models.ForeignKey(
        "accounting.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="statement_lines"
    )
    entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["journal", "unique_id"], name="statement_line_import_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.reference}"
