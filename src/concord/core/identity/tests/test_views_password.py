"""Password change while signed in, and password reset by email."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core import mail
from django.utils import translation

from concord.core.audit.models import AuditEntry
from concord.core.identity.roles import Role

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "lantern-mango-river-42"


def test_password_change_needs_the_current_password(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    client.force_login(user)

    response = client.post(
        "/account/password/",
        {"old_password": "not-it-at-all", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_keeps_the_session_and_the_new_password_works(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    client.force_login(user)
    page = client.get("/account/password/")
    assert page.status_code == 200
    assert 'for="id_old_password"' in page.content.decode()

    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/account/profile/"
    assert "Your password was changed." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/account/profile/").status_code == 200  # still signed in
    assert AuditEntry.objects.filter(object_id=str(user.pk), actor=user, changes__has_key="password").exists()


def test_password_change_requires_sign_in(client, db):
    response = client.get("/account/password/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/account/password/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_email_link_sets_a_new_password(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,), email="somchai@example.com")

    response = client.post("/account/password/reset/", {"email": "SOMCHAI@example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/account/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["somchai@example.com"]
    assert message.subject == "Reset your Concord password"
    assert user.username in message.body

    form_page = client.get(_reset_link(message), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/account/password/reset/complete/"

    login = client.post("/account/login/", {"username": user.username, "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_link_works_only_once(client, company, make_user):
    make_user(company=company, roles=(Role.SALES,), email="dara@example.com")
    client.post("/account/password/reset/", {"email": "dara@example.com"})
    link = _reset_link(mail.outbox[0])
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert again.context["validlink"] is False
    assert "This link does not work any more" in again.content.decode()


def test_password_reset_for_unknown_email_looks_the_same_and_sends_nothing(client, company, make_user):
    make_user(company=company, roles=(Role.SALES,), email="known@example.com")

    response = client.post("/account/password/reset/", {"email": "stranger@example.com"}, follow=True)

    assert response.redirect_chain[-1][0] == "/account/password/reset/sent/"
    assert "Check your inbox" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_email_is_rendered_in_the_users_language(client, company, make_user, monkeypatch):
    make_user(company=company, roles=(Role.SALES,), email="kanya@example.com", language="th")
    languages = []
    original = PasswordResetForm.send_mail

    def record_language(self, *args, **kwargs):
        languages.append(translation.get_language())
        return original(self, *args, **kwargs)

    # Our form switches language around Django's send_mail; record which one is active inside it.
    monkeypatch.setattr(PasswordResetForm, "send_mail", record_language)

    client.post("/account/password/reset/", {"email": "kanya@example.com"}, HTTP_ACCEPT_LANGUAGE="en")

    assert languages == ["th"]
    assert len(mail.outbox) == 1


def test_password_reset_lifts_a_lockout(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,), email="locked@example.com")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/account/login/", {"username": user.username, "password": f"wrong-{n}"})
    assert (
        client.post("/account/login/", {"username": user.username, "password": PASSWORD}).status_code == 429
    )

    client.post("/account/password/reset/", {"email": "locked@example.com"})
    set_url = client.get(_reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post("/account/login/", {"username": user.username, "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
