import json

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from concord.core.audit.models import AuditAction, AuditEntry
from concord.core.audit.queries import audit_entries_for
from concord.core.audit.services import REDACTED
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.errors import DuplicateIdentityError, IdentityError, WeakPasswordError
from concord.core.identity.models import AccessToken, Company, Membership, User
from concord.core.identity.roles import Role
from concord.core.identity.services import (
    company_create,
    company_update,
    membership_grant,
    membership_revoke,
    user_create,
    user_deactivate,
    user_set_password,
    user_update,
)
from concord.core.outbox.models import OutboxEvent

STRONG = "Tamarind-Lotus-42"


@pytest.fixture
def admin_user(company, make_user):
    return make_user(username="boss", company=company, roles=(Role.ADMIN,))


def _events(event_type):
    return list(OutboxEvent.objects.filter(event_type=event_type))


# --------------------------------------------------------------------------- companies
def test_company_create_records_fields_and_publishes(admin_user):
    created = company_create(
        by=admin_user, name="Mekong Foods", code="mekong", country="kh", currency="khr", tax_id="K001"
    )
    assert (created.country, created.currency) == ("KH", "KHR")
    entry = audit_entries_for(created).get()
    assert entry.action == AuditAction.CREATE
    assert entry.actor == admin_user
    assert entry.company_id == created.pk
    assert entry.changes["name"] == [None, "Mekong Foods"]
    assert entry.changes["currency"] == [None, "KHR"]
    assert entry.changes["tax_id"] == [None, "K001"]
    [event] = _events("identity.CompanyCreated")
    assert event.payload["company_id"] == created.pk
    assert event.actor_id == admin_user.pk
    assert event.company_id == created.pk


def test_company_creator_administers_the_new_company(admin_user):
    created = company_create(
        by=admin_user, name="Angkor Trading", code="angkor", country="KH", currency="USD"
    )
    assert admin_user.roles_in(created.pk) == {Role.ADMIN}
    assert created.pk in admin_user.company_ids()


def test_company_created_by_the_system_has_no_members(db):
    created = company_create(by=None, name="Lanna Crafts", code="lanna", country="TH", currency="THB")
    assert not Membership.objects.filter(company=created).exists()


def test_company_create_refuses_a_taken_code_in_any_case(company, admin_user):
    with pytest.raises(DuplicateIdentityError) as caught:
        company_create(by=admin_user, name="Other", code="SIAM", country="TH", currency="THB")
    assert caught.value.field == "code"
    assert caught.value.status_code == 409
    assert Company.objects.count() == 1
    assert not AuditEntry.objects.exists()
    assert not _events("identity.CompanyCreated")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"currency": "BAHT"}, "currency"),
        ({"country": "THA"}, "country"),
        ({"language": "fr"}, "language"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"code": "no spaces"}, "code"),
        ({"name": ""}, "name"),
    ],
)
def test_company_create_validation_errors_save_nothing(db, fields, field):
    arguments = {"name": "Mekong Foods", "code": "mekong", "country": "KH", "currency": "KHR", **fields}
    with pytest.raises(IdentityError) as caught:
        company_create(by=None, **arguments)
    assert field in caught.value.errors or caught.value.field == field
    assert caught.value.status_code == 422
    assert not Company.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_company_update_records_old_and_new(company, admin_user):
    company_update(company=company, by=admin_user, name="Siam Trading Public Co.", language="th")
    company.refresh_from_db()
    assert (company.name, company.language) == ("Siam Trading Public Co.", "th")
    entry = audit_entries_for(company).get()
    assert entry.action == AuditAction.UPDATE
    assert entry.changes == {
        "name": ["Siam Trading Co., Ltd.", "Siam Trading Public Co."],
        "language": ["en", "th"],
    }
    [event] = _events("identity.CompanyUpdated")
    assert sorted(event.payload["fields"]) == ["language", "name"]


def test_company_update_without_change_records_nothing(company, admin_user):
    company_update(company=company, by=admin_user, name=company.name)
    assert not AuditEntry.objects.exists()
    assert not _events("identity.CompanyUpdated")


def test_company_update_rejects_bad_input_and_saves_nothing(company, make_company, admin_user):
    make_company(code="angkor")
    with pytest.raises(IdentityError):
        company_update(company=company, by=admin_user, created_at=None)
    with pytest.raises(DuplicateIdentityError):
        company_update(company=company, by=admin_user, code="ANGKOR")
    with pytest.raises(IdentityError) as caught:
        company_update(company=company, by=admin_user, name="Renamed", currency="12")
    assert isinstance(caught.value, ValidationFailed)
    company.refresh_from_db()
    assert (company.name, company.code, company.currency) == ("Siam Trading Co., Ltd.", "siam", "THB")
    assert not AuditEntry.objects.exists()


# --------------------------------------------------------------------------- users
def test_user_create_audits_without_the_password(admin_user):
    user = user_create(
        by=admin_user, username="somchai", email="Somchai@Example.COM", password=STRONG, language="th"
    )
    assert user.check_password(STRONG)
    assert user.email == "Somchai@example.com"
    entry = audit_entries_for(user).get()
    assert entry.action == AuditAction.CREATE
    assert entry.company_id is None  # users are global
    assert entry.changes["username"] == [None, "somchai"]
    assert entry.changes["language"] == [None, "th"]
    assert entry.changes["password"] == [None, REDACTED]
    stored = json.dumps(entry.changes)
    assert STRONG not in stored
    assert user.password not in stored
    [event] = _events("identity.UserCreated")
    assert event.payload == {"user_id": user.pk, "username": "somchai"}


def test_user_create_without_password_makes_it_unusable(db):
    user = user_create(by=None, username="sso-only")
    assert not user.has_usable_password()
    assert audit_entries_for(user).get().actor is None


def test_user_create_refuses_weak_passwords_and_duplicates(admin_user):
    with pytest.raises(WeakPasswordError) as caught:
        user_create(by=admin_user, username="dara", password="12345")
    assert caught.value.field == "password"
    assert len(caught.value.errors["password"]) >= 2  # too short and entirely numeric
    with pytest.raises(DuplicateIdentityError):
        user_create(by=admin_user, username="BOSS", password=STRONG)
    with pytest.raises(IdentityError):
        user_create(by=admin_user, username="bad name!", password=STRONG)
    assert list(User.objects.values_list("username", flat=True)) == ["boss"]
    assert not AuditEntry.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_user_update_records_changes(admin_user, make_user):
    user = make_user(username="dara", first_name="Dara")
    user_update(user=user, by=admin_user, first_name="Dara Sok", is_staff=True)
    entry = audit_entries_for(user).get()
    assert entry.changes == {"first_name": ["Dara", "Dara Sok"], "is_staff": [False, True]}
    user.refresh_from_db()
    assert user.is_staff


def test_user_update_rules(company, make_company, admin_user, make_user):
    user = make_user(username="dara")
    with pytest.raises(IdentityError) as caught:
        user_update(user=user, by=admin_user, password="x")
    assert caught.value.field == "password"
    with pytest.raises(IdentityError) as caught:
        user_update(user=user, by=admin_user, default_company=make_company())
    assert caught.value.field == "default_company"
    with pytest.raises(IdentityError):
        user_update(user=user, by=admin_user, email="not-an-email")
    with pytest.raises(DuplicateIdentityError):
        user_update(user=user, by=admin_user, username="Boss")
    assert not AuditEntry.objects.exists()
    membership_grant(user=user, company=company, role=Role.SALES, by=admin_user)
    user_update(user=user, by=admin_user, default_company=company)
    assert audit_entries_for(user).get().changes == {"default_company": [None, company.pk]}


def test_user_set_password_audits_a_marker_only(admin_user, make_user):
    user = make_user(username="dara")
    old_hash = user.password
    user_set_password(user=user, by=admin_user, password=STRONG)
    user.refresh_from_db()
    assert user.check_password(STRONG)
    entry = audit_entries_for(user).get()
    assert entry.changes == {"password": [REDACTED, REDACTED]}
    assert old_hash not in json.dumps(entry.changes)
    assert _events("identity.UserPasswordChanged")


def test_user_set_password_refuses_weak_ones(make_user):
    user = make_user(username="dara", password="correct-horse-battery")
    with pytest.raises(WeakPasswordError) as caught:
        user_set_password(user=user, by=None, password="dara")
    assert caught.value.errors["password"]
    user.refresh_from_db()
    assert check_password("correct-horse-battery", user.password)
    assert not AuditEntry.objects.exists()


def test_user_deactivate_revokes_tokens_and_is_idempotent(admin_user, make_user):
    user = make_user(username="dara")
    token = AccessToken.objects.create(user=user, name="ci", prefix="abc", token_hash="f" * 64)
    user_deactivate(user=user, by=admin_user)
    user.refresh_from_db()
    token.refresh_from_db()
    assert not user.is_active
    assert token.revoked_at is not None
    assert audit_entries_for(user).get().changes == {"is_active": [True, False]}
    assert audit_entries_for(token).get().changes["revoked_at"][0] is None
    assert len(_events("identity.UserDeactivated")) == 1
    user_deactivate(user=user, by=admin_user)
    assert AuditEntry.objects.count() == 2
    assert len(_events("identity.UserDeactivated")) == 1


# --------------------------------------------------------------------------- memberships
def test_membership_grant_is_audited_and_idempotent(company, admin_user, make_user):
    user = make_user(username="dara")
    membership = membership_grant(user=user, company=company, role=Role.SALES, by=admin_user)
    entry = audit_entries_for(membership).get()
    assert entry.action == AuditAction.CREATE
    assert entry.company_id == company.pk
    assert entry.changes == {
        "user": [None, user.pk],
        "company": [None, company.pk],
        "role": [None, "sales"],
        "is_active": [None, True],
    }
    again = membership_grant(user=user, company=company, role=Role.SALES, by=admin_user)
    assert again.pk == membership.pk
    assert audit_entries_for(membership).count() == 1
    [event] = _events("identity.MembershipGranted")
    assert event.payload["role"] == "sales"
    assert event.company_id == company.pk


def test_membership_grant_reactivates_a_revoked_role(company, admin_user, make_user):
    user = make_user(username="dara")
    membership = membership_grant(user=user, company=company, role=Role.SALES, by=admin_user)
    membership_revoke(membership=membership, by=admin_user)
    again = membership_grant(user=user, company=company, role=Role.SALES, by=admin_user)
    assert again.pk == membership.pk
    assert again.is_active
    changes = [entry.changes for entry in audit_entries_for(membership).order_by("id")]
    assert changes[1:] == [{"is_active": [True, False]}, {"is_active": [False, True]}]
    assert Membership.objects.filter(user=user).count() == 1
    assert len(_events("identity.MembershipGranted")) == 2
    assert len(_events("identity.MembershipRevoked")) == 1


def test_membership_grant_rejects_unknown_roles_and_inactive_companies(company, make_company, make_user):
    user = make_user(username="dara")
    with pytest.raises(IdentityError) as caught:
        membership_grant(user=user, company=company, role="wizard", by=None)
    assert caught.value.field == "role"
    closed = make_company(is_active=False)
    with pytest.raises(IdentityError):
        membership_grant(user=user, company=closed, role=Role.SALES, by=None)
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEntry.objects.exists()


def test_a_company_keeps_its_last_administrator(company, admin_user, make_user):
    [only_admin] = Membership.objects.filter(user=admin_user)
    with pytest.raises(Conflict):
        membership_revoke(membership=only_admin, by=admin_user)
    only_admin.refresh_from_db()
    assert only_admin.is_active
    second = membership_grant(user=make_user(), company=company, role=Role.ADMIN, by=admin_user)
    membership_revoke(membership=only_admin, by=second.user)
    only_admin.refresh_from_db()
    assert not only_admin.is_active
    assert audit_entries_for(only_admin).get().actor == second.user


# --------------------------------------------------------------------------- createadmin
def test_createadmin_creates_a_superuser_administering_the_company(company, capsys):
    call_command("createadmin", username="admin", email="admin@example.com", company="SIAM")
    output = capsys.readouterr().out
    password = next(line.split(": ", 1)[1] for line in output.splitlines() if line.startswith("Password: "))
    user = User.objects.get(username="admin")
    assert user.is_superuser
    assert user.is_staff
    assert user.check_password(password)
    assert len(password) >= 20
    assert user.default_company == company
    assert user.roles_in(company.pk) == {Role.ADMIN}
    assert AuditEntry.objects.filter(action=AuditAction.CREATE).count() == 2  # user and membership
    assert password not in json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_createadmin_with_a_given_password_does_not_print_it(company, capsys):
    call_command("createadmin", username="admin", company="siam", password=STRONG)
    assert STRONG not in capsys.readouterr().out
    assert User.objects.get(username="admin").check_password(STRONG)


def test_createadmin_errors_clearly(company, make_user):
    make_user(username="admin")
    with pytest.raises(CommandError, match="already taken"):
        call_command("createadmin", username="Admin", company="siam", password=STRONG)
    with pytest.raises(CommandError, match="No company"):
        call_command("createadmin", username="other", company="nope")
    with pytest.raises(CommandError, match="password"):
        call_command("createadmin", username="other", company="siam", password="123")
    assert list(User.objects.values_list("username", flat=True)) == ["admin"]
    assert not Membership.objects.exists()
