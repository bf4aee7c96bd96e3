"""API authentication: tokens and sessions, clear 401s, CSRF, and company scoping of token requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from concord.core.api.auth import SessionAuth, TokenAuth, scoped_operation
from concord.core.api.errors import NotAuthenticatedError
from concord.core.api.tests.helpers import ApiClient, error_of
from concord.core.identity.models import AccessToken, Company
from concord.core.identity.roles import Role
from concord.core.identity.scope import current_company_ids
from concord.core.identity.tokens import access_token_create, access_token_revoke


def test_no_credentials_is_401_with_error_body(db):
    response = ApiClient(Client()).get("/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(db):
    response = ApiClient(Client(), token="cc_deadbeef_not-a-real-token").get("/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_revoked_token_is_401_saying_so(make_user):
    user = make_user()
    token, raw = access_token_create(user=user, name="CI")
    access_token_revoke(token=token, by=user)
    response = ApiClient(Client(), token=raw).get("/me")
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "token_revoked"
    assert "revoked" in error["message"]


def test_expired_token_is_401_saying_so(make_user):
    user = make_user()
    token, raw = access_token_create(user=user, name="CI", expires_at=timezone.now() + timedelta(hours=1))
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = ApiClient(Client(), token=raw).get("/me")
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "token_expired"
    assert "expired" in error["message"]


def test_bad_token_does_not_fall_back_to_the_session(make_user):
    user = make_user()
    client = Client()
    client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
    response = ApiClient(client, token="cc_deadbeef_wrong").get("/me")
    assert response.status_code == 401


def test_token_of_inactive_user_is_401(make_user):
    user = make_user()
    _token, raw = access_token_create(user=user, name="CI")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert ApiClient(Client(), token=raw).get("/me").status_code == 401


def test_token_authenticates(make_user, company, token_client):
    user = make_user(company=company, roles=(Role.MANAGER,))
    response = token_client(user).get("/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert body["companies"] == [
        {"id": company.pk, "code": "siam", "name": company.name, "roles": ["manager"]}
    ]
    assert "users.view" in body["permissions"]
    assert "users.change" not in body["permissions"]


def test_session_authenticates(make_user, company, session_client):
    user = make_user(company=company, roles=(Role.SALES,))
    response = session_client(user).get("/me")
    assert response.status_code == 200
    assert response.json()["id"] == user.pk


def test_token_user_cannot_see_another_companys_rows(make_user, make_company, token_client):
    mine, theirs = make_company(code="mine"), make_company(code="theirs")
    user = make_user(company=mine, roles=(Role.MANAGER,))
    client = token_client(user)
    assert client.get(f"/companies/{mine.pk}").status_code == 200
    hidden = client.get(f"/companies/{theirs.pk}")
    assert hidden.status_code == 404
    assert error_of(hidden)["code"] == "not_found"
    listed = client.get("/companies").json()
    assert [item["id"] for item in listed["items"]] == [mine.pk]


def test_token_auth_enters_the_company_scope_for_the_operation_and_leaves_it(make_user, make_company):
    mine, _other = make_company(code="mine"), make_company(code="other")
    user = make_user(company=mine, roles=(Role.SALES,))
    _token, raw = access_token_create(user=user, name="CI")
    request = RequestFactory().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    seen: list[frozenset[int] | None] = []

    @scoped_operation
    def run(request):
        assert TokenAuth()(request) == user
        seen.append(current_company_ids())

    assert current_company_ids() is None
    run(request)
    assert seen == [frozenset({mine.pk})]
    assert request.user == user
    assert current_company_ids() is None  # left again: nothing leaks into the thread's next request


def test_token_auth_of_a_superuser_stays_unscoped(make_user):
    admin = make_user(is_superuser=True)
    _token, raw = access_token_create(user=admin, name="CI")
    request = RequestFactory().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    seen = []

    @scoped_operation
    def run(request):
        TokenAuth()(request)
        seen.append(current_company_ids())

    run(request)
    assert seen == [None]


def test_auth_outside_scoped_operation_refuses_rather_than_leak(make_user, company):
    user = make_user(company=company, roles=(Role.SALES,))
    _token, raw = access_token_create(user=user, name="CI")
    request = RequestFactory().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    with pytest.raises(RuntimeError, match="scoped_operation"):
        TokenAuth()(request)
    assert current_company_ids() is None


def test_revoked_token_raises_not_authenticated_in_auth_class(make_user):
    user = make_user()
    token, raw = access_token_create(user=user, name="CI")
    access_token_revoke(token=token, by=user)
    request = RequestFactory().get("/", headers={"Authorization": f"Bearer {raw}"})
    with pytest.raises(NotAuthenticatedError) as excinfo:
        TokenAuth()(request)
    assert excinfo.value.code == "token_revoked"


def test_session_post_without_csrf_token_is_403_and_changes_nothing(make_user, session_client):
    user = make_user()
    client = session_client(user, enforce_csrf=True)
    response = client.post("/tokens", {"name": "from browser"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    assert not AccessToken.objects.filter(user=user).exists()


def test_session_post_with_csrf_token_passes(make_user, session_client):
    user = make_user()
    client = session_client(user, enforce_csrf=True)
    secret = "a" * 32
    client.client.cookies["csrftoken"] = secret
    response = client.post("/tokens", {"name": "from browser"}, headers={"X-CSRFToken": secret})
    assert response.status_code == 201, response.content
    assert AccessToken.objects.filter(user=user, name="from browser").exists()


def test_token_requests_need_no_csrf_token(make_user, company):
    user = make_user(is_superuser=True)
    _token, raw = access_token_create(user=user, name="CI")
    client = ApiClient(Client(enforce_csrf_checks=True), token=raw)
    response = client.patch(f"/companies/{company.pk}", {"name": "Renamed"})
    assert response.status_code == 200, response.content
    assert Company.objects.get(pk=company.pk).name == "Renamed"


def test_session_auth_ignores_anonymous(db):
    request = RequestFactory().post("/api/v1/tokens")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert SessionAuth()(request) is None


def test_session_without_its_two_factor_code_is_401(make_user, session_client):
    """Holds with or without ``RequireVerifiedIfEnrolledMiddleware``: SessionAuth checks it too."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = session_client(user).get("/me")
    assert response.status_code == 401
    # The site middleware (when installed) answers before the API's own check does; both say why.
    assert "verification_required" in response.content.decode()


def test_session_auth_itself_refuses_an_unverified_session(make_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    request = RequestFactory().get("/api/v1/me")
    request.user = user
    with pytest.raises(NotAuthenticatedError) as excinfo:
        SessionAuth()(request)
    assert excinfo.value.code == "verification_required"
