"""The events parties publish through the outbox (past tense, ids not objects).

Each is published with the party as its aggregate (``parties.party``, id), which is how the 360° timeline
finds them; who acted travels on the outbox row.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = ["PartyArchived", "PartyCreated", "PartyDeleted", "PartyMerged", "PartyUnarchived", "PartyUpdated"]


@dataclass(frozen=True)
class PartyCreated(Event):
    """A customer, supplier or contact was recorded."""

    party_id: int
    company_id: int
    kind: str
    name: str


@dataclass(frozen=True)
class PartyUpdated(Event):
    """A party's details changed; ``fields`` names what changed (``addresses``/``contact_points`` too)."""

    party_id: int
    company_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class PartyArchived(Event):
    """A party was archived: kept for history, hidden from pickers."""

    party_id: int
    company_id: int


@dataclass(frozen=True)
class PartyUnarchived(Event):
    """An archived party was brought back into use."""

    party_id: int
    company_id: int


@dataclass(frozen=True)
class PartyDeleted(Event):
    """A party that nothing referred to was removed."""

    party_id: int
    company_id: int
    name: str


@dataclass(frozen=True)
class PartyMerged(Event):
    """``duplicate`` was merged into ``survivor``: every reference now points at the survivor."""

    survivor_id: int
    duplicate_id: int
    company_id: int
    moved: dict[str, int]
