"""How a party appears in the global search: its ``SearchDocument``, kept in sync by the services."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from concord.core.search.facade import SearchDocument, search_index, search_unindex
from concord.modules.parties.models import Party

SEARCH_KIND = "parties.party"

__all__ = ["SEARCH_KIND", "party_index", "party_search_document", "party_search_documents", "party_unindex"]


def party_search_document(party: Party) -> SearchDocument:
    """The searchable form of ``party``: name as title; code, tax ID, emails and phones as codes.

    Reads ``contact_points``, ``addresses`` and ``tags`` through the related managers, so callers that
    index many parties prefetch them (``party_search_documents`` does).
    """
    contacts = list(party.contact_points.all())
    addresses = list(party.addresses.all())
    codes: list[str] = [value for value in (party.code, party.tax_id) if value]
    for contact in contacts:
        codes.append(contact.value)
        if contact.normalized != contact.value:
            codes.append(contact.normalized)
    organization = party.organization.name if party.organization_id and party.organization else ""
    city = next(
        (address.city or address.province for address in addresses if address.city or address.province), ""
    )
    subtitle = " · ".join(part for part in (organization, city) if part)
    text = " ".join([*(tag.name for tag in party.tags.all()), *(str(address) for address in addresses)])
    return SearchDocument(
        kind=SEARCH_KIND,
        object_id=str(party.pk),
        company_id=party.company_id,
        title=party.name,
        subtitle=subtitle,
        codes=tuple(dict.fromkeys(codes)),
        text=text,
        url=reverse("parties:detail", args=[party.pk]),
    )


def party_index(party: Party) -> None:
    """Upsert ``party``'s search document; call inside the writing service's transaction."""
    search_index(party_search_document(party))


def party_unindex(party_id: int) -> None:
    search_unindex(kind=SEARCH_KIND, object_id=str(party_id))


def party_search_documents() -> Iterator[SearchDocument]:
    """Every party of every company, for a full rebuild of the search index."""
    parties = (
        Party.all_companies.select_related("organization")
        .prefetch_related("contact_points", "addresses", "tags")
        .order_by("pk")
    )
    for party in parties.iterator(chunk_size=500):
        yield party_search_document(party)
