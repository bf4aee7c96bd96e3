"""Every portal page shows the signed-in party's own data; another party's ids are 404; roles are apart."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from concord.modules.helpdesk import facade as helpdesk

pytestmark = pytest.mark.django_db


def test_pages_show_own_data_and_404_for_another_customers_ids(books, make_customer, portal_client):
    mine = make_customer("Chao Phraya Foods")
    theirs = make_customer("Mekong Traders")
    client, _user = portal_client(mine.party)

    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    assert mine.order.order_number.encode() in home.content
    assert theirs.order.order_number.encode() not in home.content

    quotes = client.get(reverse("portal:quotes"))
    assert mine.quote.number.encode() in quotes.content
    assert theirs.quote.number.encode() not in quotes.content
    opened = client.get(reverse("portal:quote-open", args=[mine.quote.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("sales:quote-public", args=[mine.quote.access_token])
    assert client.get(reverse("portal:quote-open", args=[theirs.quote.pk])).status_code == 404

    orders = client.get(reverse("portal:orders"))
    assert mine.order.order_number.encode() in orders.content
    assert theirs.order.order_number.encode() not in orders.content
    detail = client.get(reverse("portal:order-detail", args=[mine.order.pk]))
    assert detail.status_code == 200
    assert detail.content.count(b'data-testid="delivery"') == 1
    assert client.get(reverse("portal:order-detail", args=[theirs.order.pk])).status_code == 404
    assert client.get(reverse("portal:order-detail", args=[mine.quote.pk])).status_code == 404  # a quote

    invoices = client.get(reverse("portal:invoices"))
    assert reverse("portal:invoice-pdf", args=[mine.invoice_id]).encode() in invoices.content
    assert reverse("portal:invoice-pdf", args=[theirs.invoice_id]).encode() not in invoices.content
    pdf = client.get(reverse("portal:invoice-pdf", args=[mine.invoice_id]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("portal:invoice-pdf", args=[theirs.invoice_id])).status_code == 404

    balance = client.get(reverse("portal:balance"))
    assert balance.status_code == 200
    assert balance.context["balance"] > 0
    assert balance.context["credit"].receivable_open > 0
    assert [i.id for i in balance.context["open_invoices"]] == [mine.invoice_id]


def test_tickets_open_read_reply_and_404_for_another_customers(
    books, manager, make_customer, make_partner, portal_client
):
    mine = make_partner(books, "Chao Phraya Foods", is_supplier=False)
    theirs = make_partner(books, "Mekong Traders", is_supplier=False)
    client, _user = portal_client(mine)
    foreign = helpdesk.ticket_open_for_party(
        company_id=books.pk, party_id=theirs.pk, subject="Their secret", message="Private", by=manager
    )

    assert client.get(reverse("portal:ticket-new")).status_code == 200
    assert client.post(reverse("portal:ticket-new"), {"subject": "", "message": ""}).status_code == 400
    created = client.post(
        reverse("portal:ticket-new"), {"subject": "Wok arrived bent", "message": "Please replace it."}
    )
    assert created.status_code == 302
    (ticket,) = helpdesk.tickets_for_party(books.pk, mine.pk)
    assert created["Location"] == reverse("portal:ticket-detail", args=[ticket.id])
    assert ticket.channel == "portal"

    listing = client.get(reverse("portal:tickets"))
    assert b"Wok arrived bent" in listing.content
    assert b"Their secret" not in listing.content
    page = client.get(reverse("portal:ticket-detail", args=[ticket.id]))
    assert b"Please replace it." in page.content
    reply = client.post(
        reverse("portal:ticket-detail", args=[ticket.id]), {"text": "Photo attached <b>soon</b>"}
    )
    assert reply.status_code == 302
    texts = [m.body_text for m in helpdesk.ticket_messages_public(ticket.id)]
    assert texts[-1].startswith("Photo attached")

    assert client.get(reverse("portal:ticket-detail", args=[foreign.id])).status_code == 404
    assert client.post(reverse("portal:ticket-detail", args=[foreign.id]), {"text": "x"}).status_code == 404
    assert len(helpdesk.ticket_messages_public(foreign.id)) == 1


def test_staff_and_portal_users_are_kept_apart(books, manager, make_user, make_partner, portal_client):
    party = make_partner(books, "Chao Phraya Foods", is_supplier=False)
    client, portal_user = portal_client(party)
    # a portal user holds no staff permission
    for url in ("/sales/orders/", "/parties/", reverse("portal:invitations")):
        assert client.get(url).status_code in (403, 404), url
    assert client.get("/api/v1/sales/orders").status_code == 403
    assert not portal_user.get_all_permissions()

    staff = Client()
    staff.force_login(manager)
    for name in ("portal:home", "portal:orders", "portal:invoices", "portal:balance", "portal:tickets"):
        assert staff.get(reverse(name)).status_code == 403, name
    # a portal membership without (or with a revoked) PortalAccess opens nothing either
    stray = make_user(company=books, roles=("portal",))
    lone = Client()
    lone.force_login(stray)
    assert lone.get(reverse("portal:home")).status_code == 403
    # anonymous visitors are sent to sign in
    anonymous = Client().get(reverse("portal:home"))
    assert anonymous.status_code == 302
    assert reverse("identity:login") in anonymous["Location"]


def test_pages_embed_the_chat_widget_with_the_signed_party(books, make_partner, portal_client):
    from django.core import signing

    party = make_partner(books, "Chao Phraya Foods", is_supplier=False)
    client, _user = portal_client(party)
    page = client.get(reverse("portal:home"))
    assert reverse("helpdesk:chat-widget-js").encode() in page.content
    signed = page.context["chat_party_signed"]
    assert signing.loads(signed, salt="concord.chat.party", max_age=86400) == {
        "party": party.pk,
        "company": books.pk,
    }
    assert f'data-party="{signed}"'.encode() in page.content
    assert f'data-channel="{page.context["chat_token"]}"'.encode() in page.content
