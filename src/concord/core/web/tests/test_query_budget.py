"""Query budget of a signed-in request: the shell's own cost stays small and does not grow with the nav.

A signed-in page pays for the session, the user (with their 2FA enrolment riding on the same query) and
one read of the user's memberships, which the company scope, permission checks, the navigation and the
company switcher all share. These tests pin that budget and check that the sharing changes nothing:
membership changes count from the next request (and from the next read within one), scoping and
permissions answer as before, and 2FA is enforced as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from concord.core.identity.backends import RoleBackend
from concord.core.identity.models import Company, Membership, User
from concord.core.identity.roles import Role
from concord.core.identity.scope import company_scope, memberships_remembered, system_scope
from concord.core.registry import NavItem, registry

pytestmark = pytest.mark.django_db

BACKEND = "concord.core.identity.backends.RoleBackend"

# session + user (2FA enrolment included) + the user's memberships (with their companies)
SHELL_QUERIES = 3
# the shell, plus the dashboard's "active users" and "audit entries today" counts (the notification
# bell's badge is loaded by htmx after the page, so it costs the page nothing)
HOME_BUDGET = SHELL_QUERIES + 2
# the shell only: /me answers from the memberships the request already read
ME_BUDGET = SHELL_QUERIES


@pytest.fixture
def two_company_user(make_company: Callable[..., Company], make_user: Callable[..., User]) -> User:
    """A normal user: sales in one company, manager in another."""
    first = make_company(name="Siam Trading", code="stc")
    second = make_company(name="Mekong Foods", code="mkf")
    user = make_user(company=first, roles=(Role.SALES,), username="somchai")
    Membership.objects.create(user=user, company=second, role=Role.MANAGER)
    return user


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    client.get(reverse("web:home"))  # first visit: session and caches warm, as for a returning user
    return client


def _membership_queries(captured: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"] for query in captured.captured_queries if 'FROM "identity_membership"' in query["sql"]
    ]


def test_home_stays_within_budget(
    two_company_user: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = _signed_in(two_company_user)

    with django_assert_max_num_queries(HOME_BUDGET):
        response = client.get(reverse("web:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Siam Trading" in html
    assert "Mekong Foods" in html  # the company switcher lists both, without a query of its own


def test_me_stays_within_budget(
    two_company_user: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = _signed_in(two_company_user)

    with django_assert_max_num_queries(ME_BUDGET):
        response = client.get("/api/v1/me")

    assert response.status_code == 200
    body = response.json()
    assert {company["code"]: company["roles"] for company in body["companies"]} == {
        "mkf": [Role.MANAGER],
        "stc": [Role.SALES],
    }


def test_memberships_are_read_once_per_request(two_company_user: User) -> None:
    client = _signed_in(two_company_user)

    with CaptureQueriesContext(connection) as home:
        client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as me:
        client.get("/api/v1/me")

    # Scope, permission checks, navigation and company switcher share one read.
    assert len(_membership_queries(home)) == 1
    # The API's session auth, company scope and the endpoint itself reuse it too.
    assert len(_membership_queries(me)) == 1


def test_no_query_per_navigation_item(two_company_user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _signed_in(two_company_user)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("web:home"))

    extra = {
        f"budget-test-{n}": NavItem(
            office="front",
            label=f"Budget test {n}",
            url_name="web:home",
            permission="audit.view" if n % 2 else "companies.change",
            order=900 + n,
        )
        for n in range(20)
    }
    # Registered after start-up (the registry is frozen by then), for this test only.
    monkeypatch.setattr(registry.nav_items, "_items", {**dict(registry.nav_items.items()), **extra})
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("web:home"))

    assert response.status_code == 200
    assert "Budget test 1" in response.content.decode()  # the items are drawn...
    assert len(after.captured_queries) == len(before.captured_queries)  # ...at no extra cost


def test_membership_change_counts_from_the_next_request(
    two_company_user: User, make_company: Callable[..., Company]
) -> None:
    client = _signed_in(two_company_user)
    third = make_company(name="Angkor Supplies", code="angkor")
    assert "Angkor Supplies" not in client.get(reverse("web:home")).content.decode()

    Membership.objects.create(user=two_company_user, company=third, role=Role.SALES)
    html = client.get(reverse("web:home")).content.decode()
    assert "Angkor Supplies" in html

    Membership.objects.filter(user=two_company_user, company__code="mkf").update(is_active=False)
    body = client.get("/api/v1/me").json()
    assert sorted(company["code"] for company in body["companies"]) == ["angkor", "stc"]
    assert "Mekong Foods" not in client.get(reverse("web:home")).content.decode()


def test_company_switch_sees_a_membership_granted_since_the_last_request(
    two_company_user: User, make_company: Callable[..., Company]
) -> None:
    client = _signed_in(two_company_user)
    third = make_company(name="Angkor Supplies", code="angkor")

    refused = client.post(reverse("web:company_switch"), {"company": third.pk})
    assert refused.status_code == 403

    Membership.objects.create(user=two_company_user, company=third, role=Role.SALES)
    accepted = client.post(reverse("web:company_switch"), {"company": third.pk})
    assert accepted.status_code == 302
    assert client.session["company_id"] == third.pk


def test_a_change_during_the_request_is_seen_by_the_next_read(
    two_company_user: User, make_company: Callable[..., Company]
) -> None:
    third = make_company(name="Angkor Supplies", code="angkor")
    with memberships_remembered(two_company_user.pk):
        before = two_company_user.company_ids()
        with CaptureQueriesContext(connection) as reread:
            assert two_company_user.company_ids() == before  # remembered: no query
        assert reread.captured_queries == []

        Membership.objects.create(user=two_company_user, company=third, role=Role.SALES)
        assert two_company_user.company_ids() == sorted([*before, third.pk])

        third.is_active = False
        third.save(update_fields=["is_active"])
        assert two_company_user.company_ids() == before
    # Outside a request nothing is remembered: each call reads afresh.
    with CaptureQueriesContext(connection) as outside:
        two_company_user.company_ids()
    assert len(outside.captured_queries) == 1


def test_remembered_memberships_belong_to_one_user(
    two_company_user: User, make_user: Callable[..., User], company: Company
) -> None:
    other = make_user(company=company, roles=(Role.ADMIN,))
    with memberships_remembered(two_company_user.pk):
        two_company_user.company_ids()
        assert other.company_ids() == [company.pk]  # not the remembered user's companies
        assert other.active_memberships().roles == {company.pk: frozenset({Role.ADMIN})}


def test_permissions_follow_scope_and_company_as_before(two_company_user: User) -> None:
    siam = Company.objects.get(code="stc")
    mekong = Company.objects.get(code="mkf")
    user = User.objects.get(pk=two_company_user.pk)
    expected = {
        ("siam", "companies.change"): False,  # sales may not change the company...
        ("mekong", "audit.view"): True,  # ...a manager may read the audit trail
    }
    with memberships_remembered(user.pk):
        with company_scope([siam.pk]):
            scoped_to_siam = user.has_perm("audit.view")
        with company_scope([mekong.pk]):
            scoped_to_mekong = user.has_perm("audit.view")
        per_company = {
            ("siam", "companies.change"): user.has_perm("companies.change", siam),
            ("mekong", "audit.view"): user.has_perm("audit.view", mekong),
        }
    assert per_company == expected
    assert user.has_perm("audit.view", siam) is False
    assert scoped_to_mekong is True
    assert scoped_to_siam is False


def test_empty_scope_and_no_scope_do_not_share_cached_permissions(two_company_user: User) -> None:
    user = User.objects.get(pk=two_company_user.pk)
    with company_scope([]):
        assert user.has_perm("audit.view") is False  # no company in scope: nothing is granted
    with system_scope():
        assert user.has_perm("audit.view") is True  # unscoped: every company counts


def test_backend_loads_the_2fa_enrolment_with_the_user(two_company_user: User) -> None:
    with CaptureQueriesContext(connection) as loading:
        loaded = RoleBackend().get_user(two_company_user.pk)
    assert len(loading.captured_queries) == 1
    assert loaded.concord_otp_enrolled is False

    TOTPDevice.objects.create(user=two_company_user, name="phone", confirmed=False)
    assert RoleBackend().get_user(two_company_user.pk).concord_otp_enrolled is False  # unconfirmed
    TOTPDevice.objects.filter(user=two_company_user).update(confirmed=True)
    assert RoleBackend().get_user(two_company_user.pk).concord_otp_enrolled is True


@pytest.fixture
def enrolled(two_company_user: User) -> tuple[User, TOTPDevice]:
    device = TOTPDevice.objects.create(user=two_company_user, name="phone", confirmed=True)
    return two_company_user, device


def test_enrolled_session_without_code_is_still_sent_to_verify(
    enrolled: tuple[User, TOTPDevice], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    user, _device = enrolled
    client = Client()
    client.force_login(user, backend=BACKEND)

    with django_assert_max_num_queries(2):  # session and user: the enrolment came with the user
        page = client.get(reverse("web:home"))
    api = client.get("/api/v1/me")

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("identity:login_verify"))
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "verification_required"


def test_enrolment_made_elsewhere_counts_from_the_next_request(two_company_user: User) -> None:
    client = _signed_in(two_company_user)
    assert client.get(reverse("web:home")).status_code == 200

    TOTPDevice.objects.create(user=two_company_user, name="phone", confirmed=True)

    assert client.get(reverse("web:home")).status_code == 302


def test_verified_session_costs_one_device_lookup_more(
    enrolled: tuple[User, TOTPDevice], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    user, device = enrolled
    client = Client()
    client.force_login(user, backend=BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.get(reverse("web:home"))

    with django_assert_max_num_queries(HOME_BUDGET + 1):  # django_otp loads the verifying device
        response = client.get(reverse("web:home"))

    assert response.status_code == 200
