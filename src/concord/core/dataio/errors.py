"""Why an import is refused."""

from __future__ import annotations

from typing import Any

from concord.core.errors import Conflict, ValidationFailed

__all__ = ["ImportStateError", "UploadRejected"]


class UploadRejected(ValidationFailed):
    """The uploaded file cannot be imported at all: wrong type, too big, unreadable, wrong columns."""

    code = "upload_rejected"

    def __init__(self, message: Any) -> None:
        super().__init__(message, field="file")


class ImportStateError(Conflict):
    """The job is not in a state that allows this step (confirming twice, cancelling a finished job)."""

    code = "import_state"
