"""Helpers the accounting services share: settings, default accounts, company checks, rounding."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from concord.core.identity.models import Company
from concord.core.money.currencies import minor_units
from concord.core.outbox.facade import Event, publish
from concord.modules.accounting.errors import AccountingNotSetUpError, InvalidAccountError, PeriodLockedError
from concord.modules.accounting.models import (
    Account,
    AccountingSettings,
    FiscalPeriod,
    FiscalYear,
    Journal,
    PeriodState,
)
from concord.modules.parties.facade import PartySummary, party_summary

__all__ = [
    "actor_id",
    "check_date_open",
    "check_same_company",
    "default_account",
    "partner_of",
    "publish_for_partner",
    "round_to",
    "settings_for",
]

ZERO = Decimal(0)


def actor_id(by: Any) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def actor(by: Any) -> Any:
    """The user to store as author (None for the system or an anonymous user)."""
    return by if actor_id(by) is not None else None


def round_to(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to ``currency``'s minor unit."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def settings_for(company: Company) -> AccountingSettings:
    """The company's accounting settings; raises when no chart was set up yet."""
    found = AccountingSettings.objects.filter(company_id=company.pk).first()
    if found is None:
        raise AccountingNotSetUpError(
            _("%(company)s has no chart of accounts yet: set up accounting first.")
            % {"company": company.name}
        )
    return found


def default_account(company: Company, role: str, *, settings: AccountingSettings | None = None) -> Account:
    """The account the company uses for ``role`` (receivable, payable, income, vat_output...)."""
    chosen = settings or settings_for(company)
    account_id = chosen.defaults.get(role)
    account = (
        Account.all_companies.filter(pk=account_id, company_id=company.pk).first() if account_id else None
    )
    if account is None:
        raise AccountingNotSetUpError(
            _("No default %(role)s account is set for %(company)s.") % {"role": role, "company": company.name}
        )
    return account


def check_same_company(company: Company, obj: Any, *, field: str, what: str) -> None:
    """Refuse an account, journal, tax or document of another company (as if it did not exist)."""
    if obj is None or getattr(obj, "company_id", None) != company.pk:
        raise InvalidAccountError(
            _("The %(what)s does not belong to %(company)s.") % {"what": what, "company": company.name},
            field=field,
        )


def check_journal(
    company: Company, journal: Journal, *, kinds: tuple[str, ...], field: str = "journal"
) -> None:
    check_same_company(company, journal, field=field, what=_("journal"))
    if journal.kind not in kinds or not journal.is_active:
        raise InvalidAccountError(
            _("The journal %(journal)s cannot be used here.") % {"journal": journal.code}, field=field
        )


def check_date_open(company: Company, on_date: dt.date, *, field: str = "date") -> None:
    """Refuse a date on or before the lock date, or inside a closed period or fiscal year."""
    settings = (
        AccountingSettings.objects.filter(company_id=company.pk).values_list("lock_date", flat=True).first()
    )
    if settings is not None and on_date <= settings:
        raise PeriodLockedError(
            _("The books of %(company)s are locked up to %(lock)s: nothing can post on %(date)s.")
            % {"company": company.name, "lock": settings.isoformat(), "date": on_date.isoformat()},
            field=field,
        )
    closed = (
        FiscalPeriod.all_companies.filter(
            company_id=company.pk, date_start__lte=on_date, date_end__gte=on_date, state=PeriodState.CLOSED
        ).exists()
        or FiscalYear.all_companies.filter(
            company_id=company.pk, date_start__lte=on_date, date_end__gte=on_date, state=PeriodState.CLOSED
        ).exists()
    )
    if closed:
        raise PeriodLockedError(
            _("The period of %(date)s is closed.") % {"date": on_date.isoformat()}, field=field
        )


def partner_of(company: Company, partner_id: int) -> PartySummary:
    """The partner as parties' facade sees it, if it belongs to ``company`` (else ``InvalidAccountError``)."""
    partner = party_summary(partner_id)
    if partner is None or partner.company_id != company.pk:
        raise InvalidAccountError(
            _("The partner does not belong to %(company)s.") % {"company": company.name}, field="partner_id"
        )
    return partner


def publish_for_partner(event: Event, *, by: Any, company_id: int, partner_id: int) -> None:
    """Publish ``event`` with the partner as aggregate, so the 360° timeline shows it."""
    publish(event, company_id=company_id, actor_id=actor_id(by), aggregate=("parties.party", partner_id))
