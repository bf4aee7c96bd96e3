"""Outbox throughput: publish and deliver 10,000 events, against raw inserts of the same rows.

Workload: ``publish_many`` of 10,000 events in one transaction, then worker passes
(``dispatch_pending``, batches of 500) until the outbox is empty, delivering each event to one no-op
handler. Baseline, same run, same table: one ``cursor.executemany`` of 10,000 ready-made rows in one
transaction, i.e. the least a database can do to store those events at all.

Why the limits (25x on SQLite, 12x on PostgreSQL). For every event the outbox does, beyond the
baseline's one prepared row insert: building the model object and its JSON payload through the ORM,
the claim (selecting the row with its payload and stamping its lease), running the handler in its own
transaction (a BEGIN/COMMIT pair), inserting its ``OutboxDelivery`` row and updating the event to
delivered: three row writes and a transaction boundary per event, all through the ORM, against one
prepared row write. Measured on a developer machine: about 10x on SQLite (up to 20x while other
processes compete for the CPU: SQLite's cost is all in-process, so load skews the ratio) and 4-5x on
PostgreSQL (its baseline pays a network round trip per batch, so the ORM's share looks smaller). The
limits sit above those noisy highs; what they catch is the outbox losing its batching, for instance a
query or a transaction per event in the claim or recording step, which at least doubles the ratio.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from benchmarks.harness import BenchResult, best_of
from concord.core.outbox.facade import (
    Event,
    PublishedEvent,
    dispatch_pending,
    publish_many,
    temporary_handler,
)
from concord.core.outbox.models import EventStatus, OutboxDelivery, OutboxEvent

EVENTS = 10_000
REPEATS = 3
LIMIT_RATIO = {"sqlite": 25.0, "postgresql": 12.0}


@dataclass(frozen=True)
class BenchmarkPinged(Event):
    """The benchmark's event: small, like most domain events (a few ids and a code)."""

    event_type = "bench.Pinged"

    number: int
    company_id: int | None
    code: str


def _no_op(event: PublishedEvent) -> None:
    return None


def _empty_outbox() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OutboxDelivery._meta.db_table}")
        cursor.execute(f"DELETE FROM {OutboxEvent._meta.db_table}")


def _raw_rows() -> tuple[str, list[tuple[Any, ...]]]:
    """The INSERT statement and its ready-made parameters (built before timing starts)."""
    fields = [
        field
        for field in OutboxEvent._meta.concrete_fields
        if not field.primary_key  # the id comes from the database, as with publish
    ]
    now = timezone.now()
    values = {
        "event_type": BenchmarkPinged.event_type,
        "company_id": None,
        "actor_id": None,
        "aggregate_type": "",
        "aggregate_id": "",
        "created_at": now,
        "status": EventStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "delivered_at": None,
        "locked_until": None,
        "locked_by": "",
        "replays": 0,
    }
    rows = []
    for number in range(EVENTS):
        row_values = {
            **values,
            "uuid": uuid.uuid4(),
            "payload": {"number": number, "company_id": None, "code": f"P{number:05d}"},
        }
        rows.append(tuple(field.get_db_prep_save(row_values[field.attname], connection) for field in fields))
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(OutboxEvent._meta.db_table)} ({columns}) VALUES ({placeholders})"
    return sql, rows


def _insert_raw(sql: str, rows: list[tuple[Any, ...]]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _publish_and_deliver() -> None:
    events = [
        BenchmarkPinged(number=number, company_id=None, code=f"P{number:05d}") for number in range(EVENTS)
    ]
    with transaction.atomic():
        publish_many(events)
    while dispatch_pending(batch_size=500).claimed:
        pass


def run() -> BenchResult:
    sql, rows = _raw_rows()
    baseline = best_of(REPEATS, _empty_outbox, lambda: _insert_raw(sql, rows))
    assert OutboxEvent.objects.count() == EVENTS

    with temporary_handler(BenchmarkPinged, "bench.no_op", _no_op):
        seconds = best_of(REPEATS, _empty_outbox, _publish_and_deliver)
    assert OutboxEvent.objects.filter(status=EventStatus.DELIVERED).count() == EVENTS
    assert OutboxDelivery.objects.filter(delivered_at__isnull=False).count() == EVENTS
    _empty_outbox()
    return BenchResult(
        name="outbox_publish_deliver_10k",
        seconds=seconds,
        baseline_seconds=baseline,
        baseline_label="raw inserts",
        limit_ratio=LIMIT_RATIO[connection.vendor],
    )
