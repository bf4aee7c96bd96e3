from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from concord.core.identity.models import Company
from concord.core.identity.scope import company_scope, current_company_ids
from concord.core.outbox.dispatch import BACKOFF_BASE_SECONDS, BACKOFF_CAP_SECONDS, backoff_seconds
from concord.core.outbox.facade import ALL_EVENTS, dispatch_pending, publish, temporary_handler
from concord.core.outbox.models import DeliveryStatus, EventStatus, OutboxEvent
from concord.core.outbox.subscriptions import PublishedEvent
from concord.core.outbox.tests.support import InvoiceIssued, PingSent, Recorder, invoice_issued

pytestmark = pytest.mark.django_db


def _make_due(event_id):
    """Pretend the backoff delay has passed."""
    OutboxEvent.objects.filter(pk=event_id).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def _company_created_and_published(code):
    """A service-like write: the change and its event in one transaction."""
    with transaction.atomic():
        company = Company.objects.create(name=code, code=code, country="TH", currency="THB")
        return company, publish(invoice_issued(company_id=company.pk))


def test_failing_handler_leaves_event_pending_while_the_others_run_once(django_capture_on_commit_callbacks):
    good, bad = Recorder(), Recorder(fail_with=RuntimeError("ledger is closed"))
    with (
        temporary_handler(InvoiceIssued, "test.good", good),
        temporary_handler(InvoiceIssued, "test.bad", bad),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            company, event_id = _company_created_and_published("acme")

        # the caller's change committed regardless of the handler
        assert Company.objects.filter(pk=company.pk).exists()
        row = OutboxEvent.objects.get(pk=event_id)
        assert row.status == EventStatus.PENDING
        assert row.attempts == 1
        assert "test.bad: RuntimeError: ledger is closed" in row.last_error
        assert row.next_attempt_at > timezone.now()
        assert row.locked_by == ""
        deliveries = {d.handler: d for d in row.deliveries.all()}
        assert deliveries["test.good"].status == DeliveryStatus.DELIVERED
        assert deliveries["test.bad"].status == DeliveryStatus.PENDING
        assert "ledger is closed" in deliveries["test.bad"].last_error
        assert (good.calls[event_id], bad.calls[event_id]) == (1, 1)

        # not due yet: a worker pass leaves it alone
        assert dispatch_pending().claimed == 0

        bad.fail_with = None
        _make_due(event_id)
        report = dispatch_pending()

    assert (report.claimed, report.delivered) == (1, 1)
    assert good.calls[event_id] == 1  # already succeeded: not run again
    assert bad.calls[event_id] == 2
    assert bad.events[-1].attempt == 2
    row.refresh_from_db()
    assert row.status == EventStatus.DELIVERED
    assert row.attempts == 2
    assert row.last_error == ""
    assert row.deliveries.get(handler="test.bad").attempts == 2


def test_a_failing_handlers_own_writes_are_rolled_back_alone():
    def writes_then_fails(event: PublishedEvent) -> None:
        Company.objects.create(name="Ghost", code="ghost", country="TH", currency="THB")
        raise ValueError("after writing")

    def writes(event: PublishedEvent) -> None:
        Company.objects.create(name="Kept", code="kept", country="TH", currency="THB")

    with (
        temporary_handler(PingSent, "test.fails", writes_then_fails),
        temporary_handler(PingSent, "test.writes", writes),
    ):
        with transaction.atomic():
            publish(PingSent(number=1))
        dispatch_pending()

    assert not Company.objects.filter(code="ghost").exists()
    assert Company.objects.filter(code="kept").exists()


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    for attempts in (1, 2, 3, 6):
        full = BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)
        delays = [backoff_seconds(attempts) for _ in range(50)]
        assert all(full / 2 <= delay <= full for delay in delays)
        assert len(set(delays)) > 1  # jittered
    assert all(BACKOFF_CAP_SECONDS / 2 <= backoff_seconds(40) <= BACKOFF_CAP_SECONDS for _ in range(20))


def test_retry_is_scheduled_by_the_backoff():
    with temporary_handler(PingSent, "test.bad", Recorder(fail_with=RuntimeError("down"))):
        with transaction.atomic():
            event_id = publish(PingSent(number=1))
        for attempt in (1, 2, 3):
            before = timezone.now()
            dispatch_pending()
            row = OutboxEvent.objects.get(pk=event_id)
            full = BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)
            delay = (row.next_attempt_at - before).total_seconds()
            assert full / 2 - 1 <= delay <= full + 1
            assert row.attempts == attempt
            _make_due(event_id)


@override_settings(CONCORD_OUTBOX_MAX_ATTEMPTS=3)
def test_event_is_dead_after_max_attempts():
    bad = Recorder(fail_with=RuntimeError("always"))
    with temporary_handler(PingSent, "test.bad", bad):
        with transaction.atomic():
            event_id = publish(PingSent(number=1))
        statuses = []
        for _ in range(4):
            report = dispatch_pending()
            statuses.append((report.claimed, OutboxEvent.objects.get(pk=event_id).status))
            _make_due(event_id)

    assert statuses == [
        (1, EventStatus.PENDING),
        (1, EventStatus.PENDING),
        (1, EventStatus.FAILED),
        (0, EventStatus.FAILED),  # dead events are no longer claimed
    ]
    assert bad.calls[event_id] == 3
    row = OutboxEvent.objects.get(pk=event_id)
    assert row.attempts == 3
    assert "RuntimeError: always" in row.last_error


def test_event_without_handlers_is_delivered():
    with transaction.atomic():
        event_id = publish(PingSent(number=1))
    assert dispatch_pending().delivered == 1
    assert OutboxEvent.objects.get(pk=event_id).status == EventStatus.DELIVERED


def test_lease_of_a_dead_worker_expires_and_the_event_is_delivered():
    recorder = Recorder()
    with temporary_handler(PingSent, "test.record", recorder):
        with transaction.atomic():
            abandoned = publish(PingSent(number=1))
            held = publish(PingSent(number=2))
        now = timezone.now()
        OutboxEvent.objects.filter(pk=abandoned).update(
            locked_by="dead-worker", locked_until=now - timedelta(seconds=1)
        )
        OutboxEvent.objects.filter(pk=held).update(
            locked_by="busy-worker", locked_until=now + timedelta(minutes=5)
        )

        report = dispatch_pending()

    assert report.claimed == 1
    assert list(recorder.calls) == [abandoned]
    assert OutboxEvent.objects.get(pk=abandoned).status == EventStatus.DELIVERED
    held_row = OutboxEvent.objects.get(pk=held)
    assert (held_row.status, held_row.locked_by) == (EventStatus.PENDING, "busy-worker")


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_new_owner(monkeypatch):
    """Worker A's lease expires mid-delivery and worker B claims the row: A's outcome is not recorded."""

    def steal_lease(event: PublishedEvent) -> None:
        OutboxEvent.objects.filter(pk=event.id).update(locked_by="worker-b")

    with temporary_handler(PingSent, "test.steal", steal_lease):
        with transaction.atomic():
            event_id = publish(PingSent(number=1))
        dispatch_pending(worker_id="worker-a")

    row = OutboxEvent.objects.get(pk=event_id)
    assert (row.status, row.locked_by, row.attempts) == (EventStatus.PENDING, "worker-b", 0)


def test_handlers_run_unscoped_even_when_delivery_starts_in_a_request_scope(
    django_capture_on_commit_callbacks, company
):
    seen = []
    with (
        temporary_handler(PingSent, "test.scope", lambda event: seen.append(current_company_ids())),
        company_scope([company.pk]),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish(PingSent(number=1))
    assert seen == [None]


def test_wildcard_handler_receives_every_event_type():
    everything = Recorder()
    with temporary_handler(ALL_EVENTS, "test.everything", everything):
        with transaction.atomic():
            publish(PingSent(number=1))
            publish(invoice_issued())
        dispatch_pending()
    assert sorted(event.event_type for event in everything.events) == ["test.InvoiceIssued", "test.PingSent"]


def test_batch_size_limits_one_pass():
    with transaction.atomic():
        for number in range(5):
            publish(PingSent(number=number))
    assert dispatch_pending(batch_size=3).claimed == 3
    assert dispatch_pending(batch_size=3).claimed == 2
    assert dispatch_pending(batch_size=3).claimed == 0
