from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["AuditAction", "AuditEntry", "AuditEntryQuerySet"]


class AuditAction(models.TextChoices):
    """What was done to the object."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    REPLAY = "replay", _("Replayed")
    EXPORT = "export", _("Exported")
    OTHER = "other", _("Other")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Audit entries are append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One recorded change: who did what to which business object, when, and which fields changed."""

    company = models.ForeignKey(
        "identity.Company",
        on_delete=models.PROTECT,  # the trail outlives nothing: companies with history are deactivated
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # users with history are deactivated, never deleted
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="audit_entry_object_idx"),
            models.Index(fields=["company", "created_at"], name="audit_entry_company_idx"),
            models.Index(fields=["actor", "created_at"], name="audit_entry_actor_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AuditAction.values),
                name="audit_entry_action_known",
                violation_error_message=_("Unknown audit action."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def change_rows(self) -> list[tuple[str, Any, Any]]:
        """The changes as ``(field label, old, new)`` rows, labels from the model when it still exists."""
        model = self.content_type.model_class()
        rows: list[tuple[str, Any, Any]] = []
        for name, values in (self.changes or {}).items():
            label: Any = name
            if model is not None:
                try:
                    label = getattr(model._meta.get_field(name), "verbose_name", name)
                except FieldDoesNotExist:
                    label = name
            old, new = [*values, None, None][:2] if isinstance(values, list) else (None, values)
            rows.append((str(label), old, new))
        return rows
