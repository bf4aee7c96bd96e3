"""/me, companies, users and memberships, tokens: what each caller may see and change."""

from __future__ import annotations

import pytest
from django.test import Client

from concord.core.api.tests.helpers import ApiClient, error_of
from concord.core.identity.models import AccessToken, Company, Membership, User
from concord.core.identity.roles import Role


# --------------------------------------------------------------------------- me
def test_me_lists_companies_with_roles_and_permissions(make_user, make_company, token_client):
    siam, angkor, other = make_company(code="siam"), make_company(code="angkor"), make_company(code="other")
    user = make_user(company=siam, roles=(Role.SALES, Role.ACCOUNTANT))
    Membership.objects.create(user=user, company=angkor, role=Role.IT)
    body = token_client(user).get("/me").json()
    roles = {entry["code"]: entry["roles"] for entry in body["companies"]}
    assert roles == {"siam": ["accountant", "sales"], "angkor": ["it"]}
    assert other.code not in roles
    assert {"audit.view", "outbox.replay", "currencies.add"} <= set(body["permissions"])
    assert "users.add" not in body["permissions"]
    assert body["default_company_id"] == siam.pk


def test_me_of_a_superuser_has_every_permission(make_user, token_client):
    body = token_client(make_user(is_superuser=True)).get("/me").json()
    assert {"users.add", "companies.change", "outbox.replay"} <= set(body["permissions"])


# --------------------------------------------------------------------------- companies
def test_company_list_shows_only_the_callers_companies(make_user, make_company, token_client):
    mine, _theirs = make_company(code="mine"), make_company(code="theirs")
    client = token_client(make_user(company=mine, roles=(Role.SALES,)))
    body = client.get("/companies").json()
    assert body["count"] == 1
    assert body["items"][0]["code"] == "mine"


def test_superuser_sees_every_company(make_user, make_company, token_client):
    make_company(code="a")
    make_company(code="b")
    body = token_client(make_user(is_superuser=True)).get("/companies").json()
    assert {item["code"] for item in body["items"]} == {"a", "b"}


def test_company_create_by_superuser(make_user, token_client):
    client = token_client(make_user(is_superuser=True))
    response = client.post(
        "/companies", {"name": "Angkor Supplies", "code": "angkor", "country": "kh", "currency": "khr"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    company = Company.objects.get(code="angkor")
    assert body["id"] == company.pk
    assert (company.country, company.currency) == ("KH", "KHR")


def test_company_create_by_an_admin_of_another_company(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.ADMIN,)))
    response = client.post(
        "/companies", {"name": "Angkor", "code": "angkor", "country": "KH", "currency": "KHR"}
    )
    assert response.status_code == 201, response.content


def test_company_update_needs_change_permission_in_that_company(make_user, make_company, token_client):
    managed, sold = make_company(code="managed"), make_company(code="sold")
    user = make_user(company=managed, roles=(Role.MANAGER,))
    Membership.objects.create(user=user, company=sold, role=Role.SALES)
    client = token_client(user)

    assert client.patch(f"/companies/{managed.pk}", {"legal_name": "Managed Ltd."}).status_code == 200
    assert Company.objects.get(pk=managed.pk).legal_name == "Managed Ltd."

    refused = client.patch(f"/companies/{sold.pk}", {"legal_name": "Sold Ltd."})
    assert refused.status_code == 403
    assert Company.objects.get(pk=sold.pk).legal_name == ""


def test_company_update_of_a_foreign_company_is_404(make_user, make_company, token_client):
    mine, theirs = make_company(code="mine"), make_company(code="theirs")
    client = token_client(make_user(company=mine, roles=(Role.ADMIN,)))
    assert client.patch(f"/companies/{theirs.pk}", {"name": "Hijacked"}).status_code == 404
    assert Company.objects.get(pk=theirs.pk).name != "Hijacked"


def test_company_update_to_a_taken_code_is_409(make_user, make_company, token_client):
    first, second = make_company(code="first"), make_company(code="second")
    client = token_client(make_user(is_superuser=True))
    response = client.patch(f"/companies/{second.pk}", {"code": first.code})
    assert response.status_code == 409
    assert Company.objects.get(pk=second.pk).code == "second"


# --------------------------------------------------------------------------- users
@pytest.fixture
def two_companies(make_company):
    return make_company(code="home"), make_company(code="away")


def test_user_list_shows_only_users_of_shared_companies(make_user, two_companies, token_client):
    home, away = two_companies
    manager = make_user(company=home, roles=(Role.MANAGER,), username="manager")
    colleague = make_user(company=home, roles=(Role.SALES,), username="colleague")
    stranger = make_user(company=away, roles=(Role.SALES,), username="stranger")
    client = token_client(manager)

    body = client.get("/users").json()
    assert {item["username"] for item in body["items"]} == {"manager", "colleague"}
    assert client.get(f"/users/{colleague.pk}").status_code == 200
    assert client.get(f"/users/{stranger.pk}").status_code == 404


def test_user_memberships_in_other_companies_are_not_shown(make_user, two_companies, token_client):
    home, away = two_companies
    manager = make_user(company=home, roles=(Role.MANAGER,))
    both = make_user(company=home, roles=(Role.SALES,))
    Membership.objects.create(user=both, company=away, role=Role.HR)
    body = token_client(manager).get(f"/users/{both.pk}").json()
    assert [(m["company_id"], m["role"]) for m in body["memberships"]] == [(home.pk, "sales")]


def test_user_list_needs_users_view(make_user, company, token_client):
    response = token_client(make_user(company=company, roles=(Role.SALES,))).get("/users")
    assert response.status_code == 403
    assert "users.view" in error_of(response)["message"]


def test_user_list_filters(make_user, company, token_client):
    admin = make_user(company=company, roles=(Role.ADMIN,), username="boss")
    make_user(company=company, roles=(Role.SALES,), username="seller")
    make_user(company=company, roles=(Role.HR,), username="people")
    client = token_client(admin)
    body = client.get("/users", {"role": "sales"}).json()
    assert [item["username"] for item in body["items"]] == ["seller"]
    body = client.get("/users", {"q": "PEOP"}).json()
    assert [item["username"] for item in body["items"]] == ["people"]
    assert client.get("/users", {"role": "pilot"}).status_code == 422


def test_user_list_filters_do_not_reveal_roles_in_other_companies(make_user, two_companies, token_client):
    home, away = two_companies
    client = token_client(make_user(company=home, roles=(Role.MANAGER,), username="manager"))
    both = make_user(company=home, roles=(Role.SALES,), username="both")
    Membership.objects.create(user=both, company=away, role=Role.HR)
    assert client.get("/users", {"role": "hr"}).json()["count"] == 0
    assert client.get("/users", {"company": away.pk}).json()["count"] == 0
    assert client.get("/users", {"company": home.pk, "role": "hr"}).json()["count"] == 0
    body = client.get("/users", {"company": home.pk, "role": "sales"}).json()
    assert [item["username"] for item in body["items"]] == ["both"]


def test_user_create_with_a_role(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.ADMIN,)))
    response = client.post(
        "/users",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password": "a-long-enough-passphrase",
            "memberships": [{"company_id": company.pk, "role": "sales"}],
        },
    )
    assert response.status_code == 201, response.content
    user = User.objects.get(username="newbie")
    assert user.check_password("a-long-enough-passphrase")
    assert user.roles_in(company.pk) == {"sales"}
    assert response.json()["memberships"][0]["role"] == "sales"
    assert "password" not in response.json()


def test_user_create_is_all_or_nothing(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.ADMIN,)))
    response = client.post(
        "/users",
        {"username": "weak", "password": "123", "memberships": [{"company_id": company.pk, "role": "sales"}]},
    )
    assert response.status_code == 422
    assert "password" in error_of(response)["fields"]
    assert not User.objects.filter(username="weak").exists()


def test_user_create_needs_users_add_in_the_company(make_user, two_companies, token_client):
    home, away = two_companies
    client = token_client(make_user(company=home, roles=(Role.MANAGER,)))
    forbidden = client.post(
        "/users", {"username": "x1", "memberships": [{"company_id": home.pk, "role": "sales"}]}
    )
    assert forbidden.status_code == 403
    hidden = client.post(
        "/users", {"username": "x2", "memberships": [{"company_id": away.pk, "role": "sales"}]}
    )
    assert hidden.status_code == 404
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_user_create_needs_a_membership(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.ADMIN,)))
    response = client.post("/users", {"username": "floating", "memberships": []})
    assert response.status_code == 422
    assert "memberships" in error_of(response)["fields"]


def test_user_update_and_deactivation_revokes_tokens(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.ADMIN,)))
    target = make_user(company=company, roles=(Role.SALES,))
    target_client = token_client(target)
    response = client.patch(f"/users/{target.pk}", {"first_name": "Somchai"})
    assert response.status_code == 200
    assert response.json()["first_name"] == "Somchai"

    assert client.patch(f"/users/{target.pk}", {"is_active": False}).status_code == 200
    assert not User.objects.get(pk=target.pk).is_active
    assert target_client.get("/me").status_code == 401
    assert not AccessToken.objects.filter(user=target, revoked_at__isnull=True).exists()


def test_user_update_cannot_grant_superuser(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.ADMIN,)))
    target = make_user(company=company, roles=(Role.SALES,))
    response = client.patch(f"/users/{target.pk}", {"first_name": "X", "is_superuser": True})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"is_superuser"}
    target.refresh_from_db()
    assert (target.is_superuser, target.first_name) == (False, "")


def test_company_admin_cannot_change_a_superuser(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.ADMIN,)))
    boss = make_user(company=company, roles=(Role.SALES,), is_superuser=True)
    assert client.patch(f"/users/{boss.pk}", {"is_active": False}).status_code == 403
    assert User.objects.get(pk=boss.pk).is_active


def test_admin_of_one_company_cannot_change_the_account_of_another_companys_admin(
    make_user, two_companies, token_client
):
    # Changing the email would let the admin of "home" reset the password of the admin of "away".
    home, away = two_companies
    client = token_client(make_user(company=home, roles=(Role.ADMIN,)))
    target = make_user(company=away, roles=(Role.ADMIN,), email="boss@away.example")
    Membership.objects.create(user=target, company=home, role=Role.SALES)
    for change in ({"email": "attacker@home.example"}, {"is_active": False}, {"username": "x"}):
        response = client.patch(f"/users/{target.pk}", change)
        assert response.status_code == 403, change
        assert "users.change" in error_of(response)["message"]
    target.refresh_from_db()
    assert (target.email, target.is_active) == ("boss@away.example", True)


def test_admin_of_every_company_of_the_user_may_change_the_account(make_user, two_companies, token_client):
    home, away = two_companies
    caller = make_user(company=home, roles=(Role.ADMIN,))
    Membership.objects.create(user=caller, company=away, role=Role.ADMIN)
    target = make_user(company=away, roles=(Role.SALES,))
    Membership.objects.create(user=target, company=home, role=Role.SALES)
    response = token_client(caller).patch(f"/users/{target.pk}", {"email": "new@home.example"})
    assert response.status_code == 200, response.content
    assert User.objects.get(pk=target.pk).email == "new@home.example"


def test_manager_cannot_change_users(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.MANAGER,)))
    target = make_user(company=company, roles=(Role.SALES,))
    response = client.patch(f"/users/{target.pk}", {"first_name": "Changed"})
    assert response.status_code == 403
    assert "users.change" in error_of(response)["message"]
    assert User.objects.get(pk=target.pk).first_name == ""


def test_membership_grant_and_revoke(make_user, company, token_client):
    admin = make_user(company=company, roles=(Role.ADMIN,))
    client = token_client(admin)
    target = make_user(company=company, roles=(Role.SALES,))

    granted = client.post(f"/users/{target.pk}/memberships", {"company_id": company.pk, "role": "support"})
    assert granted.status_code == 201, granted.content
    membership_id = granted.json()["id"]
    assert User.objects.get(pk=target.pk).roles_in(company.pk) == {"sales", "support"}

    revoked = client.delete(f"/users/{target.pk}/memberships/{membership_id}")
    assert revoked.status_code == 200
    assert revoked.json()["is_active"] is False
    assert User.objects.get(pk=target.pk).roles_in(company.pk) == {"sales"}


def test_membership_grant_with_unknown_role_is_422(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.ADMIN,)))
    target = make_user(company=company, roles=(Role.SALES,))
    response = client.post(f"/users/{target.pk}/memberships", {"company_id": company.pk, "role": "pilot"})
    assert response.status_code == 422
    assert "role" in error_of(response)["fields"]


def test_membership_grant_in_a_foreign_company_is_404(make_user, two_companies, token_client):
    home, away = two_companies
    client = token_client(make_user(company=home, roles=(Role.ADMIN,)))
    target = make_user(company=home, roles=(Role.SALES,))
    response = client.post(f"/users/{target.pk}/memberships", {"company_id": away.pk, "role": "admin"})
    assert response.status_code == 404
    assert not Membership.objects.filter(user=target, company=away).exists()


def test_revoking_the_last_admin_is_409(make_user, company, token_client):
    admin = make_user(company=company, roles=(Role.ADMIN,))
    membership = Membership.objects.get(user=admin, company=company, role=Role.ADMIN)
    response = token_client(admin).delete(f"/users/{admin.pk}/memberships/{membership.pk}")
    assert response.status_code == 409
    assert Membership.objects.get(pk=membership.pk).is_active


def test_revoking_a_membership_of_a_foreign_company_is_404(make_user, two_companies, token_client):
    home, away = two_companies
    client = token_client(make_user(company=home, roles=(Role.ADMIN,)))
    target = make_user(company=home, roles=(Role.SALES,))
    foreign = Membership.objects.create(user=target, company=away, role=Role.HR)
    assert client.delete(f"/users/{target.pk}/memberships/{foreign.pk}").status_code == 404
    assert Membership.objects.get(pk=foreign.pk).is_active


# --------------------------------------------------------------------------- tokens
def test_token_create_list_and_revoke_through_the_session(make_user, session_client):
    user = make_user()
    client = session_client(user)
    created = client.post("/tokens", {"name": "laptop"})
    assert created.status_code == 201, created.content
    raw = created.json()["token"]
    assert raw.startswith(created.json()["prefix"])

    token_client = ApiClient(Client(), token=raw)
    assert token_client.get("/me").json()["id"] == user.pk

    listed = client.get("/tokens").json()
    assert [item["name"] for item in listed["items"]] == ["laptop"]
    assert "token" not in listed["items"][0]
    assert listed["items"][0]["status"] == "active"

    token_id = created.json()["id"]
    revoked = client.delete(f"/tokens/{token_id}")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert token_client.get("/me").status_code == 401


def test_a_token_cannot_create_tokens(make_user, token_client):
    user = make_user()
    response = token_client(user).post("/tokens", {"name": "child"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "session_required"
    assert not AccessToken.objects.filter(user=user, name="child").exists()


def test_token_with_past_expiry_is_422(make_user, session_client):
    response = session_client(make_user()).post(
        "/tokens", {"name": "old", "expires_at": "2000-01-01T00:00:00Z"}
    )
    assert response.status_code == 422
    assert "expires_at" in error_of(response)["fields"]


def test_someone_elses_token_is_404(make_user, token_client):
    owner, other = make_user(), make_user()
    token_client(owner)  # creates owner's token
    token = AccessToken.objects.get(user=owner)
    response = token_client(other).delete(f"/tokens/{token.pk}")
    assert response.status_code == 404
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None
    listed = token_client(other).get("/tokens").json()
    assert token.pk not in {item["id"] for item in listed["items"]}
