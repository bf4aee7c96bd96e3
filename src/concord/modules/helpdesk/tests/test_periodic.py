"""The worker runs registered periodic tasks when due; the helpdesk registers its SLA check."""

from __future__ import annotations

import pytest

from concord.core.background import PeriodicRunner
from concord.core.outbox.worker import OutboxWorker
from concord.core.registry import PeriodicTask, registry, temporary_registration
from concord.modules.helpdesk.registration import SLA_CHECK_TASK

pytestmark = pytest.mark.django_db


def test_the_sla_check_is_registered_every_minute():
    task = registry.periodic_tasks.get(SLA_CHECK_TASK)
    assert task.interval_seconds == 60


def test_tasks_run_when_due_on_a_fake_clock():
    now = {"t": 1000.0}
    calls = []
    runner = PeriodicRunner(clock=lambda: now["t"])
    with temporary_registration(
        registry.periodic_tasks, "test.tick", PeriodicTask(30, lambda: calls.append(now["t"]))
    ):
        assert "test.tick" in runner.tick()
        now["t"] += 10
        assert "test.tick" not in runner.tick()
        now["t"] += 25
        assert "test.tick" in runner.tick()
    assert calls == [1000.0, 1035.0]


def test_the_worker_loop_ticks_and_survives_a_failing_task():
    calls = []

    def broken():
        raise RuntimeError("boom")

    with (
        temporary_registration(registry.periodic_tasks, "test.broken", PeriodicTask(1, broken)),
        temporary_registration(registry.periodic_tasks, "test.ok", PeriodicTask(1, lambda: calls.append(1))),
    ):
        OutboxWorker(poll_seconds=0).run(once=True)
    assert calls == [1]
