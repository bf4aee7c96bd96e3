from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.scope import current_company_ids

if TYPE_CHECKING:
    from concord.core.identity.models.user import User

__all__ = ["Company", "CompanyOwned", "CompanyScopedManager", "CompanyScopedQuerySet"]


class Company(models.Model):
    """A legal entity that keeps its own books; every business record belongs to one."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"), max_length=30, unique=True, help_text=_("Short unique code, e.g. SIAM")
    )
    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2, e.g. TH, KH"))
    currency = models.CharField(
        _("currency"), max_length=3, help_text=_("ISO 4217 company currency, e.g. THB")
    )
    tax_id = models.CharField(_("tax ID"), max_length=30, blank=True)
    branch_code = models.CharField(_("branch code"), max_length=10, blank=True, default="00000")
    address = models.TextField(
        _("address"), blank=True, help_text=_("Registered address, printed on tax invoices and certificates.")
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Bangkok")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="company_currency_iso4217",
                violation_error_message=_("Currency must be a three-letter ISO 4217 code."),
            ),
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"),
                name="company_country_iso3166",
                violation_error_message=_("Country must be a two-letter ISO 3166 code."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


M = TypeVar("M", bound=models.Model)


class CompanyScopedQuerySet(models.QuerySet[M]):
    """Querysets of company-owned rows, with explicit scoping helpers."""

    def for_companies(self, company_ids: Any) -> CompanyScopedQuerySet[M]:
        return self.filter(company_id__in=list(company_ids))

    def for_user(self, user: User) -> CompanyScopedQuerySet[M]:
        """Only the rows of companies ``user`` is a member of (superusers see all)."""
        if getattr(user, "is_superuser", False):
            return self
        return self.filter(company_id__in=user.company_ids())


class CompanyScopedManager(models.Manager[M]):
    """Default manager of company-owned models.

    Inside a company scope (every authenticated request, see ``CompanyScopeMiddleware``, or
    ``company_scope()`` in code) the default queryset shows only the scope's companies. Outside one
    (migrations, the worker, management commands) it is unfiltered: those are system contexts.
    Related-object access uses the base manager and is never filtered, so a visible row never breaks.
    """

    def get_queryset(self) -> CompanyScopedQuerySet[M]:
        queryset: CompanyScopedQuerySet[M] = CompanyScopedQuerySet(self.model, using=self._db)
        scope = current_company_ids()
        if scope is not None:
            queryset = queryset.filter(company_id__in=scope)
        return queryset

    def for_user(self, user: User) -> CompanyScopedQuerySet[M]:
        return self.get_queryset().for_user(user)


class CompanyOwned(models.Model):
    """Abstract base for every business record: it belongs to exactly one company."""

    company = models.ForeignKey(
        "identity.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )

    all_companies: models.Manager[Any] = models.Manager()  # unscoped access for system code
    objects: CompanyScopedManager[Any] = CompanyScopedManager()

    class Meta:
        abstract = True
        default_manager_name = "objects"
        base_manager_name = "all_companies"
