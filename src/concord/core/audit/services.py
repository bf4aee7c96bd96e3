"""Writing the audit trail: ``audit_record`` plus helpers so a service audits its change in one line.

    company = audited_update(company, by=by, name="Siam Trading")      # validate, save, record
    with audit_changes(invoice, by=by):                                 # anything done in the block
        invoice.status = "posted"; invoice.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=order, changes=created_changes(order))

Values are stored JSON-safe (Decimal and UUID as strings, dates ISO 8601, foreign keys as ids).
Sensitive fields (passwords, token hashes, OTP secrets) are never stored: their entry says only that
they changed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from concord.core.audit.context import current_origin
from concord.core.audit.models import AuditAction, AuditEntry
from concord.core.errors import ValidationFailed

Changes = dict[str, list[Any]]
Snapshot = dict[str, Any]

REDACTED = "[redacted]"
SENSITIVE_FIELDS = frozenset(
    {"password", "token_hash", "secret", "otp_secret", "key", "bin_key", "token", "api_key"}
)
_SENSITIVE_PARTS = ("password", "secret", "token_hash")
_SENSITIVE_PREFIX = "sensitive:"  # marks a fingerprinted value inside a snapshot


def is_sensitive(model: type[models.Model] | models.Model, field_name: str) -> bool:
    """True for fields whose values must never reach the trail.

    A model can add its own with ``AUDIT_SENSITIVE_FIELDS = frozenset({...})``.
    """
    extra: Iterable[str] = getattr(model, "AUDIT_SENSITIVE_FIELDS", ())
    name = field_name.lower()
    return name in SENSITIVE_FIELDS or name in extra or any(part in name for part in _SENSITIVE_PARTS)


_CONVERTERS: tuple[tuple[type | tuple[type, ...], Any], ...] = (
    (decimal.Decimal, str),
    ((dt.datetime, dt.date, dt.time), lambda value: value.isoformat()),
    (dt.timedelta, lambda value: value.total_seconds()),
    (enum.Enum, lambda value: json_safe(value.value)),
    (uuid.UUID, str),
    (models.Model, lambda value: json_safe(value.pk)),
    (dict, lambda value: {str(key): json_safe(item) for key, item in value.items()}),
    ((list, tuple, set, frozenset), lambda value: [json_safe(item) for item in value]),
    ((bytes, memoryview), lambda value: f"<{len(value)} bytes>"),
)


def json_safe(value: Any) -> Any:
    """A JSON-serialisable form of a field value (unknown types become their ``str``)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    for types, convert in _CONVERTERS:
        if isinstance(value, types):
            return convert(value)
    return str(value)


def _fingerprint(value: Any) -> str:
    """Lets ``diff`` notice a sensitive value changed without keeping the value itself."""
    digest = hashlib.sha256(repr(value).encode()).hexdigest()[:16]
    return f"{_SENSITIVE_PREFIX}{digest}"


def _audited_fields(obj: models.Model, fields: Iterable[str] | None) -> list[models.Field[Any, Any]]:
    wanted = set(fields) if fields is not None else None
    chosen = []
    for field in obj._meta.concrete_fields:
        if wanted is not None:
            if field.name in wanted or field.attname in wanted:
                chosen.append(field)
            continue
        if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue  # the entry already records the id and the time
        chosen.append(field)
    return chosen


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> Snapshot:
    """The object's current field values, JSON-safe, keyed by field name (foreign keys as ids).

    Without ``fields``: every concrete field except the primary key and automatic timestamps.
    Sensitive fields appear only as a fingerprint, so ``diff`` can tell that they changed.
    """
    values: Snapshot = {}
    for field in _audited_fields(obj, fields):
        raw = getattr(obj, field.attname)
        values[field.name] = _fingerprint(raw) if is_sensitive(obj, field.name) else json_safe(raw)
    return values


def _shown(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_SENSITIVE_PREFIX):
        return REDACTED
    return value


def diff(before: Snapshot, after: Snapshot) -> Changes:
    """``{field: [old, new]}`` for every field whose value differs; sensitive values are redacted."""
    changes: Changes = {}
    for name in [*before, *(key for key in after if key not in before)]:
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [_shown(old), _shown(new)]
    return changes


def created_changes(obj: models.Model, fields: Iterable[str] | None = None) -> Changes:
    """The changes of a creation: ``{field: [None, value]}`` for each set field."""
    return {
        name: [None, _shown(value)]
        for name, value in snapshot(obj, fields).items()
        if value not in (None, "")
    }


def deleted_changes(obj: models.Model, fields: Iterable[str] | None = None) -> Changes:
    """The changes of a deletion: ``{field: [value, None]}`` so the trail keeps what was removed."""
    return {
        name: [_shown(value), None]
        for name, value in snapshot(obj, fields).items()
        if value not in (None, "")
    }


def _company_of(obj: models.Model) -> Any:
    """The company id an object belongs to, the company itself for a company, else None."""
    if obj._meta.label_lower == "identity.company":
        return obj.pk
    return getattr(obj, "company_id", None)


def _actor_id(actor: Any) -> Any:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor.pk


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model,
    changes: Changes | None = None,
    company: Any = None,
) -> AuditEntry:
    """Append one entry to the trail, inside the caller's transaction.

    ``actor`` is the user who acted (None or an anonymous user for the system); ``company`` defaults to
    ``obj``'s company (the company itself for a Company; None for global rows such as users).
    """
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}; use AuditAction")
    if obj.pk is None:
        raise ValueError("audit_record needs a saved object")
    if isinstance(company, models.Model):
        company_id = company.pk
    elif company is not None:
        company_id = company
    else:
        company_id = _company_of(obj)
    origin = current_origin()
    entry = AuditEntry(
        company_id=company_id,
        actor_id=_actor_id(actor),
        action=str(action),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=json_safe(changes or {}),
        request_id=origin.request_id,
        ip_address=origin.ip_address,
    )
    entry.save(force_insert=True)
    return entry


@contextmanager
def audit_changes(
    obj: models.Model,
    *,
    by: Any,
    action: AuditAction | str = AuditAction.UPDATE,
    fields: Iterable[str] | None = None,
) -> Iterator[Changes]:
    """Record what the block changed on ``obj`` (nothing is written when nothing changed).

    The yielded dict is filled with the changes once the block ends. Use inside a transaction.
    """
    field_list = list(fields) if fields is not None else None
    before = snapshot(obj, field_list)
    changes: Changes = {}
    yield changes
    changes.update(diff(before, snapshot(obj, field_list)))
    if changes:
        audit_record(actor=by, action=action, obj=obj, changes=changes)


def _editable_fields(obj: models.Model) -> dict[str, models.Field[Any, Any]]:
    """Maps every name a caller may set (``company`` and ``company_id``) to its field."""
    fields: dict[str, models.Field[Any, Any]] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        fields[field.name] = field
        fields[field.attname] = field
    return fields


def audited_update(obj: models.Model, *, by: Any, **changes: Any) -> Changes:
    """Set fields on ``obj``, validate (``full_clean``), save only what changed and record it.

    Returns the recorded ``{field: [old, new]}`` (empty when the values were already those: nothing is
    saved or recorded then). Raises ``ValidationFailed`` (nothing saved, ``obj`` restored) on an
    unknown or read-only field or an invalid value. Nested in a service's transaction, it joins it.
    """
    editable = _editable_fields(obj)
    unknown = sorted(name for name in changes if name not in editable)
    if unknown:
        raise ValidationFailed(
            _("Unknown or read-only field: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    field_names = sorted({editable[name].name for name in changes})
    before = snapshot(obj, field_names)
    previous = {editable[name].attname: getattr(obj, editable[name].attname) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as exc:
        for attname, value in previous.items():
            setattr(obj, attname, value)
        raise ValidationFailed.from_django(exc) from exc
    after = snapshot(obj, field_names)
    recorded = diff(before, after)
    if not recorded:
        return recorded
    with transaction.atomic():
        obj.save(update_fields=list(recorded))
        audit_record(actor=by, action=AuditAction.UPDATE, obj=obj, changes=recorded)
    return recorded


__all__ = [
    "REDACTED",
    "Changes",
    "audit_changes",
    "audit_record",
    "audited_update",
    "created_changes",
    "deleted_changes",
    "diff",
    "is_sensitive",
    "json_safe",
    "snapshot",
]
