"""Writes of the outbox: publish events inside the caller's transaction, replay an event.

``outbox_event_publish`` must run inside ``transaction.atomic()`` (the caller's service owns it): it
raises ``PublishOutsideTransactionError`` in autocommit mode rather than wrapping itself in a
transaction, because an event committed apart from its change could describe something that never
happened. When ``CONCORD_OUTBOX_DISPATCH_ON_COMMIT`` is on, the events are delivered in-process right
after the caller's transaction commits; the worker (``concord worker``) delivers anything that path
missed, so that path is an optimisation, never the guarantee.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.outbox.dispatch import dispatch_events
from concord.core.outbox.errors import PublishOutsideTransactionError, ReplayRefusedError
from concord.core.outbox.events import Event
from concord.core.outbox.models import DeliveryStatus, EventStatus, OutboxEvent

logger = logging.getLogger(__name__)

Aggregate = models.Model | tuple[str, object] | None

# Ids published in this thread's current transaction, delivered by the first on-commit callback.
# Django connections are per thread, so a thread-local buffer is per connection too.
_just_published = threading.local()


def _aggregate_fields(aggregate: Aggregate) -> tuple[str, str]:
    if aggregate is None:
        return "", ""
    if isinstance(aggregate, models.Model):
        return aggregate._meta.label_lower, str(aggregate.pk)
    kind, key = aggregate
    return kind, str(key)


def _build_row(
    event: Event, *, company_id: int | None, actor_id: int | None, aggregate: Aggregate
) -> OutboxEvent:
    if not isinstance(event, Event):
        raise TypeError(f"publish() takes an Event dataclass, got {type(event).__name__}")
    payload = event.payload()
    if company_id is None:
        company_id = payload.get("company_id") if isinstance(payload.get("company_id"), int) else None
    aggregate_type, aggregate_id = _aggregate_fields(aggregate)
    now = timezone.now()
    return OutboxEvent(
        event_type=event.event_type,
        payload=payload,
        company_id=company_id,
        actor_id=actor_id,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        created_at=now,
        next_attempt_at=now,
    )


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise PublishOutsideTransactionError


def _deliver_after_commit(ids: Sequence[int]) -> None:
    if not settings.CONCORD_OUTBOX_DISPATCH_ON_COMMIT:
        return
    buffer: list[int] | None = getattr(_just_published, "ids", None)
    if buffer is None:
        buffer = _just_published.ids = []
    buffer.extend(ids)
    # One callback per publish is cheap; the first to run drains the buffer, the rest find it empty.
    # Ids of rolled-back transactions may linger in the buffer: dispatch ignores ids with no row.
    transaction.on_commit(_dispatch_just_published, robust=True)


def _dispatch_just_published() -> None:
    ids: list[int] = getattr(_just_published, "ids", None) or []
    if not ids:
        return
    _just_published.ids = []
    try:
        dispatch_events(ids)
    except Exception:  # the caller already committed; the worker will deliver these events
        logger.exception("in-process outbox delivery failed; the worker will retry %s events", len(ids))


def outbox_event_publish(
    *,
    event: Event,
    company_id: int | None = None,
    actor_id: int | None = None,
    aggregate: Aggregate = None,
) -> int:
    """Write ``event`` to the outbox in the caller's transaction; return the outbox row id.

    ``company_id`` defaults to the event's own ``company_id`` field when it has one. ``aggregate`` is
    the record the event is about: a model instance or a ``(type, id)`` pair.
    """
    _require_transaction()
    row = _build_row(event, company_id=company_id, actor_id=actor_id, aggregate=aggregate)
    row.save(force_insert=True)
    _deliver_after_commit([row.pk])
    return row.pk


def outbox_events_publish(
    *,
    events: Sequence[Event],
    company_id: int | None = None,
    actor_id: int | None = None,
) -> list[int]:
    """Write many events in one statement batch (imports, bulk updates); return their row ids."""
    _require_transaction()
    rows = [_build_row(event, company_id=company_id, actor_id=actor_id, aggregate=None) for event in events]
    OutboxEvent.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    _deliver_after_commit(ids)
    return ids


def outbox_event_replay(*, event: OutboxEvent, by: Any) -> OutboxEvent:
    """Put an event back in the queue for delivery now, and record who did it in the audit trail.

    Which handlers run again: for a delivered event, every handler (that is what replaying a
    delivered event asks for); for a failed or pending event, only the handlers that have not
    succeeded yet, since the others already did their work. The attempt count starts again at 0.
    An event a worker is delivering right now (leased) is refused.
    """
    now = timezone.now()
    with transaction.atomic():
        row = OutboxEvent.objects.select_for_update().get(pk=event.pk)
        if row.status == EventStatus.PENDING and row.locked_until is not None and row.locked_until > now:
            raise ReplayRefusedError(
                _("This event is being delivered right now. Try again when the delivery has finished.")
            )
        previous_status = row.status
        if previous_status == EventStatus.DELIVERED:
            row.deliveries.update(status=DeliveryStatus.PENDING, delivered_at=None)
        row.status = EventStatus.PENDING
        row.attempts = 0
        row.next_attempt_at = now
        row.last_error = ""
        row.delivered_at = None
        row.locked_until = None
        row.locked_by = ""
        row.replays += 1
        row.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "last_error",
                "delivered_at",
                "locked_until",
                "locked_by",
                "replays",
            ]
        )
        audit_record(
            actor=by,
            action=AuditAction.REPLAY,
            obj=row,
            changes={"status": [previous_status, EventStatus.PENDING.value]},
        )
        _deliver_after_commit([row.pk])
    return row
