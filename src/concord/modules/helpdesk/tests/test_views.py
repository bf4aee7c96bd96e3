"""Screens: inbox (filters, order, htmx), ticket page (actions, no stored XSS, other company 404),
settings, dashboard numbers, the public web form (honeypot, 429) and rating page, the party panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concord.modules.helpdesk.models import Channel, Ticket
from concord.modules.helpdesk.queries import dashboard_stats
from concord.modules.helpdesk.services import tickets as svc

pytestmark = pytest.mark.django_db

XSS = '<p>hello</p><script>alert("pwned")</script><img src=x onerror="alert(1)">'


def open_ticket(company, **kwargs):
    defaults: dict[str, Any] = {
        "subject": "Late delivery",
        "message": "Where is my wok?",
        "channel": "api",
        "by": None,
    }
    defaults.update(kwargs)
    return svc.ticket_open(company=company, **defaults)


def test_inbox_filters_and_my_tickets(signed_in, company, team, agent):
    mine = open_ticket(company, subject="Mine", priority="urgent")
    svc.ticket_assign(ticket=mine, assignee_id=agent.pk, by=None)
    other = open_ticket(company, subject="Web one", channel=Channel.WEB_FORM)
    closed = open_ticket(company, subject="Done already")
    svc.ticket_close(ticket=closed, by=None)
    client = signed_in(agent)
    page = client.get(reverse("helpdesk:inbox")).content.decode()
    assert mine.number in page
    assert other.number in page
    assert closed.number not in page
    assert page.index(mine.number) < page.index(other.number)  # urgent: due first
    assert 'hx-trigger="every 30s"' in page
    assert other.number not in client.get(reverse("helpdesk:inbox") + "?assignee=me").content.decode()
    assert mine.number not in client.get(reverse("helpdesk:inbox") + "?channel=web_form").content.decode()
    assert closed.number in client.get(reverse("helpdesk:inbox") + "?status=closed").content.decode()
    partial = client.get(reverse("helpdesk:inbox"), HTTP_HX_REQUEST="true").content.decode()
    assert "<table" in partial
    assert "<html" not in partial


def test_stored_html_never_reaches_the_pages_unsanitised(signed_in, company, team, agent):
    ticket = open_ticket(company, subject='<script>alert("s")</script>', message="x", html=XSS)
    client = signed_in(agent)
    for url in (reverse("helpdesk:inbox"), reverse("helpdesk:ticket", args=[ticket.pk])):
        html = client.get(url).content.decode()
        assert '<script>alert("pwned")' not in html, url
        assert 'onerror="alert(1)"' not in html, url
        assert '<script>alert("s")' not in html, url
    assert "<p>hello</p>" in client.get(reverse("helpdesk:ticket", args=[ticket.pk])).content.decode()


def test_ticket_page_and_its_actions(signed_in, company, team, agent, manager, make_company):
    ticket = open_ticket(company)
    client = signed_in(agent)
    page = client.get(reverse("helpdesk:ticket", args=[ticket.pk]))
    assert page.status_code == 200
    assert (
        f"/knowledge/suggest/?company={company.pk}&amp;q=" in page.content.decode()
    )  # articles while replying
    client.post(
        reverse("helpdesk:ticket-reply", args=[ticket.pk]), {"text": "note to self", "internal": "on"}
    )
    client.post(reverse("helpdesk:ticket-reply", args=[ticket.pk]), {"text": "Here you go"})
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    assert ticket.messages.count() == 3
    client.post(reverse("helpdesk:ticket-assign", args=[ticket.pk]), {"assignee": manager.pk})
    client.post(reverse("helpdesk:ticket-status", args=[ticket.pk]), {"status": "open", "priority": "high"})
    client.post(reverse("helpdesk:ticket-resolve", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority, ticket.status) == (manager, "high", "resolved")
    duplicate = open_ticket(company)
    response = client.post(reverse("helpdesk:ticket-merge", args=[duplicate.pk]), {"survivor": ticket.number})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=duplicate.pk).merged_into_id == ticket.pk
    # another company's ticket is a 404
    foreign = open_ticket(make_company(name="Elsewhere"))
    assert client.get(reverse("helpdesk:ticket", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("helpdesk:ticket-close", args=[foreign.pk])).status_code == 404


def test_settings_pages(signed_in, company, team, manager, agent):
    client = signed_in(manager)
    for name in ("helpdesk:teams", "helpdesk:categories", "helpdesk:canned-replies", "helpdesk:dashboard"):
        assert client.get(reverse(name)).status_code == 200, name
    page = client.get(reverse("helpdesk:team", args=[team.pk])).content.decode()
    assert f"/helpdesk/forms/{team.form_token}/" in page
    assert "&lt;iframe" in page
    client.post(
        reverse("helpdesk:team-sla", args=[team.pk]),
        {
            "priority": "high",
            "first_response_minutes": 45,
            "resolution_minutes": 240,
            "warn_before_minutes": 15,
            "escalation": "reassign",
            "business_hours": "on",
        },
    )
    assert team.sla_policies.filter(priority="high", first_response_minutes=45).exists()
    client.post(
        reverse("helpdesk:team-holiday-add", args=[team.pk]), {"date": "2026-04-13", "name": "Songkran"}
    )
    assert team.holidays.filter(date=dt.date(2026, 4, 13)).exists()
    assert signed_in(agent).get(reverse("helpdesk:teams")).status_code == 403


def test_the_web_form_with_honeypot_and_rate_limit(client, company, team, settings):
    cache.clear()
    settings.CONCORD_HELPDESK_FORM_LIMIT = 2
    url = reverse("helpdesk:webform", args=[team.form_token])
    assert client.get(url).status_code == 200
    body = {"name": "Nok", "email": "nok@example.com", "subject": "Hi", "message": "Question"}
    assert client.post(url, body).status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WEB_FORM
    assert ticket.team == team
    client.post(url, {**body, "website": "http://spam.example"})
    assert Ticket.objects.count() == 1  # the bot was thanked and dropped
    limited = client.post(url, body)
    assert limited.status_code == 429
    assert Ticket.objects.count() == 1
    assert client.get(reverse("helpdesk:webform", args=["nope"])).status_code == 404


def test_the_rating_page(client, company, team):
    ticket = svc.ticket_resolve(ticket=open_ticket(company), by=None)
    url = reverse("helpdesk:rate", args=[ticket.rating_token])
    assert client.get(url).status_code == 200
    assert client.post(url, {"rating": "5", "comment": "Great"}).status_code == 200
    ticket.refresh_from_db()
    assert ticket.rating == 5
    assert ticket.rating_comment == "Great"
    assert client.get(reverse("helpdesk:rate", args=["unknown"])).status_code == 404


def test_dashboard_numbers_in_constant_queries(company, team, agent):
    now = timezone.now()
    fast = open_ticket(company, channel=Channel.EMAIL)
    Ticket.objects.filter(pk=fast.pk).update(
        created_at=now - dt.timedelta(hours=5),
        first_response_due=now - dt.timedelta(hours=4),
        first_responded_at=now - dt.timedelta(hours=4, minutes=30),
        resolution_due=now,
        resolved_at=now - dt.timedelta(hours=1),
        status="resolved",
        rating=4,
    )
    late = open_ticket(company)
    Ticket.objects.filter(pk=late.pk).update(
        created_at=now - dt.timedelta(hours=3), first_response_due=now - dt.timedelta(hours=1), rating=2
    )
    open_ticket(company, priority="urgent")
    with CaptureQueriesContext(connection) as queries:
        stats = dashboard_stats(company_ids=[company.pk])
    assert len(queries) == 2
    assert stats.total == 3
    assert stats.volume_by_channel == {"api": 2, "email": 1}
    assert stats.open_by_priority == {"normal": 1, "urgent": 1}
    assert (stats.sla_measured, stats.sla_met, stats.sla_compliance) == (2, 1, 50.0)
    assert stats.first_response_median == 30
    assert stats.resolution_median == 240
    assert stats.rating_average == 3


def test_the_support_panel_on_the_party_page(signed_in, company, team, agent, manager, customer):
    ticket = open_ticket(company, email="buyer@chaophraya.example")
    svc.ticket_rate(token=svc.ticket_resolve(ticket=ticket, by=None).rating_token, rating=5)
    from concord.modules.helpdesk.panels import panel_data

    data = panel_data(manager, customer)
    assert data["tickets"][0]["number"] == ticket.number
    assert data["rating_average"] == 5
    page = signed_in(manager).get(reverse("parties:detail", args=[customer.pk])).content.decode()
    assert ticket.number in page
