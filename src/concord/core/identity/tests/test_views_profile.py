"""The profile page: details, language, companies and roles, 2FA status, personal access tokens."""

from __future__ import annotations

from django.conf import settings

from concord.core.audit.models import AuditEntry
from concord.core.identity.models import AccessToken
from concord.core.identity.roles import Role
from concord.core.identity.tokens import access_token_authenticate, access_token_create


def test_profile_requires_sign_in(client, db):
    response = client.get("/account/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/account/profile/"


def test_profile_lists_companies_roles_and_2fa_status(client, company, make_company, make_user):
    other = make_company(name="Mekong Traders", code="mekong", country="KH", currency="KHR")
    user = make_user(company=company, roles=(Role.SALES, Role.SUPPORT), first_name="Somchai")
    user.memberships.create(company=other, role=Role.ACCOUNTANT)
    client.force_login(user)

    response = client.get("/account/profile/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Siam Trading Co., Ltd." in html
    assert "Mekong Traders" in html
    rows = {entry["company"].code: entry["roles"] for entry in response.context["memberships"]}
    assert rows == {"siam": ["Sales", "Customer support"], "mekong": ["Accountant"]}
    assert response.context["two_factor_enabled"] is False
    assert "Turn on two-factor sign-in" in html


def test_language_preference_is_saved_and_applied(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    client.force_login(user)

    response = client.post("/account/profile/", {"language": "km"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "km"
    assert AuditEntry.objects.filter(object_id=str(user.pk), changes__language=["en", "km"]).exists()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "km"


def test_unknown_language_is_refused(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    client.force_login(user)

    response = client.post("/account/profile/", {"language": "fr"})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.language == "en"


def test_token_create_shows_the_raw_token_once(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    client.force_login(user)

    response = client.post("/account/profile/tokens/", {"name": "Export script", "expires_in_days": "30"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["new_token"]["raw"]
    assert raw in response.content.decode()
    assert access_token_authenticate(raw) == user
    token = AccessToken.objects.get(user=user)
    assert token.name == "Export script"
    assert token.expires_at is not None
    assert 29 <= (token.expires_at - token.created_at).days <= 30

    listing = client.get("/account/profile/")
    html = listing.content.decode()
    assert "Export script" in html
    assert token.prefix in html
    assert raw not in html


def test_token_create_rejects_a_blank_name(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    client.force_login(user)

    response = client.post("/account/profile/tokens/", {"name": "   "})

    assert response.status_code == 400
    assert not AccessToken.objects.filter(user=user).exists()


def test_token_create_is_post_only(client, company, make_user):
    client.force_login(make_user(company=company, roles=(Role.SALES,)))

    assert client.get("/account/profile/tokens/").status_code == 405


def test_token_revoke_stops_the_token(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    token, raw = access_token_create(user=user, name="CI")
    client.force_login(user)

    response = client.post(f"/account/profile/tokens/{token.pk}/revoke/", follow=True)

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert access_token_authenticate(raw) is None
    assert "revoked" in response.content.decode()


def test_cannot_revoke_another_users_token(client, company, make_user):
    owner = make_user(company=company, roles=(Role.SALES,))
    intruder = make_user(company=company, roles=(Role.SALES,))
    token, raw = access_token_create(user=owner, name="Owner's")
    client.force_login(intruder)

    response = client.post(f"/account/profile/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert access_token_authenticate(raw) == owner
