"""Writing saved filters: save (create or replace by name) and delete, each audited."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_changes, audit_record, created_changes, deleted_changes
from concord.core.errors import PermissionDeniedError, ValidationFailed
from concord.core.lists.models import SavedFilter
from concord.core.lists.models.saved_filter import NAME_MAX_LENGTH, QUERY_STRING_MAX_LENGTH

__all__ = ["TRANSIENT_PARAMS", "clean_query_string", "saved_filter_delete", "saved_filter_save"]

# Parameters that say where the user is or what they download, not what they filter on.
TRANSIENT_PARAMS = frozenset({"page", "export", "csrfmiddlewaretoken"})


def clean_query_string(query_string: str) -> str:
    """``query_string`` without paging/export parameters and empty values, in its original order."""
    pairs = parse_qsl(query_string.lstrip("?"), keep_blank_values=False)
    return urlencode([(key, value) for key, value in pairs if key not in TRANSIENT_PARAMS])


def saved_filter_save(*, user: Any, list_key: str, name: str, query_string: str) -> SavedFilter:
    """Save the filters of ``list_key`` under ``name`` for ``user``; an existing name is replaced."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDeniedError(gettext("Sign in to save filters."))
    name = " ".join(name.split())
    list_key = list_key.strip()
    if not name:
        raise ValidationFailed(gettext("Give the saved filter a name."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            gettext("A name can have at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}, field="name"
        )
    if not list_key:
        raise ValidationFailed(gettext("Which list are these filters for?"), field="list_key")
    cleaned = clean_query_string(query_string)
    if len(cleaned) > QUERY_STRING_MAX_LENGTH:
        raise ValidationFailed(gettext("These filters are too long to save."), field="query_string")

    key = {"user": user, "list_key": list_key, "name": name}
    with transaction.atomic():
        existing = SavedFilter.objects.select_for_update().filter(**key).first()
        if existing is None:
            try:
                with transaction.atomic():  # a savepoint: a concurrent save of the same name fails alone
                    created = SavedFilter.objects.create(**key, query_string=cleaned)
            except IntegrityError:
                existing = SavedFilter.objects.select_for_update().get(**key)
            else:
                audit_record(
                    actor=user, action=AuditAction.CREATE, obj=created, changes=created_changes(created)
                )
                return created
        with audit_changes(existing, by=user, fields=["query_string"]):
            if existing.query_string != cleaned:
                existing.query_string = cleaned
                existing.save(update_fields=["query_string"])
        return existing


def saved_filter_delete(*, saved_filter: SavedFilter, by: Any) -> None:
    """Delete ``saved_filter``; only the user who saved it may."""
    if not getattr(by, "is_authenticated", False) or saved_filter.user_id != by.pk:
        raise PermissionDeniedError(gettext("You can only delete your own saved filters."))
    with transaction.atomic():
        audit_record(
            actor=by, action=AuditAction.DELETE, obj=saved_filter, changes=deleted_changes(saved_filter)
        )
        saved_filter.delete()
