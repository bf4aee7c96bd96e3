from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned

__all__ = ["Address", "AddressKind"]


class AddressKind(models.TextChoices):
    """What an address is used for."""

    BILLING = "billing", _("Billing")
    SHIPPING = "shipping", _("Shipping")
    OTHER = "other", _("Other")


class Address(CompanyOwned):
    """A postal address of a party: where its invoices or its deliveries go."""

    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="addresses", verbose_name=_("party")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=AddressKind.choices, default=AddressKind.BILLING
    )
    street = models.CharField(_("street"), max_length=200)
    street2 = models.CharField(_("street (line 2)"), max_length=200, blank=True)
    city = models.CharField(
        _("city / district"), max_length=100, blank=True, help_text=_("District (khet/amphoe, khan).")
    )
    province = models.CharField(_("province"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["party", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AddressKind.values),
                name="parties_address_kind_valid",
                violation_error_message=_("An address is for billing, shipping or other use."),
            ),
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"),
                name="parties_address_country_iso3166",
                violation_error_message=_("Country must be a two-letter ISO 3166 code."),
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.street, self.city, self.province, self.country) if part)

    def lines(self) -> list[str]:
        """The address as printed on an envelope."""
        last = " ".join(part for part in (self.province, self.postal_code) if part)
        return [line for line in (self.street, self.street2, self.city, last, self.country) if line]

    def same_place_as(self, other: Address) -> bool:
        """True when ``other`` is the same address written the same way (used when merging)."""

        def key(address: Address) -> tuple[str, ...]:
            return tuple(
                " ".join(value.casefold().split())
                for value in (
                    address.kind,
                    address.street,
                    address.street2,
                    address.city,
                    address.province,
                    address.postal_code,
                    address.country,
                )
            )

        return key(self) == key(other)
