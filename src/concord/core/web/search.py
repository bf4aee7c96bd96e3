"""The global search box: what a search provider is, and running a query across all of them.

A module offers its records to the box by registering a provider in ``AppConfig.ready()``::

    registry.search_providers.register("parties", PartySearch())

where the provider has a ``label`` (what it searches, translated) and a ``search(*, request, query,
limit)`` method returning ``SearchHit`` rows the request's user may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.http import HttpRequest

from concord.core.registry import registry

QUERY_MAX_LENGTH = 200
HITS_PER_PROVIDER = 20


@dataclass(frozen=True)
class SearchHit:
    """One record found by the global search: what it is called, where it lives, a line of detail."""

    title: str
    url: str
    detail: str = ""


@runtime_checkable
class SearchProvider(Protocol):
    """Something registered in ``registry.search_providers``."""

    label: Any

    def search(self, *, request: HttpRequest, query: str, limit: int) -> list[SearchHit]: ...


@dataclass(frozen=True)
class ProviderResults:
    """The hits of one provider for one query."""

    key: str
    label: Any
    hits: list[SearchHit] = field(default_factory=list)


def search_everywhere(*, request: HttpRequest, query: str) -> list[ProviderResults]:
    """Ask every registered provider; with an empty query, list the providers without hits."""
    query = query.strip()[:QUERY_MAX_LENGTH]
    results = []
    for key, provider in registry.search_providers.items():
        if not isinstance(provider, SearchProvider):
            raise TypeError(f"search provider {key!r} lacks a label or a search() method")
        hits = provider.search(request=request, query=query, limit=HITS_PER_PROVIDER) if query else []
        results.append(ProviderResults(key=key, label=provider.label, hits=hits[:HITS_PER_PROVIDER]))
    return results
