from concord.modules.parties.models.address import Address, AddressKind
from concord.modules.parties.models.contact_point import ContactKind, ContactPoint
from concord.modules.parties.models.party import Party, PartyKind, PartyLanguage
from concord.modules.parties.models.tag import Tag

__all__ = [
    "Address",
    "AddressKind",
    "ContactKind",
    "ContactPoint",
    "Party",
    "PartyKind",
    "PartyLanguage",
    "Tag",
]
