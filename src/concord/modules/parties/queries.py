"""Reads of parties: lists, one party with what its page shows, duplicate candidates, references, timeline."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditEntry
from concord.core.audit.queries import audit_entries
from concord.core.errors import NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.core.outbox.models import OutboxEvent
from concord.core.registry import TimelineEntry, registry
from concord.modules.parties.errors import DuplicateMatch
from concord.modules.parties.models import Address, ContactPoint, Party, Tag
from concord.modules.parties.similarity import NAME_SIMILARITY
from concord.modules.parties.validation import clean_phone, clean_tax_id, name_key

__all__ = [
    "NAME_SIMILARITY",
    "PartyLink",
    "TimelineEntry",
    "parties_filtered",
    "party_detail",
    "party_duplicates",
    "party_links",
    "party_merge_preview",
    "party_references",
    "party_timeline",
]

MAX_DUPLICATES = 10


def parties_filtered(
    *,
    company_ids: Iterable[int] | None = None,
    q: str = "",
    kind: str = "",
    is_customer: bool | None = None,
    is_supplier: bool | None = None,
    tag: str = "",
    is_active: bool | None = None,
) -> QuerySet[Party]:
    """Parties matching the filters, in the current company scope (``company_ids`` narrows further).

    ``q`` matches the name, code or tax ID by substring, or an email/phone of the party.
    """
    parties = Party.objects.select_related("organization")
    if company_ids is not None:
        parties = parties.filter(company_id__in=list(company_ids))
    if q:
        text = q.strip()
        contact_match = ContactPoint.objects.filter(
            Q(value__icontains=text) | Q(normalized__icontains=text.casefold())
        ).values("party_id")
        parties = parties.filter(
            Q(name__icontains=text)
            | Q(code__icontains=text)
            | Q(tax_id__icontains=text)
            | Q(pk__in=contact_match)
        )
    if kind:
        parties = parties.filter(kind=kind)
    if is_customer is not None:
        parties = parties.filter(is_customer=is_customer)
    if is_supplier is not None:
        parties = parties.filter(is_supplier=is_supplier)
    if tag:
        parties = parties.filter(tags__name__iexact=tag.strip()).distinct()
    if is_active is not None:
        parties = parties.filter(is_active=is_active)
    return parties


def party_detail(party_id: int) -> Party:
    """One party of the current scope with everything its header shows, or ``NotFound``."""
    party: Party | None = (
        Party.objects.select_related("organization", "salesperson", "company")
        .prefetch_related("addresses", "contact_points", "tags")
        .filter(pk=party_id)
        .first()
    )
    if party is None:
        raise NotFound(_("There is no such party."))
    return party


# --------------------------------------------------------------------------- duplicates
def _best_effort(clean: Any, value: str, **kwargs: Any) -> str:
    try:
        return str(clean(value, **kwargs))
    except ValidationFailed:
        return value.strip()


def party_duplicates(
    *,
    company: Company | int,
    name: str = "",
    tax_id: str = "",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    country: str = "",
    exclude: Iterable[int] | int | None = None,
) -> list[DuplicateMatch]:
    """Existing parties of ``company`` that are probably the same organisation or person.

    Reasons: the same tax ID; the same email (case-insensitive) or phone (E.164); a very similar name
    (difflib ratio of the name keys >= ``NAME_SIMILARITY``; legal forms such as "Co., Ltd." or "บริษัท"
    do not count). Archived parties are included: the user may want to bring one back instead.
    """
    company_id = company.pk if isinstance(company, Company) else company
    excluded = {exclude} if isinstance(exclude, int) else set(exclude or ())
    base = Party.all_companies.filter(company_id=company_id).exclude(pk__in=excluded)
    reasons: dict[int, list[str]] = {}

    def add(party_id: int, reason: str) -> None:
        reasons.setdefault(party_id, [])
        if reason not in reasons[party_id]:
            reasons[party_id].append(reason)

    tax = _best_effort(clean_tax_id, tax_id, country=country) if tax_id.strip() else ""
    if tax:
        for party_id in base.filter(tax_id=tax).values_list("pk", flat=True):
            add(party_id, _("same tax ID %(tax_id)s") % {"tax_id": tax})

    wanted: dict[str, str] = {}
    for email in emails:
        if email.strip():
            wanted[email.strip().casefold()] = _("same email %(value)s") % {"value": email.strip()}
    for phone in phones:
        if phone.strip():
            normalized = _best_effort(clean_phone, phone, country=country)
            wanted[normalized] = _("same phone %(value)s") % {"value": phone.strip()}
    if wanted:
        matches = ContactPoint.all_companies.filter(
            company_id=company_id, normalized__in=list(wanted)
        ).exclude(party_id__in=excluded)
        for party_id, normalized in matches.values_list("party_id", "normalized"):
            add(party_id, wanted[normalized])

    key = name_key(name)
    if len(key) >= 3:
        low, high = math.floor(len(key) * 0.8), math.ceil(len(key) * 1.25)
        candidates = (
            base.annotate(key_length=Length("name_key"))
            .filter(key_length__gte=low, key_length__lte=high)
            .values_list("pk", "name_key")
        )
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        for party_id, other in candidates.iterator(chunk_size=2000):
            matcher.set_seq1(other)
            if other == key or (
                matcher.real_quick_ratio() >= NAME_SIMILARITY
                and matcher.quick_ratio() >= NAME_SIMILARITY
                and matcher.ratio() >= NAME_SIMILARITY
            ):
                add(party_id, _("very similar name"))

    if not reasons:
        return []
    parties = Party.all_companies.select_related("organization").in_bulk(list(reasons))
    found = [
        DuplicateMatch(party=parties[pid], reasons=tuple(why))
        for pid, why in reasons.items()
        if pid in parties
    ]
    found.sort(key=lambda match: (-len(match.reasons), match.party.name, match.party.pk))
    return found[:MAX_DUPLICATES]


# --------------------------------------------------------------------------- references
@dataclass(frozen=True)
class PartyLink:
    """A foreign key somewhere in Concord that points at a party (``field`` on ``model``)."""

    model: type[models.Model]
    field: models.ForeignKey[Any, Any]

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"

    @property
    def is_own_part(self) -> bool:
        """Addresses, contact points and the party's own tag links belong to it; they are no reference."""
        return self.model in (Address, ContactPoint) or self.model is Party.tags.through

    def rows(self, party: Party) -> QuerySet[Any]:
        return self.model._base_manager.filter(**{self.field.attname: party.pk})


def party_links() -> list[PartyLink]:
    """Every foreign key in every installed model (other modules' too) that points at ``Party``.

    Read from the app registry rather than ``Party._meta.related_objects`` so relations declared with
    ``related_name="+"`` and the tables behind many-to-many fields are included.
    """
    links = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Party:
                links.append(PartyLink(model=model, field=field))
    return links


def party_references(party: Party) -> dict[str, int]:
    """``{"sales.order.customer": 3, "parties.party.organization": 2}``: who refers to ``party``.

    A party's own addresses, contact points and tags are not references.
    """
    counts: dict[str, int] = {}
    for link in party_links():
        if link.is_own_part:
            continue
        rows = link.rows(party)
        if link.model is Party:
            rows = rows.exclude(pk=party.pk)
        count = rows.count()
        if count:
            counts[link.label] = count
    return counts


def party_merge_preview(*, survivor: Party, duplicate: Party) -> dict[str, int]:
    """What merging ``duplicate`` into ``survivor`` would move: rows per reference (own parts included)."""
    counts: dict[str, int] = {}
    for link in party_links():
        rows = link.rows(duplicate)
        if link.model is Party:
            rows = rows.exclude(pk=survivor.pk)
        count = rows.count()
        if count:
            counts[link.label] = count
    return counts


# --------------------------------------------------------------------------- timeline
def _actor_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _audit_entries(party: Party, limit: int) -> Iterator[TimelineEntry]:
    entries: QuerySet[AuditEntry] = audit_entries(
        company_ids=[party.company_id], model=Party, object_id=party.pk
    )[:limit]
    for entry in entries:
        changed = ", ".join(sorted(entry.changes)) if isinstance(entry.changes, dict) else ""
        yield TimelineEntry(
            when=entry.created_at,
            source="audit",
            title=str(entry.get_action_display()),
            detail=changed,
            actor=_actor_name(entry.actor),
        )


def _event_titles() -> dict[str, str]:
    return {
        "parties.PartyCreated": _("Party created"),
        "parties.PartyUpdated": _("Details changed"),
        "parties.PartyArchived": _("Archived"),
        "parties.PartyUnarchived": _("Brought back from the archive"),
        "parties.PartyMerged": _("A duplicate was merged in"),
    }


def _events(party: Party, limit: int) -> Iterator[TimelineEntry]:
    events = (
        OutboxEvent.objects.filter(
            company_id=party.company_id, aggregate_type="parties.party", aggregate_id=str(party.pk)
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    titles = _event_titles()
    for event in events:
        if event.event_type in registry.event_describers:
            title, detail = registry.event_describers.get(event.event_type)(event.payload)
        else:
            title = titles.get(event.event_type, event.event_type)
            detail = ", ".join(
                f"{k}={v}" for k, v in sorted(event.payload.items()) if k not in {"company_id"}
            )
        yield TimelineEntry(
            when=event.created_at,
            source="event",
            title=title,
            detail=detail,
            actor=_actor_name(event.actor),
        )


def party_timeline(
    party: Party, *, extra: Iterable[TimelineEntry] = (), limit: int = 50
) -> list[TimelineEntry]:
    """The party's audit entries and its events (``aggregate`` = this party), plus ``extra`` entries
    that panels of other modules contribute, newest first."""
    entries = [*_audit_entries(party, limit), *_events(party, limit), *extra]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def tags_for(company_ids: Iterable[int]) -> QuerySet[Tag]:
    return Tag.objects.filter(company_id__in=list(company_ids)).order_by("name")
