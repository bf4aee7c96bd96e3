"""Fixtures of the helpdesk tests: a support team (Mon-Fri 09:00-18:00 Bangkok) with SLA policies, agents,
a manager and a customer with an email and a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.helpdesk.models import Escalation, Team
from concord.modules.helpdesk.services.settings import sla_policy_set, team_create


@pytest.fixture
def manager(company: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=company, roles=(Role.MANAGER,), username="malee", first_name="Malee")


@pytest.fixture
def agent(company: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=company, roles=(Role.SUPPORT,), username="somchai", first_name="Somchai")


@pytest.fixture
def team(company: Company, manager: User, agent: User) -> Team:
    team = team_create(
        company=company,
        name="Customer support",
        email_address="support@siam.example",
        manager_id=manager.pk,
        member_ids=[agent.pk],
        by=None,
    )
    sla_policy_set(team=team, priority="normal", first_response_minutes=60, resolution_minutes=480, by=None)
    sla_policy_set(
        team=team,
        priority="urgent",
        first_response_minutes=30,
        resolution_minutes=120,
        escalation=Escalation.REASSIGN,
        by=None,
    )
    return team


@pytest.fixture
def customer(company: Company, make_partner: Callable[..., Any]) -> Any:
    return make_partner(
        company, "Chao Phraya Foods Co., Ltd.", emails=["Buyer@ChaoPhraya.example"], phones=["081 234 5678"]
    )


@pytest.fixture
def signed_in(client: Any) -> Callable[[User], Any]:
    def sign_in(user: User) -> Any:
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in
