from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from concord.core.audit.models import AuditEntry
from concord.core.identity.roles import Role
from concord.core.outbox.facade import ReplayRefusedError, dispatch_pending, publish, temporary_handler
from concord.core.outbox.models import DeliveryStatus, EventStatus, OutboxEvent
from concord.core.outbox.services import outbox_event_replay
from concord.core.outbox.tests.support import PingSent, Recorder

pytestmark = pytest.mark.django_db


@override_settings(CONCORD_OUTBOX_MAX_ATTEMPTS=1)
def test_replaying_a_failed_event_reruns_only_the_handlers_that_failed(company, make_user):
    admin = make_user(company=company, roles=(Role.IT,))
    good, bad = Recorder(), Recorder(fail_with=RuntimeError("broken"))
    with temporary_handler(PingSent, "test.good", good), temporary_handler(PingSent, "test.bad", bad):
        with transaction.atomic():
            event_id = publish(PingSent(number=1), company_id=company.pk)
        dispatch_pending()
        event = OutboxEvent.objects.get(pk=event_id)
        assert event.status == EventStatus.FAILED

        bad.fail_with = None
        replayed = outbox_event_replay(event=event, by=admin)
        assert (replayed.status, replayed.attempts, replayed.replays, replayed.last_error) == (
            EventStatus.PENDING,
            0,
            1,
            "",
        )
        dispatch_pending()

    assert (good.calls[event_id], bad.calls[event_id]) == (1, 2)
    event.refresh_from_db()
    assert event.status == EventStatus.DELIVERED
    entry = AuditEntry.objects.get(action="replay", object_id=str(event_id))
    assert entry.actor_id == admin.pk
    assert entry.company_id == company.pk
    assert entry.changes == {"status": ["failed", "pending"]}


def test_replaying_a_delivered_event_reruns_every_handler(company, make_user):
    admin = make_user(company=company, roles=(Role.IT,))
    first, second = Recorder(), Recorder()
    with temporary_handler(PingSent, "test.first", first), temporary_handler(PingSent, "test.second", second):
        with transaction.atomic():
            event_id = publish(PingSent(number=1))
        dispatch_pending()
        event = OutboxEvent.objects.get(pk=event_id)
        assert event.status == EventStatus.DELIVERED

        outbox_event_replay(event=event, by=admin)
        assert set(event.deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
        dispatch_pending()

    assert (first.calls[event_id], second.calls[event_id]) == (2, 2)
    event.refresh_from_db()
    assert (event.status, event.replays) == (EventStatus.DELIVERED, 1)


def test_an_event_being_delivered_cannot_be_replayed(company, make_user):
    admin = make_user(company=company, roles=(Role.IT,))
    with transaction.atomic():
        event_id = publish(PingSent(number=1))
    OutboxEvent.objects.filter(pk=event_id).update(
        locked_by="busy-worker", locked_until=timezone.now() + timedelta(minutes=1)
    )
    event = OutboxEvent.objects.get(pk=event_id)

    with pytest.raises(ReplayRefusedError, match="being delivered"):
        outbox_event_replay(event=event, by=admin)

    event.refresh_from_db()
    assert (event.replays, event.locked_by) == (0, "busy-worker")
    assert not AuditEntry.objects.filter(action="replay").exists()
