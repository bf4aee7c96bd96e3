import pytest
from django.contrib import admin
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from concord.core.identity.roles import Role
from concord.core.outbox.facade import dispatch_pending, publish, temporary_handler
from concord.core.outbox.models import EventStatus, OutboxEvent
from concord.core.outbox.tests.support import PingSent, Recorder, invoice_issued

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_on_commit_dispatch")]


@pytest.fixture
def _no_on_commit_dispatch():
    with override_settings(CONCORD_OUTBOX_DISPATCH_ON_COMMIT=False):
        yield


@pytest.fixture
def it_client(client, company, make_user):
    client.force_login(make_user(company=company, roles=(Role.IT,)))
    return client


def _publish(event, **kwargs):
    with transaction.atomic():
        return publish(event, **kwargs)


def test_list_needs_sign_in(client):
    response = client.get(reverse("outbox:list"))
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_list_is_forbidden_without_outbox_view(client, company, make_user):
    client.force_login(make_user(company=company, roles=(Role.SALES,)))
    assert client.get(reverse("outbox:list")).status_code == 403


def test_list_shows_only_the_users_companies_and_filters(it_client, company, make_company):
    other = make_company()
    mine = _publish(invoice_issued(company_id=company.pk))
    pinged = _publish(PingSent(number=1), company_id=company.pk)
    hidden = _publish(invoice_issued(company_id=other.pk))
    system = _publish(PingSent(number=2))  # no company: visible to every outbox watcher
    with temporary_handler(PingSent, "test.record", Recorder()):
        dispatch_pending()  # everything delivered...
    OutboxEvent.objects.filter(pk=mine).update(status=EventStatus.FAILED, last_error="boom")

    response = it_client.get(reverse("outbox:list"))
    assert response.status_code == 200
    shown = [event.pk for event in response.context["page"].object_list]
    assert sorted(shown) == sorted([mine, pinged, system])
    assert hidden not in shown
    assert response.context["counts"] == {"pending": 0, "delivered": 2, "failed": 1}
    assert 'for="id_status"' in response.content.decode()

    failed = it_client.get(reverse("outbox:list"), {"status": "failed"})
    assert [event.pk for event in failed.context["page"].object_list] == [mine]

    by_type = it_client.get(reverse("outbox:list"), {"event_type": "test.PingSent"})
    assert [event.pk for event in by_type.context["page"].object_list] == [system, pinged]


def test_list_paginates(it_client, company):
    with transaction.atomic():
        for number in range(55):
            publish(PingSent(number=number), company_id=company.pk)
    first = it_client.get(reverse("outbox:list"))
    assert len(first.context["page"].object_list) == 50
    second = it_client.get(reverse("outbox:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_detail_shows_payload_deliveries_and_errors(it_client, company):
    event_id = _publish(invoice_issued(company_id=company.pk))
    with temporary_handler(
        invoice_issued().__class__, "test.bad", Recorder(fail_with=RuntimeError("no ledger"))
    ):
        dispatch_pending()

    response = it_client.get(reverse("outbox:detail", kwargs={"event_id": event_id}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1234.50" in body
    assert "test.bad" in body
    assert "no ledger" in body
    assert reverse("outbox:replay", kwargs={"event_id": event_id}) in body  # IT may replay


def test_detail_of_another_companys_event_is_not_found(it_client, make_company):
    other = make_company()
    event_id = _publish(invoice_issued(company_id=other.pk))
    assert it_client.get(reverse("outbox:detail", kwargs={"event_id": event_id})).status_code == 404


def test_events_of_a_company_where_the_user_only_sells_are_hidden(client, company, make_company, make_user):
    # IT in one company (outbox.view there), sales in another: the other company's events stay hidden.
    sold = make_company()
    user = make_user(company=company, roles=(Role.IT,))
    user.memberships.create(company=sold, role=Role.SALES)
    client.force_login(user)
    mine = _publish(invoice_issued(company_id=company.pk))
    theirs = _publish(invoice_issued(company_id=sold.pk, invoice_id=2))

    response = client.get(reverse("outbox:list"))
    assert [event.pk for event in response.context["page"].object_list] == [mine]
    assert response.context["counts"]["pending"] == 1
    assert client.get(reverse("outbox:detail", kwargs={"event_id": theirs})).status_code == 404
    assert client.post(reverse("outbox:replay", kwargs={"event_id": theirs})).status_code == 404


def test_replay_post_queues_the_event_again(it_client, company):
    event_id = _publish(PingSent(number=1), company_id=company.pk)
    OutboxEvent.objects.filter(pk=event_id).update(status=EventStatus.FAILED, attempts=10, last_error="x")

    response = it_client.post(reverse("outbox:replay", kwargs={"event_id": event_id}))

    assert response.status_code == 302
    assert response["Location"] == reverse("outbox:detail", kwargs={"event_id": event_id})
    row = OutboxEvent.objects.get(pk=event_id)
    assert (row.status, row.attempts, row.replays) == (EventStatus.PENDING, 0, 1)


def test_replay_is_forbidden_without_outbox_replay(client, company, make_user):
    event_id = _publish(PingSent(number=1), company_id=company.pk)
    OutboxEvent.objects.filter(pk=event_id).update(status=EventStatus.FAILED)
    client.force_login(make_user(company=company, roles=(Role.SALES,)))

    assert client.post(reverse("outbox:replay", kwargs={"event_id": event_id})).status_code == 403
    assert OutboxEvent.objects.get(pk=event_id).status == EventStatus.FAILED


def test_replay_needs_post_and_a_csrf_token(company, make_user):
    from django.test import Client

    event_id = _publish(PingSent(number=1), company_id=company.pk)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(make_user(company=company, roles=(Role.IT,)))
    url = reverse("outbox:replay", kwargs={"event_id": event_id})
    assert csrf_client.get(url).status_code == 405
    assert csrf_client.post(url).status_code == 403


def test_outbox_event_is_read_only_in_django_admin(client, make_user):
    assert admin.site.is_registered(OutboxEvent)
    event_id = _publish(PingSent(number=1))
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:outbox_outboxevent_changelist")).status_code == 200
    assert client.get(reverse("admin:outbox_outboxevent_change", args=[event_id])).status_code == 200
    assert client.get(reverse("admin:outbox_outboxevent_add")).status_code == 403
    assert client.post(reverse("admin:outbox_outboxevent_delete", args=[event_id])).status_code == 403
