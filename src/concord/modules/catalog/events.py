"""The events the catalog publishes through the outbox (past tense, ids not objects).

Each is published with the product as its aggregate (``catalog.product``, id); who acted travels on
the outbox row.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = ["ProductArchived", "ProductCreated", "ProductDeleted", "ProductUnarchived", "ProductUpdated"]


@dataclass(frozen=True)
class ProductCreated(Event):
    """A product or service was added to the catalog."""

    product_id: int
    company_id: int
    kind: str
    name: str


@dataclass(frozen=True)
class ProductUpdated(Event):
    """A product's details changed; ``fields`` names what changed (prices included)."""

    product_id: int
    company_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ProductArchived(Event):
    """A product was archived: kept for history, no longer offered."""

    product_id: int
    company_id: int


@dataclass(frozen=True)
class ProductUnarchived(Event):
    """An archived product was brought back into the catalog."""

    product_id: int
    company_id: int


@dataclass(frozen=True)
class ProductDeleted(Event):
    """A product that nothing referred to was removed."""

    product_id: int
    company_id: int
    name: str
