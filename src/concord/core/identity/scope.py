"""The company scope of the current request or task, and the memberships of the request's user.

Both are kept in context variables, so they end with the request (or task) that set them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_delete, post_save

if TYPE_CHECKING:
    from concord.core.identity.models.company import Company

_scope: ContextVar[frozenset[int] | None] = ContextVar("concord_company_scope", default=None)


def current_company_ids() -> frozenset[int] | None:
    """The company ids visible in this context, or None in a system context (no filtering)."""
    return _scope.get()


@contextmanager
def company_scope(company_ids: Iterable[int]) -> Iterator[frozenset[int]]:
    """Limit company-owned default querysets to ``company_ids`` inside the block."""
    ids = frozenset(company_ids)
    token = _scope.set(ids)
    try:
        yield ids
    finally:
        _scope.reset(token)


@contextmanager
def system_scope() -> Iterator[None]:
    """Run the block in the system context (no company filtering), e.g. event handlers and jobs."""
    token = _scope.set(None)
    try:
        yield
    finally:
        _scope.reset(token)


# --------------------------------------------------------------------------- memberships of the request
@dataclass(frozen=True)
class ActiveMemberships:
    """A user's active memberships in active companies, read in one query.

    ``roles`` maps each company id to the roles held there; ``companies`` are those companies ordered
    by name (what the company switcher offers).
    """

    user_id: int
    roles: Mapping[int, frozenset[str]]
    companies: tuple[Company, ...]


@dataclass
class _MembershipMemo:
    """The memberships of the request's user, once read; None until then or after a change."""

    user_id: int
    value: ActiveMemberships | None = None


_memberships: ContextVar[_MembershipMemo | None] = ContextVar("concord_request_memberships", default=None)


@contextmanager
def memberships_remembered(user_id: int) -> Iterator[None]:
    """Inside the block, ``user_id``'s memberships are read once and reused (one web request).

    Saving or deleting any membership or company forgets them, so a change made during the request is
    seen by the next read; nothing outlives the block.
    """
    token = _memberships.set(_MembershipMemo(user_id=user_id))
    try:
        yield
    finally:
        _memberships.reset(token)


def remembered_memberships(user_id: int) -> ActiveMemberships | None:
    """The memberships remembered for ``user_id`` in this context, if any."""
    memo = _memberships.get()
    if memo is None or memo.user_id != user_id:
        return None
    return memo.value


def remember_memberships(memberships: ActiveMemberships) -> None:
    """Keep ``memberships`` for the rest of the block, if one is remembering that user's."""
    memo = _memberships.get()
    if memo is not None and memo.user_id == memberships.user_id:
        memo.value = memberships


def forget_memberships(**_kwargs: Any) -> None:
    """Drop the remembered memberships (a signal receiver: a membership or a company changed)."""
    memo = _memberships.get()
    if memo is not None:
        memo.value = None


for _sender in ("identity.Membership", "identity.Company"):
    post_save.connect(forget_memberships, sender=_sender, weak=False, dispatch_uid=f"forget-{_sender}-save")
    post_delete.connect(forget_memberships, sender=_sender, weak=False, dispatch_uid=f"forget-{_sender}-del")
