import pytest
from django.db import transaction

from concord.core.identity.scope import company_scope
from concord.core.outbox import queries
from concord.core.outbox.facade import publish
from concord.core.outbox.models import OutboxEvent
from concord.core.outbox.tests.support import PingSent, invoice_issued

pytestmark = pytest.mark.django_db


def test_selectors_follow_the_company_scope(company, make_company):
    other = make_company()
    with transaction.atomic():
        mine = publish(invoice_issued(company_id=company.pk))
        theirs = publish(invoice_issued(company_id=other.pk))
        system = publish(PingSent(number=1))

    assert {event.pk for event in queries.outbox_events()} == {mine, theirs, system}  # system context
    with company_scope([company.pk]):
        assert {event.pk for event in queries.outbox_events()} == {mine, system}
        assert queries.outbox_event_get(mine).pk == mine
        with pytest.raises(OutboxEvent.DoesNotExist):
            queries.outbox_event_get(theirs)
        assert queries.outbox_event_types() == ["test.InvoiceIssued", "test.PingSent"]
        assert queries.outbox_status_counts() == {"pending": 2, "delivered": 0, "failed": 0}


def test_outbox_screen_is_in_the_back_office_navigation():
    from concord.core.registry import registry

    item = registry.nav_items.get("outbox")
    assert (item.office, item.url_name, item.permission) == ("back", "outbox:list", "outbox.view")
