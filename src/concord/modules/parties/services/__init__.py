"""Writes of parties, their addresses and contact points, and merging. Views and the API call these."""

from concord.modules.parties.queries import party_duplicates
from concord.modules.parties.services.contacts import (
    address_create,
    address_delete,
    address_update,
    contact_point_create,
    contact_point_delete,
    contact_point_update,
)
from concord.modules.parties.services.merge import party_merge
from concord.modules.parties.services.party import (
    PARTY_UPDATABLE,
    party_archive,
    party_create,
    party_delete,
    party_unarchive,
    party_update,
)

__all__ = [
    "PARTY_UPDATABLE",
    "address_create",
    "address_delete",
    "address_update",
    "contact_point_create",
    "contact_point_delete",
    "contact_point_update",
    "party_archive",
    "party_create",
    "party_delete",
    "party_duplicates",
    "party_merge",
    "party_unarchive",
    "party_update",
]
