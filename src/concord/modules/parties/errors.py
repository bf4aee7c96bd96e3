"""Domain errors of parties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from concord.core.errors import Conflict

if TYPE_CHECKING:
    from concord.modules.parties.models import Party

__all__ = ["DuplicateMatch", "DuplicatePartyError"]


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing party that looks like the one being entered, and why (``reasons`` are translated)."""

    party: Party
    reasons: tuple[str, ...]


class DuplicatePartyError(Conflict):
    """Creating the party would make a likely duplicate; ``duplicates`` lists the existing ones."""

    code = "duplicate_party"

    def __init__(self, message: Any, *, duplicates: list[DuplicateMatch]) -> None:
        super().__init__(message)
        self.duplicates = duplicates
