"""Global search: modules put their records into one trigram index and the search box queries it.

A module registers each kind of record it offers once, from ``AppConfig.ready()``::

    search_kind_register(kind="parties.party", label=_("Customers and suppliers"),
                         permission="parties.view", reindex=party_search_documents)

and its services call ``search_index(doc)`` / ``search_unindex(...)`` inside their own transaction,
so the index changes (or rolls back) with the record. ``search_query`` finds any substring of 3+
characters of a name, code or text in any script (Thai and Khmer have no spaces between words);
shorter queries match the start of codes and of title words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from concord.core.identity.models import Company, Membership, User
from concord.core.identity.permissions import permissions_for_roles
from concord.core.registry import ExtensionPoint, RegistryFrozenError, registry
from concord.core.search import engine
from concord.core.search.highlight import highlight_fragment
from concord.core.search.models import CODE_SEPARATOR, SearchEntry
from concord.core.search.query import parse_query

__all__ = [
    "MAX_LIMIT",
    "SearchDocument",
    "SearchHit",
    "SearchKind",
    "search_index",
    "search_index_many",
    "search_kind_register",
    "search_kinds",
    "search_query",
    "search_reindex",
    "search_unindex",
]

MAX_LIMIT = 100
BATCH_SIZE = 1000
_TITLE_MAX = SearchEntry._meta.get_field("title").max_length or 300
_SUBTITLE_MAX = SearchEntry._meta.get_field("subtitle").max_length or 300
# A code with at least this many digits (a phone, a tax ID) is also indexed as its bare digits, so
# "0812345678" finds "+66 81-234-5678".
_MIN_DIGITS_FOR_VARIANT = 6


@dataclass(frozen=True)
class SearchDocument:
    """What a module tells the index about one record."""

    kind: str  # "parties.party", "catalog.product"
    object_id: str
    company_id: int
    title: str  # the name, in any script
    subtitle: str = ""
    codes: tuple[str, ...] = ()  # internal refs, barcodes, tax IDs, emails, phones
    text: str = ""  # any other searchable text
    url: str = ""


@dataclass(frozen=True)
class SearchHit:
    """One record found: ``highlight`` is HTML-safe (escaped, the matches wrapped in ``<mark>``)."""

    kind: str
    kind_label: str
    object_id: str
    title: str
    subtitle: str
    url: str
    highlight: str
    score: float


@dataclass(frozen=True)
class SearchKind:
    """A kind of record offered to search: who may see it and how to rebuild its entries."""

    kind: str
    label: Any  # lazy translated, e.g. _("Products")
    permission: str  # "catalog.view"
    reindex: Callable[[], Iterable[SearchDocument]]


# Not part of ``registry.points()``, so it is checked against the registry's freeze by hand.
search_kinds: ExtensionPoint[SearchKind] = ExtensionPoint("search_kinds")


def search_kind_register(
    *, kind: str, label: Any, permission: str, reindex: Callable[[], Iterable[SearchDocument]]
) -> SearchKind:
    """Offer a kind of record to the search box (from ``AppConfig.ready()``)."""
    if registry.search_providers.frozen:
        raise RegistryFrozenError(f"search_kinds: cannot register {kind!r} after start-up")
    return search_kinds.register(
        kind, SearchKind(kind=kind, label=label, permission=permission, reindex=reindex)
    )


# --------------------------------------------------------------------------- writing the index


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def _code_variants(codes: Iterable[str]) -> list[str]:
    """The codes, plus the bare digits of those written with separators (phones, tax IDs)."""
    variants: list[str] = []
    for code in codes:
        digits = re.sub(r"\D", "", code)
        if len(digits) >= _MIN_DIGITS_FOR_VARIANT and digits != code:
            variants.append(digits)
    return variants


def _entry_fields(doc: SearchDocument) -> dict[str, Any]:
    codes = [c for c in (_clean(code) for code in doc.codes) if c]
    title = _clean(doc.title)[:_TITLE_MAX]
    subtitle = _clean(doc.subtitle)[:_SUBTITLE_MAX]
    text = _clean(doc.text)
    document = " ".join(part for part in (title, *codes, *_code_variants(codes), subtitle, text) if part)
    return {
        "company_id": doc.company_id,
        "title": title,
        "subtitle": subtitle,
        "codes": CODE_SEPARATOR.join(codes),
        "text": text,
        "url": doc.url,
        "document": document,
    }


def _fts_row(entry: SearchEntry) -> tuple[int, str, str, str]:
    codes = entry.code_list()
    return (
        entry.pk,
        entry.title,
        CODE_SEPARATOR.join([*codes, *_code_variants(codes)]),
        f"{entry.subtitle}\n{entry.text}".strip(),
    )


def search_index(doc: SearchDocument) -> None:
    """Add or refresh one record in the index; call it inside the writing service's transaction."""
    with transaction.atomic():
        entry, _created = SearchEntry.all_companies.update_or_create(
            kind=doc.kind, object_id=str(doc.object_id), defaults=_entry_fields(doc)
        )
        engine.fts_replace([_fts_row(entry)])


def search_index_many(docs: Iterable[SearchDocument]) -> int:
    """Add or refresh many records in batches (imports, reindexing); returns how many."""
    count = 0
    batch: list[SearchDocument] = []
    with transaction.atomic():
        for doc in docs:
            batch.append(doc)
            if len(batch) >= BATCH_SIZE:
                count += _index_batch(batch)
                batch = []
        if batch:
            count += _index_batch(batch)
    return count


def _index_batch(docs: list[SearchDocument]) -> int:
    latest = {(doc.kind, str(doc.object_id)): doc for doc in docs}  # the last copy of a record wins
    entries = [
        SearchEntry(kind=kind, object_id=object_id, **_entry_fields(doc))
        for (kind, object_id), doc in latest.items()
    ]
    update_fields = ["company", "title", "subtitle", "codes", "text", "url", "document", "updated_at"]
    SearchEntry.all_companies.bulk_create(
        entries, update_conflicts=True, unique_fields=["kind", "object_id"], update_fields=update_fields
    )
    if engine.is_sqlite():
        stored: list[SearchEntry] = []
        for kind in {kind for kind, _ in latest}:
            ids = [object_id for k, object_id in latest if k == kind]
            stored.extend(SearchEntry.all_companies.filter(kind=kind, object_id__in=ids))
        engine.fts_replace([_fts_row(entry) for entry in stored])
    return len(entries)


def search_unindex(*, kind: str, object_id: str) -> None:
    """Take a record out of the index (deleted, or no longer searchable)."""
    with transaction.atomic():
        ids = list(
            SearchEntry.all_companies.filter(kind=kind, object_id=str(object_id)).values_list("pk", flat=True)
        )
        engine.fts_delete(ids)
        SearchEntry.all_companies.filter(pk__in=ids).delete()


def search_reindex(*, kind: str | None = None) -> dict[str, int]:
    """Rebuild the entries of one registered kind (or of all) from its ``reindex()``; counts per kind."""
    kinds = [search_kinds.get(kind)] if kind is not None else search_kinds.values()
    counts: dict[str, int] = {}
    for search_kind in kinds:
        with transaction.atomic():
            stale = list(SearchEntry.all_companies.filter(kind=search_kind.kind).values_list("pk", flat=True))
            for start in range(0, len(stale), BATCH_SIZE):
                chunk = stale[start : start + BATCH_SIZE]
                engine.fts_delete(chunk)
                SearchEntry.all_companies.filter(pk__in=chunk).delete()
            counts[search_kind.kind] = search_index_many(
                doc for doc in search_kind.reindex() if doc.kind == search_kind.kind
            )
    return counts


# --------------------------------------------------------------------------- querying the index


def _visible_scopes(
    user: User | AnonymousUser | None, company_ids: Iterable[int] | None, kinds: Iterable[str] | None
) -> list[engine.KindScope]:
    """The kinds the user may see and, for each, the companies where the user's roles allow it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    wanted = set(kinds) if kinds is not None else None
    registered = [k for k in search_kinds.values() if wanted is None or k.kind in wanted]
    requested = {int(cid) for cid in company_ids} if company_ids is not None else None
    if user.is_superuser:
        if requested is None:
            return [engine.KindScope(kind=k.kind, company_ids=None) for k in registered]
        active = set(Company.objects.filter(pk__in=requested, is_active=True).values_list("pk", flat=True))
        return [engine.KindScope(kind=k.kind, company_ids=tuple(sorted(active))) for k in registered]
    roles: dict[int, set[str]] = {}
    memberships = Membership.objects.filter(user=user, is_active=True, company__is_active=True)
    for company_id, role in memberships.values_list("company_id", "role"):
        if requested is None or company_id in requested:
            roles.setdefault(company_id, set()).add(role)
    permissions = {company_id: permissions_for_roles(held) for company_id, held in roles.items()}
    scopes = []
    for search_kind in registered:
        allowed = tuple(sorted(cid for cid, perms in permissions.items() if search_kind.permission in perms))
        if allowed:
            scopes.append(engine.KindScope(kind=search_kind.kind, company_ids=allowed))
    return scopes


def search_query(
    *,
    query: str,
    user: User | AnonymousUser | None,
    company_ids: Iterable[int] | None = None,
    kinds: Iterable[str] | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """The best matches for ``query`` among the records ``user`` may see, best first.

    Only kinds whose permission the user holds, and only in companies where they hold it (of
    ``company_ids`` when given, of all the user's companies otherwise). The query is read up to 200
    characters; an empty one finds nothing.
    """
    parsed = parse_query(query or "")
    limit = max(0, min(int(limit), MAX_LIMIT))
    if parsed is None or limit == 0:
        return []
    scopes = _visible_scopes(user, company_ids, kinds)
    if not scopes:
        return []
    ranked = engine.ranked_ids(parsed, scopes, limit)
    entries = SearchEntry.all_companies.in_bulk([entry_id for entry_id, _score in ranked])
    terms = (parsed.text,) if parsed.prefix else parsed.terms
    hits = []
    for entry_id, score in ranked:
        entry = entries.get(entry_id)
        if entry is None:
            continue
        fields = [entry.title, *entry.code_list(), entry.subtitle, entry.text]
        hits.append(
            SearchHit(
                kind=entry.kind,
                kind_label=str(search_kinds.get(entry.kind).label),
                object_id=entry.object_id,
                title=entry.title,
                subtitle=entry.subtitle,
                url=entry.url,
                highlight=highlight_fragment(fields, terms, prefix_only=parsed.prefix),
                score=score,
            )
        )
    return hits
