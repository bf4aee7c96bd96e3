"""Ticket services: opening from channels (party matching, SLA), the conversation, statuses, reopen rules,
rating, merge, SLA breach and escalation, canned replies, sanitising."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from concord.core.errors import Conflict, ValidationFailed
from concord.core.outbox.models import OutboxEvent
from concord.modules.helpdesk.models import MessageKind, Ticket, TicketStatus
from concord.modules.helpdesk.services import tickets as svc
from concord.modules.helpdesk.services.settings import canned_reply_create, canned_reply_render, holiday_add
from concord.modules.helpdesk.services.sla import sla_check

pytestmark = pytest.mark.django_db

BKK = ZoneInfo("Asia/Bangkok")


def events(event_type):
    return list(OutboxEvent.objects.filter(event_type=event_type).order_by("pk"))


def open_ticket(company, **kwargs):
    defaults: dict[str, Any] = {
        "subject": "Late delivery",
        "message": "Where is my wok?",
        "channel": "api",
        "by": None,
    }
    defaults.update(kwargs)
    return svc.ticket_open_with_message(company=company, **defaults)[0]


def test_opening_matches_the_party_by_email_or_phone_and_applies_the_sla(company, team, customer):
    monday_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BKK)
    by_email = open_ticket(company, email="buyer@chaophraya.EXAMPLE", created_at=monday_10)
    assert by_email.party_id == customer.pk
    assert by_email.number.startswith("HD/2026/")
    assert by_email.team == team
    assert by_email.status == TicketStatus.NEW
    assert by_email.first_response_due == dt.datetime(2026, 3, 2, 11, 0, tzinfo=BKK)
    assert by_email.resolution_due == dt.datetime(2026, 3, 2, 18, 0, tzinfo=BKK)
    by_phone = open_ticket(company, phone="+66 81 234 5678", priority="urgent")
    assert by_phone.party_id == customer.pk
    stranger = open_ticket(company, email="nobody@example.com")
    assert stranger.party_id is None
    opened = events("helpdesk.TicketOpened")
    assert len(opened) == 3
    assert opened[0].aggregate_type == "parties.party"
    assert opened[0].aggregate_id == str(customer.pk)


def test_sla_due_counts_business_hours_and_holidays(company, team):
    holiday_add(team=team, date=dt.date(2026, 3, 9), by=None)
    friday_evening = dt.datetime(2026, 3, 6, 17, 30, tzinfo=BKK)
    ticket = open_ticket(company, created_at=friday_evening)
    # 30 minutes on Friday, Monday is a holiday: 30 minutes on Tuesday
    assert ticket.first_response_due == dt.datetime(2026, 3, 10, 9, 30, tzinfo=BKK)


def test_email_ticket_stores_its_auto_reply_in_the_customer_language(company, team, customer):
    customer.language = "th"
    customer.save(update_fields=["language"])
    ticket = open_ticket(company, channel="email", email="buyer@chaophraya.example")
    auto = ticket.messages.get(kind=MessageKind.SYSTEM)
    assert ticket.number in auto.body_text
    assert auto.message_id.startswith(f"<hd-{ticket.pk}-{auto.pk}.")
    payload = events("helpdesk.TicketOpened")[0].payload
    assert payload["auto_reply_message_id"] == auto.pk
    assert payload["auto_reply_mail_message_id"] == auto.message_id


def test_the_conversation_and_status_rules(company, team, agent, customer):
    ticket = open_ticket(company, email="buyer@chaophraya.example")
    note = svc.ticket_note(ticket=ticket, text="VIP, be quick", by=agent)
    assert note.kind == MessageKind.INTERNAL_NOTE
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
    assert ticket.first_responded_at is None
    reply = svc.ticket_reply(ticket=ticket, text="On its way", by=agent)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING
    assert ticket.first_responded_at == reply.created_at
    assert ticket.assignee == agent
    replied = events("helpdesk.TicketReplied")[0].payload
    assert replied["message_id"] == reply.pk
    assert replied["mail_message_id"] == reply.message_id
    ticket, _msg = svc.customer_message_add(ticket=ticket, text="Thanks, and the lid?")
    assert ticket.status == TicketStatus.OPEN

    svc.ticket_resolve(ticket=ticket, by=agent)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.rating_token
    resolved = events("helpdesk.TicketResolved")[0].payload
    assert resolved["rating_path"] == f"/helpdesk/rate/{ticket.rating_token}/"
    # a customer writing on a resolved ticket reopens it
    ticket, _msg = svc.customer_message_add(ticket=ticket, text="Not solved after all")
    assert ticket.status == TicketStatus.OPEN
    assert ticket.resolved_at is None
    svc.ticket_close(ticket=ticket, by=agent)
    with pytest.raises(Conflict):
        svc.ticket_set_status(ticket=Ticket.objects.get(pk=ticket.pk), status="open", by=agent)
    # ... on a closed one, they get a new ticket linked to it
    follow_up, message = svc.customer_message_add(ticket=Ticket.objects.get(pk=ticket.pk), text="Hello again")
    assert follow_up.pk != ticket.pk
    assert follow_up.follow_up_of_id == ticket.pk
    assert follow_up.party_id == customer.pk
    assert message.ticket_id == follow_up.pk


def test_assigning_needs_a_helpdesk_person_and_moving_team_recomputes_the_sla(
    company, team, agent, make_user
):
    from concord.modules.helpdesk.services.settings import team_create

    outsider = make_user(company=company, roles=("warehouse",))
    ticket = open_ticket(company)
    with pytest.raises(ValidationFailed) as caught:
        svc.ticket_assign(ticket=ticket, assignee_id=outsider.pk, by=None)
    assert caught.value.field == "assignee_id"
    it_team = team_create(company=company, name="IT", kind="it", by=None)
    ticket = svc.ticket_assign(ticket=ticket, assignee_id=agent.pk, team_id=it_team.pk, by=None)
    assert ticket.assignee == agent
    assert ticket.status == TicketStatus.OPEN
    assert ticket.first_response_due is None  # IT has no SLA policy


def test_rating_from_the_link(company, team, agent):
    ticket = open_ticket(company)
    ticket = svc.ticket_resolve(ticket=ticket, by=agent)
    with pytest.raises(ValidationFailed):
        svc.ticket_rate(token=ticket.rating_token, rating=6)
    with pytest.raises(ValidationFailed):
        svc.ticket_rate(token="wrong", rating=5)
    rated = svc.ticket_rate(token=ticket.rating_token, rating=4, comment="Quick")
    assert (rated.rating, rated.rating_comment) == (4, "Quick")


def test_merge_moves_messages_and_refuses_nonsense(company, make_company, team, agent):
    survivor = open_ticket(company, subject="Wok", email="a@example.com")
    duplicate = open_ticket(company, subject="Wok again", email="a@example.com")
    svc.ticket_tags_set(ticket=duplicate, names=["vip"], by=agent)
    with pytest.raises(ValidationFailed):
        svc.ticket_merge(duplicate=survivor, survivor=survivor, by=agent)
    other_company = make_company(name="Other")
    foreign = open_ticket(other_company)
    with pytest.raises(ValidationFailed):
        svc.ticket_merge(duplicate=duplicate, survivor=foreign, by=agent)
    svc.ticket_merge(duplicate=duplicate, survivor=survivor, by=agent)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
    assert duplicate.status == TicketStatus.CLOSED
    assert survivor.messages.filter(kind=MessageKind.CUSTOMER).count() == 2
    assert list(survivor.tags.values_list("name", flat=True)) == ["vip"]
    with pytest.raises(Conflict):
        svc.ticket_merge(duplicate=duplicate, survivor=survivor, by=agent)
    # a customer replying to the merged duplicate lands on the survivor
    landed, _msg = svc.customer_message_add(ticket=duplicate, text="any news?")
    assert landed.pk == survivor.pk


def test_sla_check_warns_breaches_once_and_escalates(company, team, agent, manager):
    monday_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BKK)
    urgent = open_ticket(company, priority="urgent", created_at=monday_10)
    svc.ticket_assign(ticket=urgent, assignee_id=agent.pk, by=None)
    normal = open_ticket(company, created_at=monday_10)
    # 10:05: the urgent first response (due 10:30) is within its 30-minute warning
    report = sla_check(now=monday_10 + dt.timedelta(minutes=5))
    assert urgent.pk in report.warned
    assert not report.breached
    # 10:45: urgent breached (reassign to the manager); normal (due 11:00) warned
    report = sla_check(now=monday_10 + dt.timedelta(minutes=45))
    assert report.breached == [(urgent.pk, "first_response")]
    assert normal.pk in report.warned
    urgent.refresh_from_db()
    assert urgent.first_response_breached
    assert urgent.assignee == manager
    # run again: nothing new is announced
    report = sla_check(now=monday_10 + dt.timedelta(minutes=50))
    assert report.breached == []
    # 11:30: normal breached, escalated by notification only (no assignee change)
    report = sla_check(now=monday_10 + dt.timedelta(minutes=90))
    assert report.breached == [(normal.pk, "first_response")]
    normal.refresh_from_db()
    assert normal.assignee_id is None
    breached = events("helpdesk.SlaBreached")
    assert [(e.payload["ticket_id"], e.payload["target"]) for e in breached] == [
        (urgent.pk, "first_response"),
        (normal.pk, "first_response"),
    ]
    assert breached[0].payload["escalated_to_id"] == manager.pk


def test_canned_reply_placeholders_are_filled_safely(company, team, agent):
    ticket = open_ticket(company, name="Khun Nok")
    reply = canned_reply_create(
        company=company,
        title="Hi",
        body="Dear {{ customer_name }}, about {{ ticket_number }} {{ evil.__class__ }}",
        by=None,
    )
    text = canned_reply_render(reply=reply, ticket=ticket, agent=agent)
    assert text == f"Dear Khun Nok, about {ticket.number} {{{{ evil.__class__ }}}}"


def test_html_is_sanitised_when_stored(company, team):
    ticket = open_ticket(
        company,
        message="hi",
        html='<p onclick="x()">Hi <b>there</b><script>alert(1)</script><img src=x onerror=alert(2)>'
        '<a href="javascript:alert(3)">link</a></p>',
    )
    stored = ticket.messages.get(kind=MessageKind.CUSTOMER).body_html
    assert "<b>there</b>" in stored
    for bad in ("<script", "onerror", "onclick", "javascript:", "<img"):
        assert bad not in stored


def test_oversized_attachment_is_refused_with_a_clear_error(company, team, settings):
    settings.CONCORD_HELPDESK_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(ValidationFailed) as caught:
        open_ticket(company, attachments=[svc.AttachmentInput("big.pdf", "application/pdf", b"x" * 11)])
    assert caught.value.field == "attachments"
    assert "big.pdf" in str(caught.value.message)
    assert not Ticket.objects.exists()
