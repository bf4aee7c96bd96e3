from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned

__all__ = ["ContactKind", "ContactPoint"]


class ContactKind(models.TextChoices):
    """How a party can be reached."""

    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    MOBILE = "mobile", _("Mobile")


class ContactPoint(CompanyOwned):
    """An email address or phone number of a party, kept normalised so duplicates can be found."""

    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="contact_points", verbose_name=_("party")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=254)
    normalized = models.CharField(
        _("normalised value"), max_length=254, editable=False, help_text=_("Lower-case email, E.164 phone.")
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["party", "-is_primary", "kind", "pk"]
        indexes = [models.Index(fields=["company", "normalized"], name="parties_contact_normalized")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ContactKind.values),
                name="parties_contact_kind_valid",
                violation_error_message=_("A contact point is an email, a phone or a mobile number."),
            ),
            models.UniqueConstraint(
                fields=["party", "normalized"],
                name="parties_contact_unique_per_party",
                violation_error_message=_("This party already has this email or phone number."),
            ),
        ]

    def __str__(self) -> str:
        return self.value

    @property
    def is_email(self) -> bool:
        return self.kind == ContactKind.EMAIL
