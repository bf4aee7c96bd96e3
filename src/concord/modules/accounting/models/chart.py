"""The chart of accounts, journals, fiscal years and a company's accounting settings."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import CurrencyField

__all__ = [
    "SUBTYPES_BY_TYPE",
    "Account",
    "AccountSubtype",
    "AccountType",
    "AccountingSettings",
    "FiscalPeriod",
    "FiscalYear",
    "Journal",
    "JournalKind",
    "PeriodState",
]


class AccountType(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class AccountSubtype(models.TextChoices):
    RECEIVABLE = "receivable", _("Receivable")
    BANK = "bank", _("Bank")
    CASH = "cash", _("Cash")
    INVENTORY = "inventory", _("Inventory")
    CURRENT_ASSET = "current_asset", _("Current asset")
    NON_CURRENT_ASSET = "non_current_asset", _("Non-current asset")
    PAYABLE = "payable", _("Payable")
    CURRENT_LIABILITY = "current_liability", _("Current liability")
    NON_CURRENT_LIABILITY = "non_current_liability", _("Non-current liability")
    EQUITY = "equity", _("Equity")
    RETAINED_EARNINGS = "retained_earnings", _("Retained earnings")
    INCOME = "income", _("Operating income")
    OTHER_INCOME = "other_income", _("Other income")
    COST_OF_SALES = "cost_of_sales", _("Cost of sales")
    EXPENSE = "expense", _("Operating expense")
    DEPRECIATION = "depreciation", _("Depreciation")
    OTHER_EXPENSE = "other_expense", _("Other expense")


SUBTYPES_BY_TYPE: dict[str, frozenset[str]] = {
    AccountType.ASSET: frozenset(
        {"receivable", "bank", "cash", "inventory", "current_asset", "non_current_asset"}
    ),
    AccountType.LIABILITY: frozenset({"payable", "current_liability", "non_current_liability"}),
    AccountType.EQUITY: frozenset({"equity", "retained_earnings"}),
    AccountType.INCOME: frozenset({"income", "other_income"}),
    AccountType.EXPENSE: frozenset({"cost_of_sales", "expense", "depreciation", "other_expense"}),
}


class Account(CompanyOwned):
    """An account of the company's chart: where the ledger records a kind of value."""

    objects: CompanyScopedManager[Account]  # typed view of the inherited managers
    all_companies: models.Manager[Account]

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(_("local name"), max_length=200, blank=True)
    account_type = models.CharField(_("type"), max_length=12, choices=AccountType.choices)
    subtype = models.CharField(_("subtype"), max_length=24, choices=AccountSubtype.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    is_group = models.BooleanField(
        _("group"), default=False, help_text=_("A heading that sums its children.")
    )
    reconcile = models.BooleanField(_("reconcilable"), default=False)
    currency = CurrencyField(blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["company", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                name="account_code_unique",
                violation_error_message=_("Another account of the company has this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_receivable_or_payable(self) -> bool:
        return self.subtype in (AccountSubtype.RECEIVABLE, AccountSubtype.PAYABLE)


class JournalKind(models.TextChoices):
    SALE = "sale", _("Sales")
    PURCHASE = "purchase", _("Purchases")
    BANK = "bank", _("Bank")
    CASH = "cash", _("Cash")
    GENERAL = "general", _("General")


class Journal(CompanyOwned):
    """A book of entries of one kind (sales, purchases, a bank account); numbers run per journal."""

    objects: CompanyScopedManager[Journal]  # typed view of the inherited managers
    all_companies: models.Manager[Journal]

    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=JournalKind.choices)
    default_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default account"),
        help_text=_("The bank or cash account of a bank or cash journal."),
    )
    currency = CurrencyField(blank=True, default="")
    bank_account_number = models.CharField(_("bank account number"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        ordering = ["company", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                name="journal_code_unique",
                violation_error_message=_("Another journal of the company has this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AccountingSettings(models.Model):
    """One company's accounting set-up: its chart, lock date and default accounts."""

    company = models.OneToOneField(
        "identity.Company", on_delete=models.PROTECT, related_name="accounting_settings"
    )
    chart_template = models.CharField(_("chart template"), max_length=30)
    lock_date = models.DateField(
        _("lock date"), null=True, blank=True, help_text=_("Nothing posts on or before this date.")
    )
    defaults: models.JSONField[Any] = models.JSONField(
        _("default accounts"), default=dict, help_text=_("Role (receivable, payable...) -> account id.")
    )

    class Meta:
        verbose_name = _("accounting settings")
        verbose_name_plural = _("accounting settings")

    def __str__(self) -> str:
        return f"{self.company} ({self.chart_template})"


class PeriodState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FiscalYear(CompanyOwned):
    """A company's financial year; its months are periods that can be closed one by one."""

    objects: CompanyScopedManager[FiscalYear]  # typed view of the inherited managers
    all_companies: models.Manager[FiscalYear]

    name = models.CharField(_("name"), max_length=40)
    date_start = models.DateField(_("start"))
    date_end = models.DateField(_("end"))
    state = models.CharField(_("state"), max_length=8, choices=PeriodState.choices, default=PeriodState.OPEN)

    class Meta:
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        ordering = ["company", "date_start"]
        constraints = [
            models.UniqueConstraint(fields=["company", "date_start"], name="fiscal_year_start_unique"),
            models.CheckConstraint(
                condition=models.Q(date_end__gt=models.F("date_start")), name="fiscal_year_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FiscalPeriod(CompanyOwned):
    """A month of a fiscal year; entries dated in a closed period cannot post."""

    objects: CompanyScopedManager[FiscalPeriod]  # typed view of the inherited managers
    all_companies: models.Manager[FiscalPeriod]

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(_("name"), max_length=40)
    date_start = models.DateField(_("start"))
    date_end = models.DateField(_("end"))
    state = models.CharField(_("state"), max_length=8, choices=PeriodState.choices, default=PeriodState.OPEN)

    class Meta:
        verbose_name = _("fiscal period")
        verbose_name_plural = _("fiscal periods")
        ordering = ["company", "date_start"]
        constraints = [
            models.UniqueConstraint(fields=["company", "date_start"], name="fiscal_period_start_unique"),
        ]

    def __str__(self) -> str:
        return self.name
