"""Delivering outbox events: claim due rows under a lease, run their handlers, record the outcome.

One pass of ``dispatch_pending``:

1. **Claim** (one short transaction): select up to ``batch_size`` pending rows that are due and not
   leased, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (so any number of workers share the queue without
   waiting on each other), and stamp them with ``locked_by``/``locked_until``. SQLite has no row locks,
   but Concord opens SQLite transactions with ``BEGIN IMMEDIATE``, so claims are serialised anyway.
2. **Deliver** (no transaction held): for each event, run every subscribed handler that has not
   already succeeded for it, each in its own ``transaction.atomic()``, so a handler that raises rolls
   back only its own writes and the others still run. Handlers run in the system context (no company
   scope), whatever request or thread triggered the delivery.
3. **Record** (one transaction): the per-handler ``OutboxDelivery`` rows, and the event's new state:
   delivered when every handler has succeeded; otherwise still pending with the error and
   ``next_attempt_at`` pushed back (exponential backoff with jitter, capped), or failed ("dead") once
   ``CONCORD_OUTBOX_MAX_ATTEMPTS`` attempts are spent. Only rows still leased to this worker change.

A process that dies between 1 and 3 leaves its rows leased; when the lease expires another pass claims
them again and re-runs the handlers that had not been recorded as delivered: delivery is at least once.
Delivery order across events is not guaranteed.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import traceback
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from concord.core.identity.scope import system_scope
from concord.core.outbox.models import DeliveryStatus, EventStatus, OutboxDelivery, OutboxEvent
from concord.core.outbox.subscriptions import EventHandler, PublishedEvent, handlers_for

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
# A claimed batch stays invisible to other workers this long; a worker that dies is recovered after it.
LEASE_SECONDS = 300
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0
_ERROR_CHARS = 4000


@dataclass
class DispatchReport:
    """What one dispatch pass did."""

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, other: DispatchReport) -> None:
        self.claimed += other.claimed
        self.delivered += other.delivered
        self.retrying += other.retrying
        self.failed += other.failed


def new_worker_id() -> str:
    """A name unique to this process and thread, stored in ``locked_by`` of the rows it claims."""
    name = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"
    return name[-200:]


def backoff_seconds(attempts: int) -> float:
    """Delay before retry number ``attempts`` + 1: 5 s, 10 s, 20 s... capped at an hour, with jitter.

    The jitter (50-100 % of the delay) spreads out retries of events that failed together, so a
    recovering dependency is not hit by all of them in the same second.
    """
    delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** max(attempts - 1, 0))
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter for retry timing, not a secret


def dispatch_pending(*, batch_size: int = DEFAULT_BATCH_SIZE, worker_id: str | None = None) -> DispatchReport:
    """Claim up to ``batch_size`` due events, deliver them and record the outcome.

    ``report.claimed == 0`` means nothing was due. Call it in a loop to drain the outbox.
    """
    worker = worker_id or new_worker_id()
    rows = _claim(ids=None, batch_size=batch_size, worker_id=worker)
    return _deliver(rows, worker_id=worker)


def dispatch_events(event_ids: Iterable[int], *, batch_size: int = 500) -> DispatchReport:
    """Deliver the given events now, if they are due and nobody else holds them (the on-commit path)."""
    ids = sorted(set(event_ids))
    report = DispatchReport()
    worker = new_worker_id()
    for start in range(0, len(ids), batch_size):
        rows = _claim(ids=ids[start : start + batch_size], batch_size=batch_size, worker_id=worker)
        report.add(_deliver(rows, worker_id=worker))
    return report


def _claim(*, ids: list[int] | None, batch_size: int, worker_id: str) -> list[OutboxEvent]:
    now = timezone.now()
    with transaction.atomic():
        due = (
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(status=EventStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        )
        if ids is not None:
            due = due.filter(id__in=ids)
        rows = list(due.order_by("next_attempt_at", "id")[:batch_size])
        if not rows:
            return []
        locked_until = now + timedelta(seconds=LEASE_SECONDS)
        OutboxEvent.objects.filter(id__in=[row.pk for row in rows]).update(
            locked_until=locked_until, locked_by=worker_id
        )
    for row in rows:
        row.locked_until, row.locked_by = locked_until, worker_id
    return rows


def _published(row: OutboxEvent) -> PublishedEvent:
    return PublishedEvent(
        id=row.pk,
        uuid=str(row.uuid),
        event_type=row.event_type,
        payload=row.payload,
        company_id=row.company_id,
        actor_id=row.actor_id,
        aggregate_type=row.aggregate_type,
        aggregate_id=row.aggregate_id,
        created_at=row.created_at,
        attempt=row.attempts + 1,
    )


def _run_handler(handler: EventHandler, event: PublishedEvent, record: OutboxDelivery) -> str | None:
    """Run one handler in its own transaction; return a one-line error, or None on success."""
    record.attempts += 1
    record.last_attempt_at = timezone.now()
    try:
        with transaction.atomic():
            handler.function(event)
    except Exception as exc:  # any handler failure is recorded and retried, never propagated
        logger.warning(
            "outbox handler %s failed on event %s (%s), attempt %s",
            handler.name,
            event.id,
            event.event_type,
            event.attempt,
            exc_info=True,
        )
        record.last_error = traceback.format_exc()[-_ERROR_CHARS:]
        return f"{handler.name}: {type(exc).__name__}: {exc}"[:_ERROR_CHARS]
    record.status = DeliveryStatus.DELIVERED
    record.delivered_at = timezone.now()
    record.last_error = ""
    return None


def _deliver(rows: list[OutboxEvent], *, worker_id: str) -> DispatchReport:
    report = DispatchReport(claimed=len(rows))
    if not rows:
        return report
    known = {
        (delivery.event_id, delivery.handler): delivery
        for delivery in OutboxDelivery.objects.filter(event_id__in=[row.pk for row in rows])
    }
    handlers_by_type: dict[str, list[EventHandler]] = {}
    records: list[OutboxDelivery] = []
    outcomes: list[tuple[OutboxEvent, list[str]]] = []
    with system_scope():
        for row in rows:
            handlers = handlers_by_type.get(row.event_type)
            if handlers is None:
                handlers = handlers_by_type[row.event_type] = handlers_for(row.event_type)
            event = _published(row)
            errors: list[str] = []
            for handler in handlers:
                record = known.get((row.pk, handler.name)) or OutboxDelivery(
                    event_id=row.pk, handler=handler.name
                )
                if record.status == DeliveryStatus.DELIVERED:
                    continue  # succeeded on an earlier attempt: handlers run once per success
                error = _run_handler(handler, event, record)
                if error is not None:
                    errors.append(error)
                records.append(record)
            outcomes.append((row, errors))
    _record(outcomes, records, worker_id=worker_id, report=report)
    return report


def _record(
    outcomes: list[tuple[OutboxEvent, list[str]]],
    records: list[OutboxDelivery],
    *,
    worker_id: str,
    report: DispatchReport,
) -> None:
    now = timezone.now()
    max_attempts = int(settings.CONCORD_OUTBOX_MAX_ATTEMPTS)
    delivery_fields = ["status", "attempts", "last_error", "last_attempt_at", "delivered_at"]
    with transaction.atomic():
        new_records = [record for record in records if record.pk is None]
        old_records = [record for record in records if record.pk is not None]
        if new_records:
            # update_conflicts: a worker that took over an expired lease may have written the row too.
            OutboxDelivery.objects.bulk_create(
                new_records,
                update_conflicts=True,
                unique_fields=["event", "handler"],
                update_fields=delivery_fields,
            )
        if old_records:
            OutboxDelivery.objects.bulk_update(old_records, delivery_fields)
        delivered_ids = [row.pk for row, errors in outcomes if not errors]
        if delivered_ids:
            OutboxEvent.objects.filter(id__in=delivered_ids, locked_by=worker_id).update(
                status=EventStatus.DELIVERED,
                delivered_at=now,
                attempts=F("attempts") + 1,
                last_error="",
                locked_until=None,
                locked_by="",
            )
            report.delivered += len(delivered_ids)
        for row, errors in outcomes:
            if not errors:
                continue
            attempts = row.attempts + 1
            changes: dict[str, object] = {
                "attempts": attempts,
                "last_error": "\n".join(errors),
                "locked_until": None,
                "locked_by": "",
            }
            if attempts >= max_attempts:
                changes["status"] = EventStatus.FAILED
                report.failed += 1
                logger.error("outbox event %s (%s) failed %s times: dead", row.pk, row.event_type, attempts)
            else:
                changes["next_attempt_at"] = now + timedelta(seconds=backoff_seconds(attempts))
                report.retrying += 1
            OutboxEvent.objects.filter(id=row.pk, locked_by=worker_id).update(**changes)
