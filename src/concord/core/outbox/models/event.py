from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concord.core.outbox.events import OutboxJSONEncoder

__all__ = ["DeliveryStatus", "EventStatus", "OutboxDelivery", "OutboxEvent"]


class EventStatus(models.TextChoices):
    """Where an outbox event is in its delivery."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class DeliveryStatus(models.TextChoices):
    """Where one handler is with one event."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")


class OutboxEvent(models.Model):
    """A business event written with the change that caused it, waiting to be delivered to its handlers."""

    uuid = models.UUIDField(_("event UUID"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("event type"), max_length=150, db_index=True)
    payload = models.JSONField(_("payload"), encoder=OutboxJSONEncoder, default=dict)
    company = models.ForeignKey(
        "identity.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    aggregate_type = models.CharField(_("aggregate type"), max_length=100, blank=True)
    aggregate_id = models.CharField(_("aggregate id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    locked_by = models.CharField(_("locked by"), max_length=200, blank=True)
    replays = models.PositiveIntegerField(_("replays"), default=0)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_event_due"),
            models.Index(fields=["-created_at", "-id"], name="outbox_event_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EventStatus.values),
                name="outbox_event_status_valid",
                violation_error_message=_("Unknown outbox event status."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=EventStatus.DELIVERED) | models.Q(delivered_at__isnull=False),
                name="outbox_event_delivered_has_time",
                violation_error_message=_("A delivered event must record when it was delivered."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk} ({self.status})"


class OutboxDelivery(models.Model):
    """One handler's record of one event: attempts, last error, and when it succeeded."""

    event = models.ForeignKey(
        OutboxEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    handler = models.CharField(_("handler"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox delivery")
        verbose_name_plural = _("outbox deliveries")
        ordering = ["event_id", "handler"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "handler"],
                name="outbox_delivery_one_per_handler",
                violation_error_message=_("This handler already has a delivery record for this event."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="outbox_delivery_status_valid",
                violation_error_message=_("Unknown outbox delivery status."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=DeliveryStatus.DELIVERED) | models.Q(delivered_at__isnull=False),
                name="outbox_delivery_delivered_has_time",
                violation_error_message=_("A delivered handler must record when it succeeded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handler} <- event #{self.event_id} ({self.status})"
