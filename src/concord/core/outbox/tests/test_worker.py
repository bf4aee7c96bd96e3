import io

import pytest
from django.core.management import call_command
from django.db import transaction

from concord.core.outbox.facade import publish_many, temporary_handler
from concord.core.outbox.models import EventStatus, OutboxEvent
from concord.core.outbox.tests.support import PingSent, Recorder
from concord.core.outbox.worker import OutboxWorker

pytestmark = pytest.mark.django_db


def test_worker_once_drains_the_whole_outbox_in_batches():
    recorder = Recorder()
    with temporary_handler(PingSent, "test.record", recorder):
        with transaction.atomic():
            ids = publish_many([PingSent(number=n) for n in range(250)])
        out = io.StringIO()
        call_command("outbox_worker", "--once", "--batch-size", "100", stdout=out)

    assert sorted(recorder.calls) == sorted(ids)
    assert set(recorder.calls.values()) == {1}
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {EventStatus.DELIVERED}
    assert "delivered 250" in out.getvalue()


def test_worker_once_reports_failures_and_keeps_them_pending():
    with temporary_handler(PingSent, "test.bad", Recorder(fail_with=RuntimeError("down"))):
        with transaction.atomic():
            publish_many([PingSent(number=n) for n in range(3)])
        report = OutboxWorker(batch_size=2).run(once=True)

    assert (report.claimed, report.delivered, report.retrying, report.failed) == (3, 0, 3, 0)
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {EventStatus.PENDING}


def test_a_stopped_worker_does_not_start_another_pass():
    recorder = Recorder()
    with temporary_handler(PingSent, "test.record", recorder):
        with transaction.atomic():
            publish_many([PingSent(number=1)])
        worker = OutboxWorker()
        worker.stop()
        report = worker.run()
    assert report.claimed == 0
    assert not recorder.calls
