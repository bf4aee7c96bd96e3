"""Domain errors of the catalog."""

from __future__ import annotations

from concord.core.errors import Conflict, ValidationFailed

__all__ = ["DuplicateProductError", "InUseError", "UomMismatchError"]


class UomMismatchError(ValidationFailed):
    """Two units measure different things (kg and pieces): no conversion exists between them."""

    code = "uom_mismatch"


class DuplicateProductError(Conflict):
    """Another product of the company already has this internal reference or barcode."""

    code = "duplicate_product"


class InUseError(Conflict):
    """The record is referenced elsewhere and cannot be deleted; archive it instead."""

    code = "in_use"
