"""Writes of a party's addresses and contact points (emails, phones).

Each write audits the address or contact point itself, re-indexes the party (its emails and phones are
searchable) and publishes ``PartyUpdated`` on the party, so the 360° timeline shows it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, audited_update, created_changes, deleted_changes
from concord.core.errors import ValidationFailed
from concord.core.identity.models import User
from concord.modules.parties.events import PartyUpdated
from concord.modules.parties.indexing import party_index
from concord.modules.parties.models import Address, AddressKind, ContactKind, ContactPoint, Party
from concord.modules.parties.services._support import FieldErrors, django_errors_as_domain, publish_about
from concord.modules.parties.validation import clean_country, clean_email, clean_phone

__all__ = [
    "ADDRESS_UPDATABLE",
    "add_address",
    "add_contact_point",
    "address_create",
    "address_delete",
    "address_update",
    "contact_point_create",
    "contact_point_delete",
    "contact_point_update",
]

ADDRESS_UPDATABLE = frozenset({"kind", "street", "street2", "city", "province", "postal_code", "country"})
_ADDRESS_AUDITED = sorted(ADDRESS_UPDATABLE | {"party"})
_CONTACT_AUDITED = ["is_primary", "kind", "party", "value"]


def _touched(party: Party, *, by: User | None, what: str) -> None:
    party_index(party)
    publish_about(
        PartyUpdated(party_id=party.pk, company_id=party.company_id, fields=(what,)), by=by, about=party
    )


# --------------------------------------------------------------------------- addresses
def _clean_address(values: dict[str, Any], *, default_country: str) -> dict[str, Any]:
    errors = FieldErrors()
    out = {name: " ".join(str(values.get(name) or "").split()) for name in ADDRESS_UPDATABLE}
    out["kind"] = out["kind"] or AddressKind.BILLING
    if out["kind"] not in AddressKind.values:
        errors.add("kind", _("An address is for billing, shipping or other use."))
    if not out["street"]:
        errors.add("street", _("Enter the street and number."))
    out["country"] = errors.check(
        lambda: clean_country(out["country"] or default_country), field="country", default=""
    )
    errors.raise_if_any()
    return out


def add_address(*, party: Party, by: User | None, **values: Any) -> Address:
    """Validate and save an address of ``party`` with its audit entry (no event: the caller publishes)."""
    unknown = sorted(set(values) - ADDRESS_UPDATABLE)
    if unknown:
        raise ValidationFailed(_("Unknown field: %(name)s") % {"name": unknown[0]}, field=unknown[0])
    cleaned = _clean_address(values, default_country=party.country)
    address = Address(company_id=party.company_id, party=party, **cleaned)
    with django_errors_as_domain():
        address.full_clean()
    with transaction.atomic():
        address.save(force_insert=True)
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=address,
            changes=created_changes(address, _ADDRESS_AUDITED),
        )
    return address


def address_create(*, party: Party, by: User | None, **values: Any) -> Address:
    """Add a billing, shipping or other address to ``party``."""
    with transaction.atomic():
        address = add_address(party=party, by=by, **values)
        _touched(party, by=by, what="addresses")
    return address


def address_update(*, address: Address, by: User | None, **changes: Any) -> Address:
    """Change an address; records what changed."""
    unknown = sorted(set(changes) - ADDRESS_UPDATABLE)
    if unknown:
        raise ValidationFailed(_("Unknown field: %(name)s") % {"name": unknown[0]}, field=unknown[0])
    current = {name: getattr(address, name) for name in ADDRESS_UPDATABLE}
    cleaned = _clean_address({**current, **changes}, default_country=address.party.country)
    with transaction.atomic():
        recorded = audited_update(address, by=by, **{name: cleaned[name] for name in changes})
        if recorded:
            _touched(address.party, by=by, what="addresses")
    return address


def address_delete(*, address: Address, by: User | None) -> None:
    """Remove an address (the audit trail keeps what it was)."""
    party = address.party
    with transaction.atomic():
        audit_record(
            actor=by,
            action=AuditAction.DELETE,
            obj=address,
            changes=deleted_changes(address, _ADDRESS_AUDITED),
        )
        address.delete()
        _touched(party, by=by, what="addresses")


# --------------------------------------------------------------------------- contact points
def _group(kind: str) -> set[str]:
    """Kinds that share one primary: the primary email, and the primary phone (landline or mobile)."""
    return {ContactKind.EMAIL} if kind == ContactKind.EMAIL else {ContactKind.PHONE, ContactKind.MOBILE}


def _normalize(kind: str, value: str, *, country: str) -> tuple[str, str]:
    if kind not in ContactKind.values:
        raise ValidationFailed(_("A contact point is an email, a phone or a mobile number."), field="kind")
    text = str(value or "").strip()
    if kind == ContactKind.EMAIL:
        return clean_email(text, field="value"), clean_email(text, field="value").casefold()
    return text, clean_phone(text, country=country, field="value")


def add_contact_point(
    *, party: Party, kind: str, value: str, by: User | None, is_primary: bool = False
) -> ContactPoint:
    """Validate and save a contact point of ``party`` with its audit entry (no event: the caller publishes)."""
    value, normalized = _normalize(kind, value, country=party.country)
    siblings = ContactPoint.all_companies.filter(party=party)
    if siblings.filter(normalized=normalized).exists():
        raise ValidationFailed(
            _("This party already has %(value)s.") % {"value": value}, field="value", code="duplicate_contact"
        )
    group = _group(kind)
    if not siblings.filter(kind__in=group, is_primary=True).exists():
        is_primary = True  # the first email (or phone) is the one documents use
    with transaction.atomic():
        if is_primary:
            siblings.filter(kind__in=group, is_primary=True).update(is_primary=False)
        contact = ContactPoint(
            company_id=party.company_id,
            party=party,
            kind=kind,
            value=value,
            normalized=normalized,
            is_primary=is_primary,
        )
        with django_errors_as_domain():
            contact.full_clean()
        contact.save(force_insert=True)
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=contact,
            changes=created_changes(contact, _CONTACT_AUDITED),
        )
    return contact


def contact_point_create(
    *, party: Party, by: User | None, kind: str, value: str, is_primary: bool = False
) -> ContactPoint:
    """Add an email or phone number to ``party``; refuses one the party already has."""
    with transaction.atomic():
        contact = add_contact_point(party=party, kind=kind, value=value, is_primary=is_primary, by=by)
        _touched(party, by=by, what="contact_points")
    return contact


def contact_point_update(
    *, contact_point: ContactPoint, by: User | None, value: str | None = None, is_primary: bool | None = None
) -> ContactPoint:
    """Correct a contact point's value or make it the primary one of its kind."""
    party = contact_point.party
    changes: dict[str, Any] = {}
    if value is not None:
        changes["value"], changes["normalized"] = _normalize(contact_point.kind, value, country=party.country)
        clash = ContactPoint.all_companies.filter(party=party, normalized=changes["normalized"]).exclude(
            pk=contact_point.pk
        )
        if clash.exists():
            raise ValidationFailed(_("This party already has %(value)s.") % {"value": value}, field="value")
    if is_primary is not None:
        changes["is_primary"] = is_primary
    with transaction.atomic():
        if is_primary:
            ContactPoint.all_companies.filter(
                party=party, kind__in=_group(contact_point.kind), is_primary=True
            ).exclude(pk=contact_point.pk).update(is_primary=False)
        recorded = audited_update(contact_point, by=by, **changes)
        if recorded:
            _touched(party, by=by, what="contact_points")
    return contact_point


def contact_point_delete(*, contact_point: ContactPoint, by: User | None) -> None:
    """Remove an email or phone number (the audit trail keeps it)."""
    party = contact_point.party
    with transaction.atomic():
        audit_record(
            actor=by,
            action=AuditAction.DELETE,
            obj=contact_point,
            changes=deleted_changes(contact_point, _CONTACT_AUDITED),
        )
        contact_point.delete()
        _touched(party, by=by, what="contact_points")
