"""Events the identity services publish through the outbox (past tense, ids not objects).

Who acted travels on the outbox row (``actor_id``), not in the payload.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event


@dataclass(frozen=True)
class CompanyCreated(Event):
    """A company was set up; modules create its defaults (chart of accounts, sequences...)."""

    company_id: int
    code: str
    country: str
    currency: str


@dataclass(frozen=True)
class CompanyUpdated(Event):
    """A company's details changed; ``fields`` names what changed."""

    company_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class UserCreated(Event):
    """A user account was created."""

    user_id: int
    username: str


@dataclass(frozen=True)
class UserUpdated(Event):
    """A user's profile changed (never carries the password); ``fields`` names what changed."""

    user_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class UserPasswordChanged(Event):
    """A user's password was set or changed."""

    user_id: int


@dataclass(frozen=True)
class UserDeactivated(Event):
    """A user can no longer sign in; their access tokens were revoked."""

    user_id: int


@dataclass(frozen=True)
class MembershipGranted(Event):
    """A user received a role in a company (new, or re-activated)."""

    membership_id: int
    user_id: int
    company_id: int
    role: str


@dataclass(frozen=True)
class MembershipRevoked(Event):
    """A user lost a role in a company."""

    membership_id: int
    user_id: int
    company_id: int
    role: str
