"""Forms of the party screens. They check the shape of the input with the same validation functions the
services use (so inline validation shows the service's own messages); the services re-check and decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company, User
from concord.core.money.forms import currency_choices
from concord.core.web.forms import bootstrap_fields as _bootstrap
from concord.modules.parties.models import AddressKind, ContactKind, Party, PartyKind, PartyLanguage
from concord.modules.parties.validation import (
    clean_branch_code,
    clean_country,
    clean_email,
    clean_phone,
    clean_tax_id,
    country_choices,
)

__all__ = ["AddressForm", "ContactPointForm", "MergeForm", "PartyForm"]


# The party's own fields the form edits, as the services take them (tags are handled apart).
PARTY_FIELDS = (
    "kind",
    "name",
    "code",
    "organization",
    "is_customer",
    "is_supplier",
    "is_employee_contact",
    "is_prospect",
    "country",
    "tax_id",
    "branch_code",
    "website",
    "language",
    "currency",
    "payment_terms_days",
    "credit_limit",
    "salesperson",
    "notes",
)


class BootstrapForm(forms.Form):
    """A form whose controls carry Bootstrap classes and are marked invalid (with aria) on error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"

    def add_domain_error(self, exc: ValidationFailed) -> None:
        """Show a service's ``ValidationFailed`` next to the fields it names (or above the form)."""
        for name, messages in exc.errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


def _country_choices() -> list[tuple[str, Any]]:
    return [("", _("Choose a country")), *country_choices(translation.get_language() or "en")]


class PartyForm(BootstrapForm):
    """A customer, supplier or contact: create (with its first email, phone and address) or edit."""

    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40, required=False, help_text=_("Your own reference."))
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Party.objects.none(), required=False, help_text=_("For a person.")
    )
    is_customer = forms.BooleanField(label=_("Customer"), required=False)
    is_supplier = forms.BooleanField(label=_("Supplier"), required=False)
    is_employee_contact = forms.BooleanField(label=_("Employee contact"), required=False)
    is_prospect = forms.BooleanField(label=_("Prospect"), required=False)
    country = forms.ChoiceField(label=_("Country"), choices=())
    tax_id = forms.CharField(
        label=_("Tax ID"),
        max_length=40,
        required=False,
        help_text=_("Thailand: 13 digits. Cambodia: K001-901234567."),
    )
    branch_code = forms.CharField(
        label=_("Branch code"),
        max_length=5,
        required=False,
        help_text=_("Thailand: 00000 for the head office."),
    )
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    city = forms.CharField(label=_("City / district"), max_length=100, required=False)
    province = forms.CharField(label=_("Province"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=PartyLanguage.choices)
    currency = forms.ChoiceField(label=_("Currency"), choices=())
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=3650, initial=0
    )
    credit_limit = forms.DecimalField(
        label=_("Credit limit"), min_value=Decimal(0), max_digits=20, decimal_places=2, initial=Decimal(0)
    )
    salesperson = forms.ModelChoiceField(label=_("Salesperson"), queryset=User.objects.none(), required=False)
    tags = forms.CharField(
        label=_("Tags"), max_length=500, required=False, help_text=_("Separated by commas.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    allow_duplicate = forms.BooleanField(
        label=_("Create it anyway: it is a different party"), required=False, widget=forms.CheckboxInput
    )

    CREATE_ONLY = ("email", "phone", "street", "city", "province", "postal_code", "allow_duplicate")

    def __init__(self, *args: Any, company: Company, party: Party | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        self.party = party
        if party is not None:
            for name in self.CREATE_ONLY:
                del self.fields[name]
        organizations = Party.objects.filter(company=company, kind=PartyKind.ORGANIZATION, is_active=True)
        if party is not None:
            organizations = organizations.exclude(pk=party.pk)
        cast("forms.ModelChoiceField[Any]", self.fields["organization"]).queryset = organizations.order_by(
            "name"
        )
        cast("forms.ModelChoiceField[Any]", self.fields["salesperson"]).queryset = (
            User.objects.filter(memberships__company=company, memberships__is_active=True, is_active=True)
            .distinct()
            .order_by("username")
        )
        cast(forms.ChoiceField, self.fields["country"]).choices = _country_choices()
        cast(forms.ChoiceField, self.fields["currency"]).choices = currency_choices()
        if not self.is_bound:
            self.initial.setdefault("country", company.country)
            self.initial.setdefault("currency", company.currency)
            self.initial.setdefault(
                "language",
                {"TH": PartyLanguage.TH, "KH": PartyLanguage.KM}.get(company.country, PartyLanguage.EN),
            )
        validate_url = reverse("parties:validate")
        for name, field in self.fields.items():
            if name == "allow_duplicate":
                continue
            field.widget.attrs.update(
                {
                    "hx-post": validate_url,
                    "hx-trigger": "change",
                    "hx-target": f"#field-{name}",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                    "hx-vals": f'{{"_field": "{name}"}}',
                }
            )

    @classmethod
    def initial_for(cls, party: Party) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(party, name) for name in PARTY_FIELDS}
        initial["tags"] = ", ".join(tag.name for tag in party.tags.all())
        return initial

    def _checked(self, name: str, check: Any) -> Any:
        try:
            return check()
        except ValidationFailed as exc:
            self.add_error(name, str(exc.message))
            return None

    def clean_country(self) -> str:
        return str(
            self._checked("country", lambda: clean_country(self.cleaned_data.get("country", ""))) or ""
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country = data.get("country") or self.company.country
        if data.get("tax_id"):
            tax_id = self._checked("tax_id", lambda: clean_tax_id(data["tax_id"], country=country))
            if tax_id is not None:
                data["tax_id"] = tax_id
        branch = self._checked(
            "branch_code",
            lambda: clean_branch_code(
                data.get("branch_code", ""), country=country, has_tax_id=bool(data.get("tax_id"))
            ),
        )
        if branch is not None:
            data["branch_code"] = branch
        if data.get("email"):
            self._checked("email", lambda: clean_email(data["email"]))
        if data.get("phone"):
            self._checked("phone", lambda: clean_phone(data["phone"], country=country))
        if data.get("organization") is not None and data.get("kind") != PartyKind.PERSON:
            self.add_error("organization", _("Only a person can belong to an organisation."))
        if any(data.get(name) for name in ("city", "province", "postal_code")) and not data.get("street"):
            self.add_error("street", _("Enter the street and number."))
        return data

    def service_values(self) -> dict[str, Any]:
        """The cleaned data as the party services take it."""
        data = self.cleaned_data
        values = {name: data[name] for name in PARTY_FIELDS}
        values["tags"] = [tag.strip() for tag in data.get("tags", "").split(",") if tag.strip()]
        if self.party is None:
            values["emails"] = [data["email"]] if data.get("email") else []
            values["phones"] = [data["phone"]] if data.get("phone") else []
            if data.get("street"):
                values["addresses"] = [
                    {name: data.get(name, "") for name in ("street", "city", "province", "postal_code")}
                    | {"kind": AddressKind.BILLING, "country": values["country"]}
                ]
            values["allow_duplicate"] = bool(data.get("allow_duplicate"))
        return values


class AddressForm(BootstrapForm):
    """An address of a party."""

    kind = forms.ChoiceField(label=_("Address kind"), choices=AddressKind.choices)
    street = forms.CharField(label=_("Street"), max_length=200)
    street2 = forms.CharField(label=_("Street (line 2)"), max_length=200, required=False)
    city = forms.CharField(label=_("City / district"), max_length=100, required=False)
    province = forms.CharField(label=_("Province"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "address-%s")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = _country_choices()


class ContactPointForm(BootstrapForm):
    """An email or phone number of a party."""

    kind = forms.ChoiceField(label=_("Contact kind"), choices=ContactKind.choices)
    value = forms.CharField(label=_("Email or number"), max_length=254)
    is_primary = forms.BooleanField(label=_("Primary"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "contact-%s")
        super().__init__(*args, **kwargs)


def _merge_label(party: Party) -> str:
    archived = "" if party.is_active else " ✕"
    return f"{party.name} ({party.code or party.tax_id or party.pk}){archived}"


class MergeForm(BootstrapForm):
    """Choose the duplicate to merge into the party on screen."""

    duplicate = forms.ModelChoiceField(
        label=_("Duplicate to merge into this party"), queryset=Party.objects.none()
    )

    def __init__(self, *args: Any, survivor: Party, candidates: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Any]", self.fields["duplicate"])
        field.queryset = Party.objects.filter(company_id=survivor.company_id, kind=survivor.kind).exclude(
            pk=survivor.pk
        )
        if candidates:
            field.help_text = _("Likely duplicates are listed first.")
            ids = [party.pk for party in candidates]
            ordered = list(candidates) + [p for p in field.queryset.order_by("name")[:500] if p.pk not in ids]
            field.choices = [("", "---------"), *((p.pk, _merge_label(p)) for p in ordered)]
