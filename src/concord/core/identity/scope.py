"""The company scope of the current request or task, kept in a context variable."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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
