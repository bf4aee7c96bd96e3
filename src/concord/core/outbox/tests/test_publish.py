import pytest
from django.db import transaction
from django.test import override_settings

from concord.core.identity.events import CompanyCreated
from concord.core.outbox.errors import PublishOutsideTransactionError
from concord.core.outbox.facade import publish, publish_many, temporary_handler
from concord.core.outbox.models import EventStatus, OutboxEvent
from concord.core.outbox.tests.support import InvoiceIssued, PingSent, Recorder, invoice_issued


class RollbackError(Exception):
    """Raised inside a transaction to roll it back."""


def _publish_then_roll_back(event):
    with transaction.atomic():
        publish(event)
        raise RollbackError


def test_event_type_is_derived_from_module_and_class_unless_set():
    assert CompanyCreated.event_type == "identity.CompanyCreated"
    assert InvoiceIssued.event_type == "test.InvoiceIssued"


@pytest.mark.django_db
def test_publish_writes_a_pending_row_with_a_json_payload(company):
    event_id = publish(invoice_issued(company_id=company.pk), aggregate=("accounting.invoice", 7))

    row = OutboxEvent.objects.get(pk=event_id)
    assert row.event_type == "test.InvoiceIssued"
    assert row.status == EventStatus.PENDING
    assert row.attempts == 0
    assert row.company_id == company.pk  # taken from the event's company_id field
    assert (row.aggregate_type, row.aggregate_id) == ("accounting.invoice", "7")
    assert row.payload == {
        "invoice_id": 1,
        "company_id": company.pk,
        "total": "1234.50",
        "due": "2026-12-31",
        "issued_at": "2026-11-01T09:30:00Z",
        "reference": "12345678-1234-5678-1234-567812345678",
    }


@pytest.mark.django_db
def test_publish_takes_a_model_as_aggregate_and_an_explicit_company(company, make_company):
    other = make_company()
    event_id = publish(PingSent(number=1), company_id=other.pk, aggregate=company)
    row = OutboxEvent.objects.get(pk=event_id)
    assert (row.company_id, row.aggregate_type, row.aggregate_id) == (
        other.pk,
        "identity.company",
        str(company.pk),
    )


@pytest.mark.django_db
def test_publish_is_rolled_back_with_the_callers_transaction(company):
    with pytest.raises(RollbackError):
        _publish_then_roll_back(PingSent(number=1))

    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_publish_outside_a_transaction_is_refused():
    with pytest.raises(PublishOutsideTransactionError, match=r"transaction\.atomic"):
        publish(PingSent(number=1))
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_publish_refuses_something_that_is_not_an_event():
    with pytest.raises(TypeError, match="Event dataclass"):
        publish({"number": 1})  # type: ignore[arg-type]


@pytest.mark.django_db
def test_publish_many_writes_every_event_in_order():
    ids = publish_many([PingSent(number=n) for n in range(5)])
    assert len(ids) == 5
    rows = OutboxEvent.objects.filter(pk__in=ids).order_by("pk")
    assert [row.payload["number"] for row in rows] == [0, 1, 2, 3, 4]


@pytest.mark.django_db
def test_committed_event_is_delivered_to_its_handler_after_commit(
    django_capture_on_commit_callbacks, company
):
    recorder = Recorder()
    with (
        temporary_handler(InvoiceIssued, "test.record", recorder),
        django_capture_on_commit_callbacks(execute=True),
    ):
        event_id = publish(invoice_issued(company_id=company.pk))
        assert recorder.calls[event_id] == 0  # nothing runs before commit

    assert recorder.calls[event_id] == 1
    received = recorder.events[0]
    assert received.event_type == "test.InvoiceIssued"
    assert received.payload["total"] == "1234.50"
    assert received.company_id == company.pk
    assert received.attempt == 1
    row = OutboxEvent.objects.get(pk=event_id)
    assert row.status == EventStatus.DELIVERED
    assert row.delivered_at is not None
    assert row.attempts == 1
    assert row.locked_by == ""
    assert row.deliveries.get().handler == "test.record"


@pytest.mark.django_db
def test_rolled_back_event_never_reaches_handlers(django_capture_on_commit_callbacks):
    recorder = Recorder()
    with (
        temporary_handler(PingSent, "test.record", recorder),
        django_capture_on_commit_callbacks(execute=True),
    ):
        with pytest.raises(RollbackError):
            _publish_then_roll_back(PingSent(number=1))
        kept = publish(PingSent(number=2))

    assert list(recorder.calls) == [kept]


@pytest.mark.django_db
@override_settings(CONCORD_OUTBOX_DISPATCH_ON_COMMIT=False)
def test_without_on_commit_dispatch_the_event_waits_for_the_worker(django_capture_on_commit_callbacks):
    recorder = Recorder()
    with (
        temporary_handler(PingSent, "test.record", recorder),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        event_id = publish(PingSent(number=1))

    assert callbacks == []
    assert not recorder.calls
    assert OutboxEvent.objects.get(pk=event_id).status == EventStatus.PENDING
