"""Fixtures of the activities tests: two companies, their people, and a record type that takes activities.

Core tests cannot import modules, so the record is a company itself (``identity.company``), registered
as an activity target for the test with ``temporary_registration``: managers may view and change it,
sales people neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.core.registry import ActivityTarget, registry, temporary_registration

COMPANY_TARGET = ActivityTarget(
    model_label="identity.company", view_permission="companies.view", change_permission="companies.change"
)


@pytest.fixture
def company_target() -> Iterator[ActivityTarget]:
    with temporary_registration(registry.activity_targets, "identity.company", COMPANY_TARGET) as target:
        yield target


@pytest.fixture
def view_only_target() -> Iterator[ActivityTarget]:
    """Companies as targets that managers may view but not change (``users.change`` is admin only)."""
    spec = ActivityTarget(
        model_label="identity.company", view_permission="companies.view", change_permission="users.change"
    )
    with temporary_registration(registry.activity_targets, "identity.company", spec) as target:
        yield target


@pytest.fixture
def siam(make_company: Callable[..., Company]) -> Company:
    return make_company(name="Siam Trading", code="siam")


@pytest.fixture
def angkor(make_company: Callable[..., Company]) -> Company:
    return make_company(name="Angkor Rice", code="angkor", country="KH", currency="KHR")


@pytest.fixture
def manager(make_user: Callable[..., User], siam: Company) -> User:
    return make_user(username="manager", company=siam, roles=(Role.MANAGER,))


@pytest.fixture
def clerk(make_user: Callable[..., User], siam: Company) -> User:
    """A sales person of Siam: a member, but without the permission to see companies as records."""
    return make_user(username="clerk", company=siam, roles=(Role.SALES,))


@pytest.fixture
def outsider(make_user: Callable[..., User], angkor: Company) -> User:
    """A manager of another company."""
    return make_user(username="outsider", company=angkor, roles=(Role.MANAGER,))


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in


def htmx(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    """POST as htmx does (the card comes back to be swapped in)."""
    return client.post(url, data or {}, HTTP_HX_REQUEST="true")


@pytest.fixture
def only_reminders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bell with activities' own source only, so other modules' sources do not change the counts."""
    from concord.core.activities.notifications import REMINDERS_SOURCE

    mine = registry.notification_sources.get(REMINDERS_SOURCE)
    monkeypatch.setattr(registry.notification_sources, "_items", {REMINDERS_SOURCE: mine})
