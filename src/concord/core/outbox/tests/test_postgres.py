"""Several workers at once: only meaningful with PostgreSQL row locks (SKIP LOCKED)."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings

from concord.core.outbox.facade import publish_many, temporary_handler
from concord.core.outbox.models import EventStatus, OutboxEvent
from concord.core.outbox.subscriptions import PublishedEvent
from concord.core.outbox.tests.support import PingSent, Recorder
from concord.core.outbox.worker import OutboxWorker, start_background_worker, stop_background_worker

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]


@override_settings(CONCORD_OUTBOX_DISPATCH_ON_COMMIT=False)
def test_concurrent_workers_deliver_every_event_exactly_once():
    workers_seen: dict[int, set[str]] = {}
    lock = threading.Lock()
    recorder = Recorder()

    def slow_handler(event: PublishedEvent) -> None:
        recorder(event)
        with lock:
            workers_seen.setdefault(event.id, set()).add(threading.current_thread().name)
        time.sleep(0.002)  # keep batches in flight so the workers overlap

    with transaction.atomic():
        ids = publish_many([PingSent(number=n) for n in range(400)])

    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def drain() -> None:
        try:
            start.wait()
            OutboxWorker(batch_size=10).drain()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    with temporary_handler(PingSent, "test.slow", slow_handler):
        threads = [threading.Thread(target=drain, name=f"worker-{n}") for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    assert errors == []
    assert sorted(recorder.calls) == sorted(ids)
    assert set(recorder.calls.values()) == {1}  # nobody delivered an event twice
    active = {name for names in workers_seen.values() for name in names}
    assert len(active) > 1  # the work really was shared
    assert OutboxEvent.objects.filter(status=EventStatus.DELIVERED).count() == 400


@override_settings(CONCORD_OUTBOX_DISPATCH_ON_COMMIT=False)
def test_background_worker_thread_delivers_committed_events():
    recorder = Recorder()
    with temporary_handler(PingSent, "test.record", recorder):
        thread = start_background_worker(poll_seconds=0.05)
        try:
            assert start_background_worker() is thread  # one per process
            with transaction.atomic():
                ids = publish_many([PingSent(number=n) for n in range(20)])
            deadline = time.monotonic() + 20
            while len(recorder.calls) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop_background_worker()
    assert not thread.is_alive()
    assert sorted(recorder.calls) == sorted(ids)
