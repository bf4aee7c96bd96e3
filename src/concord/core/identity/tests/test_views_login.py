"""Sign-in, throttling and sign-out through the real URL map and middleware."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from concord.core.identity.roles import Role

PASSWORD = "correct-horse-battery"
LOGIN_URL = "/account/login/"


def _login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def test_login_page_has_labelled_fields(client, db):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="form-label" for="id_username">' in html
    assert '<label class="form-label" for="id_password">' in html


def test_login_success_goes_home_with_language_and_company(client, company, make_company, make_user):
    other = make_company(name="Angkor Supplies", code="angkor", country="KH", currency="KHR")
    user = make_user(company=company, roles=(Role.SALES,), language="th")
    user.memberships.create(company=other, role=Role.SUPPORT)

    response = _login(client, user.username)

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["company_id"] == company.pk
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "th"


def test_login_falls_back_to_a_member_company_when_default_is_not_one(
    client, company, make_company, make_user
):
    foreign = make_company(name="Not Mine", code="notmine")
    user = make_user(company=company, roles=(Role.SALES,))
    user.default_company = foreign
    user.save(update_fields=["default_company"])

    _login(client, user.username)

    assert client.session["company_id"] == company.pk


def test_login_follows_a_safe_next_and_ignores_an_external_one(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    response = client.post(
        f"{LOGIN_URL}?next=/account/profile/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/account/profile/"

    client.post("/account/logout/")
    response = client.post(
        f"{LOGIN_URL}?next=https://evil.example/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


@pytest.mark.parametrize("wrong", ["username", "password"])
def test_wrong_credentials_show_one_message_that_does_not_say_which(client, company, make_user, wrong):
    user = make_user(company=company, roles=(Role.SALES,))
    username = "nobody-here" if wrong == "username" else user.username
    password = PASSWORD if wrong == "username" else "wrong-password-123"

    response = _login(client, username, password)

    assert response.status_code == 200
    assert "The username or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_user_gets_the_same_message(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,), is_active=False)

    response = _login(client, user.username)

    assert "The username or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_refuses_even_the_right_password(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5

    statuses = [_login(client, user.username, f"wrong-{n}").status_code for n in range(limit)]
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[-1] == 429

    response = _login(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, company, make_user):
    victim = make_user(company=company, roles=(Role.SALES,))
    bystander = make_user(company=company, roles=(Role.SALES,))
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, victim.username, f"wrong-{n}")

    response = _login(client, bystander.username)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bystander.pk)


def test_locked_out_page_is_in_the_browsers_language(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, user.username, f"wrong-{n}", HTTP_ACCEPT_LANGUAGE="km")

    assert response.status_code == 429
    assert '<html lang="km">' in response.content.decode()


def test_logout_requires_post(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    client.force_login(user)

    assert client.get("/account/logout/").status_code == 405
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.post("/account/logout/")

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGOUT_REDIRECT_URL)
    assert "_auth_user_id" not in client.session


def test_logout_requires_the_csrf_token(company, make_user):
    from django.test import Client

    user = make_user(company=company, roles=(Role.SALES,))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/account/logout/")

    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signed_in_user_opening_login_is_sent_on(client, company, make_user):
    client.force_login(make_user(company=company, roles=(Role.SALES,)))

    response = client.get(LOGIN_URL)

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
