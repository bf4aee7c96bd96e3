"""The Django admin writes companies, users and memberships through the services (audited, published)."""

import pytest
from django.urls import reverse

from concord.core.audit.models import AuditAction
from concord.core.audit.queries import audit_entries_for
from concord.core.audit.services import REDACTED
from concord.core.identity.models import Company, Membership, User
from concord.core.identity.roles import Role
from concord.core.outbox.models import OutboxEvent

STRONG = "Tamarind-Lotus-42"


@pytest.fixture
def root(client, db):
    user = User.objects.create_superuser(username="root", password=STRONG)
    client.force_login(user)
    return user


def test_company_added_in_admin_is_audited_and_published(client, root):
    response = client.post(
        reverse("admin:identity_company_add"),
        {
            "name": "Mekong Foods",
            "code": "mekong",
            "legal_name": "",
            "country": "KH",
            "currency": "KHR",
            "tax_id": "",
            "branch_code": "00000",
            "language": "km",
            "timezone": "Asia/Phnom_Penh",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    company = Company.objects.get(code="mekong")
    entry = audit_entries_for(company).get()
    assert (entry.action, entry.actor) == (AuditAction.CREATE, root)
    assert OutboxEvent.objects.filter(event_type="identity.CompanyCreated", actor=root).count() == 1


def test_company_changed_in_admin_records_old_and_new(client, root, company):
    url = reverse("admin:identity_company_change", args=[company.pk])
    data = {
        "name": "Siam Trading Public Co.",
        "code": company.code,
        "legal_name": "",
        "country": "TH",
        "currency": "THB",
        "tax_id": "",
        "branch_code": "00000",
        "language": "en",
        "timezone": "Asia/Bangkok",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    entry = audit_entries_for(company).get()
    assert entry.changes == {"name": ["Siam Trading Co., Ltd.", "Siam Trading Public Co."]}


def test_admin_offers_no_delete(client, root, company):
    assert client.get(reverse("admin:identity_company_delete", args=[company.pk])).status_code == 403
    assert client.get(reverse("admin:identity_user_delete", args=[root.pk])).status_code == 403


def test_user_added_in_admin_and_password_changed_are_audited(client, root):
    response = client.post(
        reverse("admin:identity_user_add"),
        {"username": "dara", "usable_password": "true", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="dara")
    assert user.check_password(STRONG)
    assert audit_entries_for(user).get().changes["password"] == [None, REDACTED]
    new_password = "Mango-Sticky-Rice-7"
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.check_password(new_password)
    latest = audit_entries_for(user).first()
    assert latest is not None
    assert latest.changes == {"password": [REDACTED, REDACTED]}
    assert latest.actor == root


def test_membership_added_in_admin_goes_through_grant(client, root, company, make_user):
    user = make_user(username="dara")
    response = client.post(
        reverse("admin:identity_membership_add"),
        {"user": user.pk, "company": company.pk, "role": Role.SALES, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=user)
    assert audit_entries_for(membership).get().actor == root
    assert OutboxEvent.objects.filter(event_type="identity.MembershipGranted").count() == 1


def test_membership_unticked_in_admin_is_revoked(client, root, company, make_user):
    user = make_user(username="dara", company=company, roles=(Role.SALES,))
    membership = Membership.objects.get(user=user)
    response = client.post(reverse("admin:identity_membership_change", args=[membership.pk]), {})
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert not membership.is_active
    assert audit_entries_for(membership).get().changes == {"is_active": [True, False]}
    assert OutboxEvent.objects.filter(event_type="identity.MembershipRevoked").count() == 1
