from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned
from concord.core.money.fields import AMOUNT_FIELD_KW, CurrencyField

__all__ = ["Party", "PartyKind", "PartyLanguage"]


class PartyKind(models.TextChoices):
    """Whether a party is an organisation or a person."""

    ORGANIZATION = "organization", _("Organisation")
    PERSON = "person", _("Person")


class PartyLanguage(models.TextChoices):
    """The language a party wants its documents and messages in."""

    EN = "en", _("English")
    TH = "th", _("Thai")
    KM = "km", _("Khmer")


class Party(CompanyOwned):
    """A customer, supplier or contact: the one record every module points at for this organisation or person."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=PartyKind.choices, default=PartyKind.ORGANIZATION
    )
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(_("name key"), max_length=200, editable=False, default="")
    code = models.CharField(
        _("code"), max_length=40, blank=True, help_text=_("Your own reference, unique in the company.")
    )
    organization = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
        help_text=_("The organisation this person works for."),
    )
    is_customer = models.BooleanField(_("customer"), default=False)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    is_employee_contact = models.BooleanField(_("employee contact"), default=False)
    is_prospect = models.BooleanField(_("prospect"), default=False)
    tax_id = models.CharField(_("tax ID"), max_length=30, blank=True)
    branch_code = models.CharField(
        _("branch code"), max_length=5, blank=True, help_text=_("Thailand: 00000 for the head office.")
    )
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2, e.g. TH, KH"))
    website = models.URLField(_("website"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=PartyLanguage.choices, default=PartyLanguage.EN
    )
    currency = CurrencyField()
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), default=0)
    credit_limit = models.DecimalField(
        _("credit limit"),
        default=0,
        help_text=_("In the company's currency; 0 means no credit."),
        **AMOUNT_FIELD_KW,
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("salesperson"),
    )
    tags = models.ManyToManyField("parties.Tag", blank=True, related_name="parties", verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Archived when unticked."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["company", "name"], name="parties_party_company_name"),
            models.Index(fields=["company", "tax_id"], name="parties_party_company_tax"),
            models.Index(Length("name_key"), "company", name="parties_party_namekey_len"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                condition=~models.Q(code=""),
                name="parties_party_code_unique_per_company",
                violation_error_message=_("Another party of this company already has this code."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=PartyKind.values),
                name="parties_party_kind_valid",
                violation_error_message=_("A party is an organisation or a person."),
            ),
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True) | models.Q(kind=PartyKind.PERSON),
                name="parties_party_organization_only_for_persons",
                violation_error_message=_("Only a person can belong to an organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(branch_code="") | models.Q(branch_code__regex=r"^[0-9]{5}$"),
                name="parties_party_branch_code_five_digits",
                violation_error_message=_("A branch code is five digits (00000 for the head office)."),
            ),
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"),
                name="parties_party_country_iso3166",
                violation_error_message=_("Country must be a two-letter ISO 3166 code."),
            ),
            models.CheckConstraint(
                condition=models.Q(credit_limit__gte=0),
                name="parties_party_credit_limit_not_negative",
                violation_error_message=_("The credit limit cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(payment_terms_days__gte=0),
                name="parties_party_payment_terms_not_negative",
                violation_error_message=_("Payment terms cannot be negative."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("parties:detail", kwargs={"party_id": self.pk})

    def __str__(self) -> str:
        return self.name

    @property
    def is_person(self) -> bool:
        return self.kind == PartyKind.PERSON

    def flag_labels(self) -> list[Any]:
        """The roles this party plays, as translated labels ("Customer", "Supplier"...)."""
        flags = (
            (self.is_customer, _("Customer")),
            (self.is_supplier, _("Supplier")),
            (self.is_employee_contact, _("Employee contact")),
            (self.is_prospect, _("Prospect")),
        )
        return [label for on, label in flags if on]
