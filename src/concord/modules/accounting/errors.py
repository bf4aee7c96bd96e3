"""Domain errors of accounting: each says in the user's words why nothing was written."""

from __future__ import annotations

from concord.core.errors import Conflict, ValidationFailed

__all__ = [
    "AccountingNotSetUpError",
    "EntryNotBalancedError",
    "InvalidAccountError",
    "OverpaymentError",
    "PeriodLockedError",
    "PostedEntryError",
    "StateError",
]


class AccountingNotSetUpError(Conflict):
    """The company has no chart of accounts yet."""

    code = "accounting_not_set_up"


class EntryNotBalancedError(ValidationFailed):
    """Debits and credits of an entry differ."""

    code = "entry_not_balanced"


class PeriodLockedError(ValidationFailed):
    """The date is on or before the lock date, or in a closed period."""

    code = "period_locked"


class PostedEntryError(Conflict):
    """A posted entry was asked to change: post a reversal instead."""

    code = "entry_posted"


class InvalidAccountError(ValidationFailed):
    """An account (or journal, tax, partner) of another company, a group account or an archived one."""

    code = "invalid_account"


class OverpaymentError(ValidationFailed):
    """A payment is larger than what it pays, and overpayment was not chosen."""

    code = "overpayment"


class StateError(Conflict):
    """The document is not in a state that allows this action."""

    code = "invalid_state"
