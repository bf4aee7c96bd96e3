"""Errors of the outbox: a programming error for misuse, domain errors for refused operations."""

from __future__ import annotations

from concord.core.errors import Conflict


class PublishOutsideTransactionError(RuntimeError):
    """``publish()`` ran in autocommit mode, where the event could outlive a rolled-back change."""

    def __init__(self) -> None:
        super().__init__(
            "publish() must be called inside transaction.atomic(): the outbox row is written in the "
            "same transaction as the change it describes, so both commit or neither does."
        )


class ReplayRefusedError(Conflict):
    """The event cannot be replayed in its current state (HTTP 409)."""

    code = "outbox_replay_refused"
