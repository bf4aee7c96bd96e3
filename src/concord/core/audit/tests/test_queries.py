import datetime as dt

from django.utils import timezone

from concord.core.audit.models import AuditAction
from concord.core.audit.queries import (
    audit_company_ids_for,
    audit_entries,
    audit_entries_for,
    audit_entries_visible_to,
    audit_model_choices,
)
from concord.core.audit.services import audit_record
from concord.core.identity.models import Company, Membership, User
from concord.core.identity.roles import Role


def _trail(make_company, make_user):
    siam, angkor = make_company(code="siam"), make_company(code="angkor", country="KH", currency="KHR")
    alice, bob = make_user(username="alice"), make_user(username="bob")
    entries = {
        "siam": audit_record(actor=alice, action=AuditAction.UPDATE, obj=siam, changes={"name": ["a", "b"]}),
        "angkor": audit_record(actor=bob, action=AuditAction.CREATE, obj=angkor),
        "user": audit_record(actor=alice, action=AuditAction.CREATE, obj=bob),
    }
    return siam, angkor, alice, bob, entries


def test_filters_by_company_model_actor_and_action(make_company, make_user):
    siam, angkor, alice, bob, entries = _trail(make_company, make_user)
    assert list(audit_entries(company_ids=[siam.pk])) == [entries["siam"]]
    assert set(audit_entries(company_ids=[siam.pk], include_global=True)) == {
        entries["siam"],
        entries["user"],
    }
    assert set(audit_entries(model=Company)) == {entries["siam"], entries["angkor"]}
    assert list(audit_entries(model="identity.user")) == [entries["user"]]
    assert list(audit_entries(model="nothing.here")) == []
    assert set(audit_entries(actor_id=alice.pk)) == {entries["siam"], entries["user"]}
    assert list(audit_entries(action=AuditAction.CREATE, model=Company)) == [entries["angkor"]]
    assert list(audit_entries_for(bob)) == [entries["user"]]
    assert list(audit_entries(model=Company, object_id=angkor.pk)) == [entries["angkor"]]


def test_date_range_is_inclusive_of_whole_days(make_company, make_user):
    _trail(make_company, make_user)
    today = timezone.localdate()
    assert audit_entries(since=today, until=today).count() == 3
    assert audit_entries(until=today - dt.timedelta(days=1)).count() == 0
    assert audit_entries(since=today + dt.timedelta(days=1)).count() == 0
    assert audit_entries(since=timezone.now() + dt.timedelta(minutes=5)).count() == 0


def test_newest_first(make_company, make_user):
    *_, entries = _trail(make_company, make_user)
    assert list(audit_entries()) == [entries["user"], entries["angkor"], entries["siam"]]


def test_visibility_follows_roles_granting_audit_view(make_company, make_user):
    siam, angkor, _alice, _bob, entries = _trail(make_company, make_user)
    manager = make_user(company=siam, roles=(Role.MANAGER,))
    Membership.objects.create(user=manager, company=angkor, role=Role.SALES)  # no audit.view there
    assert audit_company_ids_for(manager) == [siam.pk]
    assert list(audit_entries_visible_to(manager)) == [entries["siam"]]
    assert audit_model_choices(manager) == [("identity.company", "Company")]
    root = User.objects.create_superuser(username="root", password="x")
    assert audit_company_ids_for(root) is None
    assert audit_entries_visible_to(root).count() == 3
    salesman = make_user(company=siam, roles=(Role.SALES,))
    assert audit_company_ids_for(salesman) == []
    assert not audit_entries_visible_to(salesman).exists()
