"""Merging a duplicate party into the one that survives.

Every foreign key in Concord that points at the duplicate (found through the app registry, so other
modules' future models are covered without parties knowing them) is repointed at the survivor; the
duplicate's contact points, addresses and tags join the survivor's without doubling; the duplicate is
archived (never deleted: its history stays readable) and both get an audit entry.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, snapshot
from concord.core.errors import Conflict
from concord.core.identity.models import User
from concord.modules.parties.events import PartyMerged
from concord.modules.parties.indexing import party_index, party_unindex
from concord.modules.parties.models import Address, ContactPoint, Party
from concord.modules.parties.queries import PartyLink, party_links
from concord.modules.parties.services._support import publish_about

__all__ = ["party_merge"]

_FILLED_FROM_DUPLICATE = ("tax_id", "branch_code", "website", "salesperson_id")
_FLAGS = ("is_customer", "is_supplier", "is_employee_contact", "is_prospect")


def _unique_groups(model: type[models.Model], field: models.Field[Any, Any]) -> list[tuple[str, ...]]:
    """The unique field sets of ``model`` that include ``field`` (for repointing without a clash)."""
    groups: list[tuple[str, ...]] = []
    if field.unique:
        groups.append((field.name,))
    for together in model._meta.unique_together:
        if field.name in together:
            groups.append(tuple(together))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field.name in constraint.fields:
            groups.append(tuple(constraint.fields))
    return groups


def _move_contact_points(survivor: Party, duplicate: Party) -> int:
    mine = ContactPoint.all_companies.filter(party=survivor)
    have = set(mine.values_list("normalized", flat=True))
    primary_kinds = set(mine.filter(is_primary=True).values_list("kind", flat=True))
    moved = 0
    for contact in ContactPoint.all_companies.filter(party=duplicate):
        if contact.normalized in have:
            contact.delete()  # the survivor already has it; the merge entry records the duplicate's id
            continue
        contact.party = survivor
        if contact.is_primary and contact.kind in primary_kinds:
            contact.is_primary = False
        contact.save(update_fields=["party", "is_primary"])
        have.add(contact.normalized)
        moved += 1
    return moved


def _move_addresses(survivor: Party, duplicate: Party) -> int:
    mine = list(Address.all_companies.filter(party=survivor))
    moved = 0
    for address in Address.all_companies.filter(party=duplicate):
        if any(address.same_place_as(other) for other in mine):
            address.delete()
            continue
        address.party = survivor
        address.save(update_fields=["party"])
        mine.append(address)
        moved += 1
    return moved


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(getattr(field, "attname", name))


def _move_generic(link: PartyLink, survivor: Party, duplicate: Party) -> int:
    """Repoint ``link``'s rows from the duplicate to the survivor, honouring unique constraints.

    Rows of an automatic many-to-many table that would double a link the survivor already has are
    dropped; for any other model a clash is a ``Conflict`` (a person must decide which row wins).
    """
    rows = link.rows(duplicate)
    if link.model is Party:
        rows = rows.exclude(pk=survivor.pk)
    for group in _unique_groups(link.model, link.field):
        others = [name for name in group if name != link.field.name]
        taken = set(link.rows(survivor).values_list(*others)) if others else set()
        if not others and link.rows(survivor).exists():
            taken = {()}
        if not taken:
            continue
        clashing = [
            row.pk for row in rows if tuple(getattr(row, _attname(link.model, n)) for n in others) in taken
        ]
        if not clashing:
            continue
        if link.model._meta.auto_created:
            link.model._base_manager.filter(pk__in=clashing).delete()
            rows = link.rows(duplicate)
        else:
            raise Conflict(
                _("Both parties have a %(what)s that can exist only once; resolve it before merging.")
                % {"what": link.model._meta.verbose_name},
                code="merge_clash",
            )
    return rows.update(**{link.field.attname: survivor.pk})


def _take_over_details(survivor: Party, duplicate: Party) -> None:
    """Fill the survivor's blanks from the duplicate, add its roles, append its notes (not saved here)."""
    if survivor.organization_id == duplicate.pk:  # the survivor was a person of the duplicate
        survivor.organization = None
    if duplicate.code and not survivor.code:
        # A code stays unique in the company: the duplicate gives its code up before the survivor takes it.
        Party.all_companies.filter(pk=duplicate.pk).update(code="")
        survivor.code, duplicate.code = duplicate.code, ""
    for attname in _FILLED_FROM_DUPLICATE:
        if not getattr(survivor, attname) and getattr(duplicate, attname):
            setattr(survivor, attname, getattr(duplicate, attname))
    for flag in _FLAGS:
        setattr(survivor, flag, getattr(survivor, flag) or getattr(duplicate, flag))
    if duplicate.notes and duplicate.notes not in survivor.notes:
        survivor.notes = "\n\n".join(part for part in (survivor.notes, duplicate.notes) if part)


def party_merge(*, survivor: Party, duplicate: Party, by: User | None) -> dict[str, int]:
    """Merge ``duplicate`` into ``survivor``; returns how many rows moved per reference.

    Refuses (``Conflict``) parties of different companies or kinds, and a party merged with itself.
    Blank details of the survivor (code, tax ID, branch, website, salesperson) are filled from the
    duplicate, its roles (customer, supplier...) are added, and its notes appended.
    """
    if survivor.pk == duplicate.pk:
        raise Conflict(_("A party cannot be merged with itself."), code="merge_same_party")
    if survivor.company_id != duplicate.company_id:
        raise Conflict(_("Parties of different companies cannot be merged."), code="merge_other_company")
    if survivor.kind != duplicate.kind:
        raise Conflict(_("An organisation and a person cannot be merged."), code="merge_kind_mismatch")
    moved: dict[str, int] = {}
    with transaction.atomic():
        # Lock both rows (in id order, so two opposite merges cannot deadlock) before anything moves.
        locked = (
            Party.all_companies.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk")
        )
        list(locked.values_list("pk", flat=True))
        before = snapshot(survivor)
        for link in party_links():
            if link.model is ContactPoint:
                count = _move_contact_points(survivor, duplicate)
            elif link.model is Address:
                count = _move_addresses(survivor, duplicate)
            else:
                count = _move_generic(link, survivor, duplicate)
            if count:
                moved[link.label] = count
        _take_over_details(survivor, duplicate)
        survivor.save()
        after = snapshot(survivor)
        field_changes = {
            name: [before[name], after[name]] for name in after if before.get(name) != after[name]
        }
        audit_record(
            actor=by,
            action=AuditAction.OTHER,
            obj=survivor,
            changes={**field_changes, "merged_from": [None, duplicate.pk], "moved": [None, moved]},
        )
        was_active = duplicate.is_active
        duplicate.is_active = False
        duplicate.save(update_fields=["is_active", "code", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.OTHER,
            obj=duplicate,
            changes={"merged_into": [None, survivor.pk], "is_active": [was_active, False]},
        )
        party_unindex(duplicate.pk)
        party_index(survivor)
        moved_people = Party.all_companies.filter(organization=survivor).exclude(pk=survivor.pk)
        if "parties.party.organization" in moved:
            for person in moved_people:
                party_index(person)
        publish_about(
            PartyMerged(
                survivor_id=survivor.pk,
                duplicate_id=duplicate.pk,
                company_id=survivor.company_id,
                moved=moved,
            ),
            by=by,
            about=survivor,
        )
    return moved
