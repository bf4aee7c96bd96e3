import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from concord.core.audit.context import audit_origin
from concord.core.audit.models import AuditAction, AuditEntry
from concord.core.audit.models.entry import AppendOnlyError
from concord.core.audit.services import (
    REDACTED,
    audit_changes,
    audit_record,
    audited_update,
    created_changes,
    diff,
    json_safe,
    snapshot,
)
from concord.core.errors import ValidationFailed
from concord.core.identity.models import AccessToken, Company, Membership
from concord.core.identity.roles import Role


def test_json_safe_turns_business_values_into_json():
    value = {
        "amount": Decimal("1250.75"),
        "due": dt.date(2026, 3, 31),
        "at": dt.datetime(2026, 3, 31, 9, 30, tzinfo=dt.UTC),
        "ref": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "role": Role.SALES,
        "tags": {"a"},
    }
    safe = json_safe(value)
    assert safe == {
        "amount": "1250.75",
        "due": "2026-03-31",
        "at": "2026-03-31T09:30:00+00:00",
        "ref": "12345678-1234-5678-1234-567812345678",
        "role": "sales",
        "tags": ["a"],
    }
    json.dumps(safe)


def test_snapshot_keys_foreign_keys_by_name_with_ids(company, make_user):
    user = make_user()
    membership = Membership.objects.create(user=user, company=company, role=Role.SALES)
    values = snapshot(membership)
    assert values == {"user": user.pk, "company": company.pk, "role": "sales", "is_active": True}
    assert "created_at" not in values  # automatic timestamps are the entry's own time


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": "x"}, {"a": 2, "b": "x", "c": None}) == {"a": [1, 2]}


def test_audit_record_takes_company_actor_and_request_origin(company, make_user):
    actor = make_user()
    membership = Membership.objects.create(user=actor, company=company, role=Role.SALES)
    with audit_origin(request_id="req-42", ip_address="10.1.2.3"):
        entry = audit_record(
            actor=actor, action=AuditAction.CREATE, obj=membership, changes={"role": [None, "sales"]}
        )
    entry.refresh_from_db()
    assert entry.company_id == company.pk
    assert entry.actor_id == actor.pk
    assert entry.content_type.model_class() is Membership
    assert entry.object_id == str(membership.pk)
    assert entry.request_id == "req-42"
    assert entry.ip_address == "10.1.2.3"
    assert entry.changes == {"role": [None, "sales"]}


def test_audit_record_of_a_company_belongs_to_that_company(company):
    entry = audit_record(actor=None, action=AuditAction.OTHER, obj=company)
    assert entry.company_id == company.pk
    assert entry.actor_id is None


def test_audit_record_refuses_unknown_actions_and_unsaved_objects(company):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(actor=None, action="teleport", obj=company)
    with pytest.raises(ValueError, match="saved object"):
        audit_record(actor=None, action=AuditAction.CREATE, obj=Company(name="x"))


def test_audited_update_saves_and_records_old_and_new(company, make_user):
    actor = make_user()
    recorded = audited_update(company, by=actor, name="Siam Trading Public Co.", tax_id="0105551234567")
    assert recorded == {
        "name": ["Siam Trading Co., Ltd.", "Siam Trading Public Co."],
        "tax_id": ["", "0105551234567"],
    }
    company.refresh_from_db()
    assert company.name == "Siam Trading Public Co."
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.UPDATE
    assert entry.actor_id == actor.pk
    assert entry.changes == recorded


def test_audited_update_without_a_change_writes_nothing(company):
    assert audited_update(company, by=None, name=company.name) == {}
    assert not AuditEntry.objects.exists()


def test_audited_update_rejects_invalid_values_and_saves_nothing(company):
    with pytest.raises(ValidationFailed) as caught:
        audited_update(company, by=None, name="Renamed", currency="baht")
    assert "currency" in caught.value.errors or "__all__" in caught.value.errors
    assert company.name == "Siam Trading Co., Ltd."  # the instance is restored
    company.refresh_from_db()
    assert company.name == "Siam Trading Co., Ltd."
    assert company.currency == "THB"
    assert not AuditEntry.objects.exists()


def test_audited_update_rejects_unknown_or_read_only_fields(company):
    with pytest.raises(ValidationFailed) as caught:
        audited_update(company, by=None, created_at=None)
    assert caught.value.field == "created_at"
    with pytest.raises(ValidationFailed):
        audited_update(company, by=None, colour="blue")


def test_sensitive_values_never_reach_the_trail(make_user):
    user = make_user()
    token = AccessToken.objects.create(user=user, name="ci", prefix="abc", token_hash="a" * 64)
    recorded = audited_update(token, by=user, token_hash="b" * 64, name="deploy")
    assert recorded["token_hash"] == [REDACTED, REDACTED]
    assert recorded["name"] == ["ci", "deploy"]
    stored = json.dumps(AuditEntry.objects.get().changes)
    assert "a" * 64 not in stored
    assert "b" * 64 not in stored
    assert "sensitive:" not in stored
    assert created_changes(user)["password"] == [None, REDACTED]
    assert user.password not in json.dumps(created_changes(user))


def test_audit_changes_records_what_the_block_changed(company):
    with audit_changes(company, by=None) as changes:
        company.branch_code = "00001"
        company.save()
    assert changes == {"branch_code": ["00000", "00001"]}
    assert AuditEntry.objects.get().changes == changes


def test_entries_are_append_only(company):
    entry = audit_record(actor=None, action=AuditAction.OTHER, obj=company)
    entry.object_repr = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_to_rewrite_an_entry(company):
    entry = audit_record(actor=None, action=AuditAction.OTHER, obj=company)
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET object_repr = %s WHERE id = %s", ["tampered", entry.pk])  # noqa: S608 - constant table name
    entry.refresh_from_db()
    assert entry.object_repr == str(company)


@pytest.mark.postgres_only
def test_postgresql_refuses_to_delete_an_entry(company):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite test databases are flushed with DELETE, so only UPDATE is blocked there")
    entry = audit_record(actor=None, action=AuditAction.OTHER, obj=company)
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608 - constant table name
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_still_flush_the_trail(make_company):
    # The append-only trigger must not break the flush that ends every transactional (browser) test.
    company = make_company()
    audit_record(actor=None, action=AuditAction.CREATE, obj=company)
    assert AuditEntry.objects.count() == 1
