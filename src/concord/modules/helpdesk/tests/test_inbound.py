"""Email in: a new ticket, threading by In-Reply-To / References / subject tag, idempotency, attachments."""

from __future__ import annotations

import pytest

from concord.modules.helpdesk.mail.parsing import InboundAttachment, InboundMessage
from concord.modules.helpdesk.models import Channel, MessageKind, TicketAttachment, TicketMessage
from concord.modules.helpdesk.queries import team_for_address
from concord.modules.helpdesk.services.inbound import email_receive
from concord.modules.helpdesk.services.tickets import ticket_reply

pytestmark = pytest.mark.django_db


def mail(message_id, *, subject="Broken wok", in_reply_to="", references=(), attachments=(), html=""):
    return InboundMessage(
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=tuple(references),
        from_name="Khun Nok",
        from_email="buyer@chaophraya.example",
        to=("support@siam.example",),
        subject=subject,
        text="The handle came off.",
        html=html,
        attachments=tuple(attachments),
        date=None,
    )


def test_a_thread_by_email(company, team, agent, customer, settings):
    assert team_for_address("Support@Siam.example") == team
    settings.CONCORD_HELPDESK_MAX_ATTACHMENT_BYTES = 100
    first = mail(
        "<m1@chaophraya.example>",
        attachments=[
            InboundAttachment("photo.jpg", "image/jpeg", b"jpeg-bytes"),
            InboundAttachment("video.mp4", "video/mp4", b"x" * 101),
        ],
    )
    ticket, message, created = email_receive(company_id=company.pk, message=first, team_id=team.pk)
    assert created
    assert ticket.channel == Channel.EMAIL
    assert ticket.party_id == customer.pk
    assert list(TicketAttachment.objects.values_list("filename", flat=True)) == ["photo.jpg"]
    assert ticket.messages.filter(kind=MessageKind.SYSTEM, body_text__contains="video.mp4").exists()
    # delivered twice: nothing added
    again = email_receive(company_id=company.pk, message=first, team_id=team.pk)
    assert again == (ticket, message, False)
    assert TicketMessage.objects.filter(message_id="<m1@chaophraya.example>").count() == 1

    reply = ticket_reply(ticket=ticket, text="Sorry! A new one is on its way.", by=agent)
    by_header = mail("<m2@chaophraya.example>", subject="Re: Broken wok", in_reply_to=reply.message_id)
    threaded, _msg, created = email_receive(company_id=company.pk, message=by_header)
    assert threaded.pk == ticket.pk
    assert not created
    by_references = mail("<m3@chaophraya.example>", references=["<unknown@x>", "<m1@chaophraya.example>"])
    assert email_receive(company_id=company.pk, message=by_references)[0].pk == ticket.pk
    by_tag = mail("<m4@chaophraya.example>", subject=f"Fwd: news [{ticket.number}]")
    assert email_receive(company_id=company.pk, message=by_tag)[0].pk == ticket.pk
    unrelated = mail("<m5@chaophraya.example>", subject="Another matter")
    other, _msg, created = email_receive(company_id=company.pk, message=unrelated)
    assert created
    assert other.pk != ticket.pk


def test_hostile_html_in_mail_is_sanitised(company, team):
    message = mail(
        "<x@evil.example>", html='<div>hi<script>steal()</script><img src=x onerror="steal()"></div>'
    )
    _ticket, stored, _created = email_receive(company_id=company.pk, message=message)
    assert "<script" not in stored.body_html
    assert "onerror" not in stored.body_html
