"""Document screens and API: PDFs, sending an invoice by email through the outbox, permissions, 404s."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from concord.core.audit.models import AuditEntry
from concord.core.errors import ValidationFailed
from concord.core.identity.roles import Role
from concord.core.identity.tokens import access_token_create
from concord.core.outbox.facade import dispatch_pending
from concord.core.outbox.models import OutboxEvent
from concord.modules.accounting.documents.events import InvoiceEmailQueued
from concord.modules.accounting.documents.forms import split_addresses
from concord.modules.accounting.documents.sending import invoice_email_message_id, invoice_send
from concord.modules.accounting.errors import StateError
from concord.modules.accounting.services.invoices import (
    InvoiceLineInput,
    invoice_cancel,
    invoice_create,
    invoice_post,
)
from concord.modules.accounting.services.setup import accounting_setup

from .conftest import TODAY
from .test_documents import BUYER_TIN, services_certificate, thai_buyer, thai_seller

pytestmark = pytest.mark.django_db

API = "/api/v1/accounting/documents"
BUYER_EMAIL = "ap@chaophraya.example"


@pytest.fixture
def seller(books):
    return thai_seller(books)


@pytest.fixture
def buyer(seller, make_partner):
    return thai_buyer(seller, make_partner)


@pytest.fixture
def thai_invoice(make_invoice, buyer):
    return make_invoice("1000", partner=buyer)


@pytest.fixture
def certificate(seller, make_invoice, make_partner, accountant):
    return services_certificate(seller, make_invoice, make_partner, accountant)


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in


@pytest.fixture
def foreign_invoice(make_company, make_user, make_partner):
    """A posted invoice of another Thai company, whose members our users are not."""
    other = make_company(name="Lanna Goods Co., Ltd.", code="lanna")
    accounting_setup(company=other, template="th_npae", by=None, fiscal_year=2026)
    user = make_user(company=other, roles=(Role.ACCOUNTANT,), username="lanna-accountant")
    partner = make_partner(other, "Doi Coffee Co., Ltd.", emails=["buy@doi.example"])
    invoice = invoice_create(
        company=other,
        kind="out_invoice",
        partner_id=partner.pk,
        by=user,
        date=TODAY,
        lines=[InvoiceLineInput("Coffee beans", Decimal("1"), Decimal("500"), tax_ids=())],
    )
    return invoice_post(invoice=invoice, by=user)


def email_events():
    return OutboxEvent.objects.filter(event_type=InvoiceEmailQueued.event_type)


def post_json(client, path, body):
    return client.post(API + path, json.dumps(body), content_type="application/json")


# ------------------------------------------------------------------------------------------ PDFs
def test_the_pdf_screen_shows_the_invoice_inline_or_as_a_download(signed_in, accountant, thai_invoice):
    client = signed_in(accountant)
    url = reverse("accounting:invoice-pdf", args=[thai_invoice.pk])
    assert url == f"/accounting/invoices/{thai_invoice.pk}/pdf/"

    inline = client.get(url)
    download = client.get(url, {"download": "1"})

    assert inline.status_code == 200
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"] == 'inline; filename="INV-2026-00001.pdf"'
    assert inline.content.startswith(b"%PDF-")
    assert "no-store" in inline["Cache-Control"]
    assert download["Content-Disposition"] == 'attachment; filename="INV-2026-00001.pdf"'


def test_the_certificate_pdf_screen(signed_in, accountant, certificate):
    response = signed_in(accountant).get(reverse("accounting:wht-certificate-pdf", args=[certificate.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="WHT-2026-00001.pdf"'


def test_the_api_serves_both_pdfs(signed_in, accountant, thai_invoice, certificate):
    client = signed_in(accountant)

    invoice = client.get(f"{API}/invoices/{thai_invoice.pk}/pdf")
    download = client.get(f"{API}/invoices/{thai_invoice.pk}/pdf", {"download": "1"})
    wht = client.get(f"{API}/wht-certificates/{certificate.pk}/pdf")

    assert invoice.status_code == 200
    assert invoice["Content-Type"] == "application/pdf"
    assert invoice.content.startswith(b"%PDF-")
    assert download["Content-Disposition"] == 'attachment; filename="INV-2026-00001.pdf"'
    assert wht.status_code == 200
    assert wht.content.startswith(b"%PDF-")


# ----------------------------------------------------------------------------- permissions, 404
def test_another_companys_documents_are_not_found(signed_in, accountant, foreign_invoice):
    client = signed_in(accountant)

    assert client.get(reverse("accounting:invoice-pdf", args=[foreign_invoice.pk])).status_code == 404
    assert client.get(reverse("accounting:invoice-send", args=[foreign_invoice.pk])).status_code == 404
    api_pdf = client.get(f"{API}/invoices/{foreign_invoice.pk}/pdf")
    api_send = post_json(client, f"/invoices/{foreign_invoice.pk}/send", {"to": ["x@example.com"]})
    assert api_pdf.status_code == 404
    assert api_pdf.json()["error"]["code"] == "not_found"
    assert api_send.status_code == 404
    assert client.get(f"{API}/wht-certificates/999999/pdf").status_code == 404
    assert not email_events().exists()


def test_a_user_without_accounting_view_is_refused(signed_in, seller, make_user, thai_invoice, certificate):
    marketer = make_user(company=seller, roles=(Role.MARKETING,), username="nida")
    client = signed_in(marketer)

    assert client.get(reverse("accounting:invoice-pdf", args=[thai_invoice.pk])).status_code == 403
    assert client.get(reverse("accounting:wht-certificate-pdf", args=[certificate.pk])).status_code == 403
    response = client.get(f"{API}/invoices/{thai_invoice.pk}/pdf")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert client.get(f"{API}/wht-certificates/{certificate.pk}/pdf").status_code == 403


def test_viewing_is_not_sending(signed_in, seller, make_user, thai_invoice):
    """A salesperson may view invoices (accounting.view) but not send them (accounting.change)."""
    client = signed_in(make_user(company=seller, roles=(Role.SALES,), username="somchai"))

    assert client.get(reverse("accounting:invoice-pdf", args=[thai_invoice.pk])).status_code == 200
    send_url = reverse("accounting:invoice-send", args=[thai_invoice.pk])
    assert client.get(send_url).status_code == 403
    assert client.post(send_url, {"to": BUYER_EMAIL}).status_code == 403
    assert post_json(client, f"/invoices/{thai_invoice.pk}/send", {"to": [BUYER_EMAIL]}).status_code == 403
    assert not email_events().exists()


def test_anonymous_users_sign_in_first(client, thai_invoice):
    response = client.get(reverse("accounting:invoice-pdf", args=[thai_invoice.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    assert client.get(f"{API}/invoices/{thai_invoice.pk}/pdf").status_code == 401


# --------------------------------------------------------------------------------- sending, web
def test_the_send_form_is_prefilled_for_the_partner(signed_in, accountant, thai_invoice):
    response = signed_in(accountant).get(reverse("accounting:invoice-send", args=[thai_invoice.pk]))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["to"] == BUYER_EMAIL
    assert form.initial["subject"].startswith("Invoice INV/2026/00001 from")
    assert "1,070.00" in form.initial["message"]
    html = response.content.decode()
    assert '<label class="form-label" for="id_to">To</label>' in html
    assert reverse("accounting:invoice-pdf", args=[thai_invoice.pk]) in html


def test_sending_from_the_screen_emails_the_pdf_once_the_outbox_runs(
    signed_in, accountant, thai_invoice, buyer
):
    client = signed_in(accountant)
    url = reverse("accounting:invoice-send", args=[thai_invoice.pk])

    response = client.post(
        url, {"to": f"{BUYER_EMAIL}, boss@chaophraya.example", "subject": "Your invoice", "message": "Hello"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounting:invoice-detail", args=[thai_invoice.pk])
    (event,) = email_events()
    assert event.payload == {
        "invoice_id": thai_invoice.pk,
        "company_id": thai_invoice.company_id,
        "to": [BUYER_EMAIL, "boss@chaophraya.example"],
        "subject": "Your invoice",
        "message": "Hello",
    }
    assert (event.aggregate_type, event.aggregate_id, event.actor_id) == (
        "parties.party",
        str(buyer.pk),
        accountant.pk,
    )
    audit = AuditEntry.objects.get(action="other", object_id=str(thai_invoice.pk))
    assert audit.changes["emailed_to"] == [None, f"{BUYER_EMAIL}, boss@chaophraya.example"]
    assert mail.outbox == []  # nothing leaves before the outbox delivers

    dispatch_pending()

    (message,) = mail.outbox
    assert message.to == [BUYER_EMAIL, "boss@chaophraya.example"]
    assert message.subject == "Your invoice"
    assert message.body == "Hello"
    assert message.reply_to == [accountant.email]
    assert message.extra_headers["Message-ID"] == invoice_email_message_id(str(event.uuid))
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert (filename, mimetype) == ("INV-2026-00001.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    assert BUYER_TIN.encode() not in content[:10]  # binary PDF, not the HTML
    dispatch_pending()
    assert len(mail.outbox) == 1  # a delivered handler is not run again


def test_a_bad_address_is_named_on_the_form_and_nothing_is_queued(signed_in, accountant, thai_invoice):
    response = signed_in(accountant).post(
        reverse("accounting:invoice-send", args=[thai_invoice.pk]), {"to": f"{BUYER_EMAIL}, not-an-address"}
    )

    assert response.status_code == 422
    assert response.context["form"].errors["to"] == ["“not-an-address” is not a valid email address."]
    assert not email_events().exists()


def test_a_draft_cannot_be_sent_from_the_screen(signed_in, accountant, make_invoice, buyer):
    draft = make_invoice("1000", partner=buyer, post=False)

    response = signed_in(accountant).post(
        reverse("accounting:invoice-send", args=[draft.pk]), {"to": BUYER_EMAIL}
    )

    assert response.status_code == 409
    assert "is a draft: post it before sending it." in response.content.decode()
    assert not email_events().exists()


# ---------------------------------------------------------------------------------- sending, API
def test_the_api_queues_the_email_and_the_worker_sends_it(signed_in, accountant, thai_invoice):
    response = post_json(signed_in(accountant), f"/invoices/{thai_invoice.pk}/send", {"to": [BUYER_EMAIL]})

    assert response.status_code == 202
    assert response.json() == {"queued": True}
    assert email_events().count() == 1
    dispatch_pending()
    (message,) = mail.outbox
    assert message.to == [BUYER_EMAIL]
    assert message.subject.startswith("Invoice INV/2026/00001 from")  # the default subject
    assert "INV/2026/00001" in message.body
    assert message.attachments[0][0] == "INV-2026-00001.pdf"


def test_a_token_client_sends_its_own_companys_invoices_only(
    client, accountant, thai_invoice, foreign_invoice
):
    _token, raw = access_token_create(user=accountant, name="billing robot")
    auth = {"Authorization": f"Bearer {raw}"}

    own = client.post(
        f"{API}/invoices/{thai_invoice.pk}/send",
        json.dumps({"to": [BUYER_EMAIL], "subject": "Invoice attached"}),
        content_type="application/json",
        headers=auth,
    )
    other = client.post(
        f"{API}/invoices/{foreign_invoice.pk}/send",
        json.dumps({"to": [BUYER_EMAIL]}),
        content_type="application/json",
        headers=auth,
    )
    pdf = client.get(f"{API}/invoices/{thai_invoice.pk}/pdf", headers=auth)

    assert own.status_code == 202
    assert other.status_code == 404
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    (event,) = email_events()
    assert event.payload["subject"] == "Invoice attached"
    assert event.actor_id == accountant.pk


def test_the_api_refuses_a_bad_address_with_422(signed_in, accountant, thai_invoice):
    response = post_json(
        signed_in(accountant), f"/invoices/{thai_invoice.pk}/send", {"to": [BUYER_EMAIL, "nobody@"]}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["fields"]["to"] == ["“nobody@” is not a valid email address."]
    assert not email_events().exists()


def test_the_api_refuses_a_draft_with_409(signed_in, accountant, make_invoice, buyer):
    draft = make_invoice("1000", partner=buyer, post=False)

    response = post_json(signed_in(accountant), f"/invoices/{draft.pk}/send", {"to": [BUYER_EMAIL]})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"
    assert not email_events().exists()


def test_the_api_refuses_unknown_fields(signed_in, accountant, thai_invoice):
    response = post_json(
        signed_in(accountant), f"/invoices/{thai_invoice.pk}/send", {"to": [BUYER_EMAIL], "cc": []}
    )
    assert response.status_code == 422


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/accounting/documents/invoices/{invoice_id}/pdf" in paths
    assert "/api/v1/accounting/documents/wht-certificates/{certificate_id}/pdf" in paths
    send = paths["/api/v1/accounting/documents/invoices/{invoice_id}/send"]["post"]
    assert "202" in send["responses"]


# ------------------------------------------------------------------------------------ the service
def test_the_service_names_the_bad_address_and_refuses_what_cannot_be_sent(
    thai_invoice, accountant, make_invoice, make_partner, seller
):
    with pytest.raises(ValidationFailed, match="“bad address” is not a valid email address") as caught:
        invoice_send(invoice=thai_invoice, to=[BUYER_EMAIL, "bad address"], by=accountant)
    assert caught.value.field == "to"
    with pytest.raises(ValidationFailed, match="at least one email address"):
        invoice_send(invoice=thai_invoice, to=[" "], by=accountant)
    bill = make_invoice("100", kind="in_invoice", partner=make_partner(seller, "Vendor", is_customer=False))
    with pytest.raises(StateError, match="Only customer invoices"):
        invoice_send(invoice=bill, to=[BUYER_EMAIL], by=accountant)
    invoice_cancel(invoice=thai_invoice, by=accountant)
    with pytest.raises(StateError, match="cancelled"):
        invoice_send(invoice=thai_invoice, to=[BUYER_EMAIL], by=accountant)
    assert not email_events().exists()


def test_the_service_drops_repeated_addresses_and_line_breaks_in_the_subject(thai_invoice, accountant):
    invoice_send(
        invoice=thai_invoice,
        to=[BUYER_EMAIL, BUYER_EMAIL.upper()],
        subject="Invoice\r\nBcc: everyone@example.com",
        by=accountant,
    )

    (event,) = email_events()
    assert event.payload["to"] == [BUYER_EMAIL]
    assert event.payload["subject"] == "Invoice Bcc: everyone@example.com"


def test_addresses_typed_in_one_box_are_split():
    assert split_addresses(" a@example.com, b@example.com;c@example.com\nd@example.com ") == [
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "d@example.com",
    ]
