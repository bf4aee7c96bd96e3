"""Django admin: outbox events, read-only (replay goes through the outbox page and its service)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from concord.core.outbox.models import OutboxDelivery, OutboxEvent

if TYPE_CHECKING:  # the admin classes are generic only in django-stubs, not at runtime
    DeliveryInlineBase = admin.TabularInline[OutboxDelivery, OutboxEvent]
    EventAdminBase = admin.ModelAdmin[OutboxEvent]
else:
    DeliveryInlineBase = admin.TabularInline
    EventAdminBase = admin.ModelAdmin


class ReadOnlyAdminMixin:
    """Shows rows but never adds, changes or deletes them: the outbox is written by code only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OutboxDeliveryInline(ReadOnlyAdminMixin, DeliveryInlineBase):
    model = OutboxDelivery
    extra = 0
    fields = ("handler", "status", "attempts", "last_attempt_at", "delivered_at", "last_error")
    readonly_fields = fields


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdminMixin, EventAdminBase):
    list_display = ["id", "event_type", "status", "attempts", "company", "created_at", "delivered_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["event_type", "aggregate_id", "uuid"]
    date_hierarchy = "created_at"
    list_select_related = ["company"]
    inlines = [OutboxDeliveryInline]
    readonly_fields = [field.name for field in OutboxEvent._meta.fields]
