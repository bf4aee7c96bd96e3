"""Inventory's domain errors (all map to 4xx in the API and to form errors on screens)."""

from __future__ import annotations

from concord.core.errors import Conflict, ValidationFailed

__all__ = ["InsufficientStockError", "LotRequiredError", "TransferStateError"]


class InsufficientStockError(Conflict):
    """Less is available than a line asks for ("only 3 available")."""


class TransferStateError(Conflict):
    """The transfer is not in a state that allows this (validating a cancelled one, cancelling a done one)."""


class LotRequiredError(ValidationFailed):
    """A lot- or serial-tracked product moved without its lot or serial number."""
