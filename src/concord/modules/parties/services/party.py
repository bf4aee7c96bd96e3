"""Writes of parties: create (refusing likely duplicates), update, archive, unarchive, delete."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import (
    audit_changes,
    audit_record,
    audited_update,
    created_changes,
    deleted_changes,
)
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company, User
from concord.core.money.currencies import is_valid_currency
from concord.modules.parties.errors import DuplicatePartyError
from concord.modules.parties.events import (
    PartyArchived,
    PartyCreated,
    PartyDeleted,
    PartyUnarchived,
    PartyUpdated,
)
from concord.modules.parties.indexing import party_index, party_unindex
from concord.modules.parties.models import Party, PartyKind, PartyLanguage, Tag
from concord.modules.parties.queries import party_duplicates, party_references
from concord.modules.parties.services._support import FieldErrors, django_errors_as_domain, publish_about
from concord.modules.parties.services.contacts import add_address, add_contact_point
from concord.modules.parties.validation import (
    clean_branch_code,
    clean_country,
    clean_email,
    clean_phone,
    clean_tax_id,
    name_key,
)

__all__ = [
    "PARTY_UPDATABLE",
    "party_archive",
    "party_create",
    "party_delete",
    "party_unarchive",
    "party_update",
]

PARTY_UPDATABLE = frozenset(
    {
        "kind",
        "name",
        "code",
        "organization",
        "is_customer",
        "is_supplier",
        "is_employee_contact",
        "is_prospect",
        "tax_id",
        "branch_code",
        "country",
        "website",
        "language",
        "currency",
        "payment_terms_days",
        "credit_limit",
        "salesperson",
        "tags",
        "notes",
    }
)
# Fields the audit trail records for a party (its search key is derived, not typed by anyone).
AUDITED_FIELDS = sorted(
    field.name
    for field in Party._meta.concrete_fields
    if field.name not in {"id", "name_key", "created_at", "updated_at"}
)
_DEFAULT_LANGUAGE = {"TH": PartyLanguage.TH, "KH": PartyLanguage.KM}


def _clean_decimal(value: Any, *, field: str, message: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else Decimal(0)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(message, field=field) from None
    if not number.is_finite() or number < 0:
        raise ValidationFailed(message, field=field)
    return number


def _clean_int(value: Any, *, field: str, message: str) -> int:
    try:
        number = int(str(value).strip()) if value not in (None, "") else 0
    except (TypeError, ValueError):
        raise ValidationFailed(message, field=field) from None
    if number < 0 or number > 3650:
        raise ValidationFailed(message, field=field)
    return number


def _clean_identity(
    values: Mapping[str, Any],
    out: dict[str, Any],
    errors: FieldErrors,
    *,
    company: Company,
    changed: set[str],
    party: Party | None,
) -> None:
    """Name, kind, code (unique in the company) and the organisation of a person."""
    if "name" in changed:
        out["name"] = " ".join(str(values["name"] or "").split())
        if not out["name"]:
            errors.add("name", _("Enter the name of the organisation or person."))
        elif len(out["name"]) > 200:
            errors.add("name", _("A name has at most 200 characters."))
    if "kind" in changed and values["kind"] not in PartyKind.values:
        errors.add("kind", _("Choose organisation or person."))
    if "code" in changed:
        out["code"] = str(values["code"] or "").strip()
        taken = Party.all_companies.filter(company=company, code__iexact=out["code"])
        if party is not None:
            taken = taken.exclude(pk=party.pk)
        if out["code"] and taken.exists():
            errors.add(
                "code",
                _("Another party of this company already has the code %(code)s.") % {"code": out["code"]},
            )
    organization = values.get("organization")
    if changed & {"organization", "kind"} and organization is not None:
        if out["kind"] != PartyKind.PERSON:
            errors.add("organization", _("Only a person can belong to an organisation."))
        elif organization.company_id != company.pk:
            errors.add("organization", _("The organisation must belong to the same company."))
        elif organization.kind != PartyKind.ORGANIZATION:
            errors.add("organization", _("Choose an organisation, not a person."))
        elif party is not None and organization.pk == party.pk:
            errors.add("organization", _("A party cannot belong to itself."))


def _clean_fiscal(
    values: Mapping[str, Any], out: dict[str, Any], errors: FieldErrors, *, changed: set[str]
) -> None:
    """Country, and the tax ID and branch code whose rules depend on it."""
    if "country" in changed:
        out["country"] = errors.check(lambda: clean_country(values["country"]), field="country", default="")
    country = out["country"]
    if changed & {"tax_id", "country"}:
        out["tax_id"] = errors.check(
            lambda: clean_tax_id(values["tax_id"], country=country), field="tax_id", default=values["tax_id"]
        )
    if changed & {"branch_code", "country", "tax_id"}:
        out["branch_code"] = errors.check(
            lambda: clean_branch_code(values["branch_code"], country=country, has_tax_id=bool(out["tax_id"])),
            field="branch_code",
            default="",
        )


def _clean_commercial(
    values: Mapping[str, Any],
    out: dict[str, Any],
    errors: FieldErrors,
    *,
    company: Company,
    changed: set[str],
) -> None:
    """Language, currency, salesperson, payment terms, credit limit, website and notes."""
    if "language" in changed and values["language"] not in PartyLanguage.values:
        errors.add("language", _("Choose English, Thai or Khmer."))
    if "currency" in changed:
        out["currency"] = str(values["currency"] or "").strip().upper()
        if not is_valid_currency(out["currency"]):
            errors.add(
                "currency",
                _("%(value)s is not an ISO 4217 currency code (for example THB, KHR or USD).")
                % {"value": values["currency"]},
            )
    salesperson = values.get("salesperson")
    if (
        "salesperson" in changed
        and salesperson is not None
        and not salesperson.memberships.filter(company=company, is_active=True).exists()
    ):
        errors.add("salesperson", _("The salesperson must be a member of this company."))
    if "payment_terms_days" in changed:
        out["payment_terms_days"] = errors.check(
            lambda: _clean_int(
                values["payment_terms_days"],
                field="payment_terms_days",
                message=_("Payment terms are a whole number of days from 0 to 3650."),
            ),
            field="payment_terms_days",
            default=0,
        )
    if "credit_limit" in changed:
        out["credit_limit"] = errors.check(
            lambda: _clean_decimal(
                values["credit_limit"],
                field="credit_limit",
                message=_("The credit limit is an amount of 0 or more."),
            ),
            field="credit_limit",
            default=Decimal(0),
        )
    if "website" in changed:
        website = str(values["website"] or "").strip()
        out["website"] = f"https://{website}" if website and "://" not in website else website
    if "notes" in changed:
        out["notes"] = str(values["notes"] or "").strip()


def _clean_values(
    values: Mapping[str, Any], *, company: Company, changed: set[str], party: Party | None
) -> dict[str, Any]:
    """Check and normalise the ``changed`` fields of ``values`` (the party's full set of values).

    Every failing field is reported at once; nothing is written here.
    """
    errors = FieldErrors()
    out = dict(values)
    _clean_identity(values, out, errors, company=company, changed=changed, party=party)
    _clean_fiscal(values, out, errors, changed=changed)
    _clean_commercial(values, out, errors, company=company, changed=changed)
    errors.raise_if_any()
    return out


def _tag_names(names: Iterable[str]) -> list[str]:
    unique: dict[str, str] = {}
    for raw in names:
        name = " ".join(str(raw).split())[:60]
        if name:
            unique.setdefault(name.casefold(), name)
    return list(unique.values())


def _tags_resolve(*, company: Company, names: Iterable[str], by: User | None) -> list[Tag]:
    """The company's tags with these names, creating the missing ones (case-insensitive match)."""
    wanted = _tag_names(names)
    existing = {tag.name.casefold(): tag for tag in Tag.all_companies.filter(company=company)}
    tags = []
    for name in wanted:
        tag = existing.get(name.casefold())
        if tag is None:
            tag = Tag.all_companies.create(company=company, name=name)
            audit_record(actor=by, action=AuditAction.CREATE, obj=tag, changes=created_changes(tag))
        tags.append(tag)
    return tags


def _clean_contacts(
    *, emails: Iterable[str], phones: Iterable[str], country: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    errors = FieldErrors()
    cleaned_emails: list[tuple[str, str]] = []
    cleaned_phones: list[tuple[str, str]] = []
    for value in (str(email) for email in emails if str(email).strip()):
        try:
            cleaned_emails.append((value, clean_email(value, field="email").casefold()))
        except ValidationFailed as exc:
            errors.add("email", str(exc.message))
    for value in (str(phone) for phone in phones if str(phone).strip()):
        try:
            cleaned_phones.append((value, clean_phone(value, country=country)))
        except ValidationFailed as exc:
            errors.add("phone", str(exc.message))
    errors.raise_if_any()
    return cleaned_emails, cleaned_phones


def party_create(
    *,
    company: Company,
    by: User | None,
    name: str,
    kind: str = PartyKind.ORGANIZATION,
    code: str = "",
    organization: Party | None = None,
    is_customer: bool = False,
    is_supplier: bool = False,
    is_employee_contact: bool = False,
    is_prospect: bool = False,
    tax_id: str = "",
    branch_code: str = "",
    country: str = "",
    website: str = "",
    language: str = "",
    currency: str = "",
    payment_terms_days: int | str = 0,
    credit_limit: Decimal | str | int = 0,
    salesperson: User | None = None,
    tags: Iterable[str] = (),
    notes: str = "",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    addresses: Iterable[Mapping[str, str]] = (),
    allow_duplicate: bool = False,
) -> Party:
    """Record a new customer, supplier or contact.

    Country, currency and language default to the company's. Raises ``ValidationFailed`` naming every
    bad field (nothing saved) and ``DuplicatePartyError`` (a 409 listing them) when the party looks like
    one that exists, unless ``allow_duplicate``. Emails, phones and addresses given here are created
    with it, the first of each kind as the primary one.
    """
    country = country or company.country
    values: dict[str, Any] = {
        "kind": kind,
        "name": name,
        "code": code,
        "organization": organization,
        "tax_id": tax_id,
        "branch_code": branch_code,
        "country": country,
        "website": website,
        "language": language or _DEFAULT_LANGUAGE.get(str(country).upper(), PartyLanguage.EN),
        "currency": currency or company.currency,
        "payment_terms_days": payment_terms_days,
        "credit_limit": credit_limit,
        "salesperson": salesperson,
        "notes": notes,
    }
    errors = FieldErrors()
    cleaned = errors.check(
        lambda: _clean_values(values, company=company, changed=set(values), party=None),
        field="__all__",
        default=values,
    )
    no_contacts: tuple[list[tuple[str, str]], list[tuple[str, str]]] = ([], [])
    email_list, phone_list = errors.check(
        lambda: _clean_contacts(emails=list(emails), phones=list(phones), country=str(cleaned["country"])),
        field="__all__",
        default=no_contacts,
    )
    errors.raise_if_any()
    if not allow_duplicate:
        duplicates = party_duplicates(
            company=company,
            name=cleaned["name"],
            tax_id=cleaned["tax_id"],
            emails=[value for value, _normalized in email_list],
            phones=[normalized for _value, normalized in phone_list],
            country=cleaned["country"],
        )
        if duplicates:
            names = ", ".join(f"{match.party.name} ({'; '.join(match.reasons)})" for match in duplicates)
            raise DuplicatePartyError(
                _("This looks like a party that already exists: %(names)s.") % {"names": names},
                duplicates=duplicates,
            )
    party = Party(
        company=company,
        is_customer=is_customer,
        is_supplier=is_supplier,
        is_employee_contact=is_employee_contact,
        is_prospect=is_prospect,
        name_key=name_key(cleaned["name"]),
        **cleaned,
    )
    with django_errors_as_domain():
        party.full_clean()
    with transaction.atomic():
        party.save(force_insert=True)
        audit_record(
            actor=by, action=AuditAction.CREATE, obj=party, changes=created_changes(party, AUDITED_FIELDS)
        )
        tag_list = _tags_resolve(company=company, names=tags, by=by)
        if tag_list:
            party.tags.set(tag_list)
        for index, (value, _normalized) in enumerate(email_list):
            add_contact_point(party=party, kind="email", value=value, is_primary=index == 0, by=by)
        for index, (value, _normalized) in enumerate(phone_list):
            add_contact_point(party=party, kind="phone", value=value, is_primary=index == 0, by=by)
        for address in addresses:
            add_address(party=party, by=by, **address)
        party_index(party)
        publish_about(
            PartyCreated(party_id=party.pk, company_id=company.pk, kind=party.kind, name=party.name),
            by=by,
            about=party,
        )
    return party


def party_update(*, party: Party, by: User | None, **changes: Any) -> Party:
    """Change a party's details; records what changed and publishes ``PartyUpdated`` (when anything did).

    ``tags`` replaces the party's tags by these names. Raises ``ValidationFailed`` naming every bad
    field, with nothing saved.
    """
    unknown = sorted(set(changes) - PARTY_UPDATABLE)
    if unknown:
        raise ValidationFailed(
            _("Unknown or read-only field: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    tag_names = changes.pop("tags", None)
    company = party.company
    current = {name: getattr(party, name) for name in PARTY_UPDATABLE - {"tags"}}
    cleaned = _clean_values({**current, **changes}, company=company, changed=set(changes), party=party)
    field_changes = {name: cleaned[name] for name in changes}
    with transaction.atomic():
        recorded = audited_update(party, by=by, **field_changes)
        changed_fields = list(recorded)
        if "name" in recorded:
            party.name_key = name_key(party.name)
            Party.all_companies.filter(pk=party.pk).update(name_key=party.name_key)
        if tag_names is not None:
            before = sorted(tag.name for tag in party.tags.all())
            tag_list = _tags_resolve(company=company, names=tag_names, by=by)
            after = sorted(tag.name for tag in tag_list)
            if before != after:
                party.tags.set(tag_list)
                audit_record(
                    actor=by, action=AuditAction.UPDATE, obj=party, changes={"tags": [before, after]}
                )
                changed_fields.append("tags")
        if changed_fields:
            party_index(party)
            if "name" in recorded and party.kind == PartyKind.ORGANIZATION:
                for person in party.people.all():  # their search subtitle names the organisation
                    party_index(person)
            publish_about(
                PartyUpdated(
                    party_id=party.pk, company_id=party.company_id, fields=tuple(sorted(changed_fields))
                ),
                by=by,
                about=party,
            )
    return party


def _set_active(*, party: Party, by: User | None, active: bool) -> Party:
    if party.is_active == active:
        return party
    with transaction.atomic():
        with audit_changes(party, by=by, fields=["is_active"]):
            party.is_active = active
            party.save(update_fields=["is_active", "updated_at"])
        party_index(party)
        event = PartyUnarchived if active else PartyArchived
        publish_about(event(party_id=party.pk, company_id=party.company_id), by=by, about=party)
    return party


def party_archive(*, party: Party, by: User | None) -> Party:
    """Archive a party: it stays (with its history and every reference) but leaves pickers and lists."""
    return _set_active(party=party, by=by, active=False)


def party_unarchive(*, party: Party, by: User | None) -> Party:
    """Bring an archived party back into use."""
    return _set_active(party=party, by=by, active=True)


def party_delete(*, party: Party, by: User | None) -> bool:
    """Delete ``party`` if nothing refers to it, else archive it. Returns True when it was deleted.

    A party's own addresses, contact points and tags go with it; anything else pointing at it (a
    person of this organisation, another module's order or invoice) keeps it alive, archived.
    """
    if party_references(party):
        party_archive(party=party, by=by)
        return False
    party_id, company_id, name = party.pk, party.company_id, party.name
    with transaction.atomic():
        try:
            with transaction.atomic():  # a reference made since the check above rolls back just this part
                audit_record(
                    actor=by,
                    action=AuditAction.DELETE,
                    obj=party,
                    changes=deleted_changes(party, AUDITED_FIELDS),
                )
                publish_about(
                    PartyDeleted(party_id=party_id, company_id=company_id, name=name), by=by, about=party
                )
                party.delete()
        except (ProtectedError, RestrictedError):
            party.pk = party_id
            party_archive(party=party, by=by)
            return False
        party_unindex(party_id)
    return True
