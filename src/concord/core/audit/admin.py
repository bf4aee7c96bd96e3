"""AuditEntry in the Django admin: readable by superusers, never editable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from concord.core.audit.models import AuditEntry

if TYPE_CHECKING:
    AuditEntryAdminBase = admin.ModelAdmin[AuditEntry]
else:  # Django's classes are not subscriptable at run time (no django_stubs_ext.monkeypatch())
    AuditEntryAdminBase = admin.ModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditEntryAdminBase):
    list_display = ("created_at", "actor", "action", "content_type", "object_repr", "company")
    list_filter = ("action", "content_type", "company")
    search_fields = ("object_repr", "object_id", "actor__username", "request_id")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "content_type", "company")
    readonly_fields = (
        "created_at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "company",
        "changes",
        "request_id",
        "ip_address",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
