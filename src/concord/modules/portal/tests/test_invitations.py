"""Invitation email, accepting it with a password, signing in; re-invite and revoke; the API."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from concord.core.identity.models import Membership
from concord.core.outbox.facade import dispatch_pending
from concord.modules.portal.models import PortalAccess

pytestmark = pytest.mark.django_db

_LINK = re.compile(r"https?://[^\s]+/portal/invite/([^\s/]+)/")


def _link_token(message: mail.EmailMessage) -> str:
    found = _LINK.search(str(message.body))
    assert found, message.body
    return found.group(1)


def test_invite_email_accept_and_sign_in(books, manager, make_partner):
    party = make_partner(books, "Chao Phraya Foods", is_supplier=False)
    staff = Client()
    staff.force_login(manager)
    response = staff.post(reverse("portal:invitations"), {"party_id": party.pk, "email": "Buyer@CPF.example"})
    assert response.status_code == 302
    access = PortalAccess.all_companies.get()
    assert access.email == "buyer@cpf.example"
    assert access.party_id == party.pk
    assert access.active
    assert not access.user.has_usable_password()
    assert Membership.objects.filter(user=access.user, company=books, role="portal", is_active=True).exists()
    assert mail.outbox == []  # sent after commit, by the outbox
    dispatch_pending()
    (message,) = mail.outbox
    assert message.to == ["buyer@cpf.example"]
    token = _link_token(message)

    customer = Client()
    page = customer.get(reverse("portal:invite-accept", args=[token]))
    assert page.status_code == 200
    assert b"buyer@cpf.example" in page.content
    weak = customer.post(
        reverse("portal:invite-accept", args=[token]), {"password": "123", "password_again": "123"}
    )
    assert weak.status_code == 400
    good = {"password": "Tamarind-river-42", "password_again": "Tamarind-river-42"}
    done = customer.post(reverse("portal:invite-accept", args=[token]), good)
    assert done.status_code == 302
    assert done["Location"] == reverse("portal:home")
    assert customer.get(reverse("portal:home")).status_code == 200
    access.refresh_from_db()
    assert access.accepted_at is not None
    # the link works once; the password signs in afterwards
    assert Client().get(reverse("portal:invite-accept", args=[token])).status_code == 404
    again = Client()
    signed_in = again.post(
        reverse("identity:login"), {"username": "buyer@cpf.example", "password": "Tamarind-river-42"}
    )
    assert signed_in.status_code == 302
    landing = again.get(signed_in["Location"])  # the staff home sends a portal-only user to the portal
    assert (landing.status_code, landing["Location"]) == (302, reverse("portal:home"))
    staff_home = staff.get(reverse("web:home"))
    assert staff_home.status_code == 200  # staff stay on the staff home
    assert reverse("portal:invitations") in staff_home.content.decode()  # where invitations are made


def test_reinvite_voids_the_old_link_and_revoke_shuts_the_portal(books, manager, make_partner):
    from concord.modules.portal.services.access import portal_invite, portal_revoke

    party = make_partner(books, "Chao Phraya Foods", is_supplier=False)
    first = portal_invite(company=books, party_id=party.pk, email="a@cpf.example", by=manager)
    dispatch_pending()
    assert not _LINK.search(str(mail.outbox[-1].body))  # without a request there is no host: a relative link
    old_token = mail.outbox[-1].body.split("/portal/invite/")[1].split("/")[0]
    again = portal_invite(company=books, party_id=party.pk, email="a@cpf.example", by=manager)
    assert again.pk == first.pk
    assert again.invited_at > first.invited_at
    dispatch_pending()
    assert len(mail.outbox) == 2
    assert Client().get(reverse("portal:invite-accept", args=[old_token])).status_code == 404
    new_token = mail.outbox[-1].body.split("/portal/invite/")[1].split("/")[0]
    assert Client().get(reverse("portal:invite-accept", args=[new_token])).status_code == 200
    # a forged or expired token is refused
    forged = signing.dumps({"access": first.pk, "at": again.invited_at.isoformat()}, salt="other")
    assert Client().get(reverse("portal:invite-accept", args=[forged])).status_code == 404

    portal_revoke(access=again, by=manager)
    again.refresh_from_db()
    assert not again.active
    assert not Membership.objects.filter(user=again.user, role="portal", is_active=True).exists()
    assert Client().get(reverse("portal:invite-accept", args=[new_token])).status_code == 404


def test_invitation_api(books, manager, make_partner, make_company, make_user):
    party = make_partner(books, "Chao Phraya Foods", is_supplier=False)
    client = Client()
    client.force_login(manager)
    url = "/api/v1/portal/invitations"
    body = {"party_id": party.pk, "email": "buyer@cpf.example"}
    created = client.post(url, json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["party_id"] == party.pk
    assert created.json()["active"] is True
    bad = client.post(url, json.dumps({**body, "email": "nope"}), content_type="application/json")
    assert bad.status_code == 422
    other = make_company(code="OTHER", name="Other Co")
    foreign = make_partner(other, "Someone else")
    wrong = client.post(url, json.dumps({**body, "party_id": foreign.pk}), content_type="application/json")
    assert wrong.status_code == 422
    clerk = make_user(company=books, roles=("warehouse",))
    client.force_login(clerk)
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 403
