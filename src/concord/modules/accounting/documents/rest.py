"""REST endpoints of accounting's documents, mounted at /api/v1/accounting/documents/.

PDFs of invoices and withholding tax certificates, and sending an invoice by email (queued through the
outbox: 202). Another company's invoice answers 404, exactly as if it did not exist.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from typing import Any, TypeVar

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.permissions import require_perm
from concord.core.errors import NotFound
from concord.modules.accounting.documents.pdf import (
    invoice_pdf,
    invoice_pdf_filename,
    wht_certificate_pdf,
    wht_certificate_pdf_filename,
)
from concord.modules.accounting.documents.sending import MAX_RECIPIENTS, invoice_send
from concord.modules.accounting.documents.views import pdf_response
from concord.modules.accounting.models import Invoice, WithholdingCertificate

router = Router(tags=["accounting"])

M = TypeVar("M", bound=Model)

_PDF_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The document as a PDF (`?download=1`: as an attachment).",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class SendIn(Schema):
    """Whom to email the invoice to; a blank subject or message gets the default text."""

    model_config = ConfigDict(extra="forbid")

    to: list[str] = Field(..., description=f"Email addresses (at most {MAX_RECIPIENTS}).")
    subject: str = Field("", max_length=200)
    message: str = Field("", max_length=10_000)


class QueuedOut(Schema):
    queued: bool


def _visible(request: HttpRequest, obj: M | None, perm: str, missing: str) -> M:
    """``obj`` if the caller may ``perm`` it; 404 when it is not visible at all (another company's)."""
    if obj is None:
        raise NotFound(missing)
    require_perm(request, perm, obj)
    return obj


def _invoice(request: HttpRequest, invoice_id: int, perm: str) -> Invoice:
    found = Invoice.objects.select_related("company", "partner").filter(pk=invoice_id).first()
    return _visible(request, found, perm, _("There is no such invoice."))


def _download(request: HttpRequest) -> bool:
    return request.GET.get("download", "") not in ("", "0", "false")


@router.get(
    "/invoices/{invoice_id}/pdf",
    response={frozenset({401, 403, 404}): ErrorOut},
    openapi_extra=_PDF_RESPONSE,
)
def invoice_pdf_get(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The invoice or credit note as a PDF, in its company's country layout (Thai tax invoice...)."""
    invoice = _invoice(request, invoice_id, "accounting.view")
    return pdf_response(invoice_pdf(invoice), invoice_pdf_filename(invoice), download=_download(request))


@router.get(
    "/wht-certificates/{certificate_id}/pdf",
    response={frozenset({401, 403, 404}): ErrorOut},
    openapi_extra=_PDF_RESPONSE,
)
def wht_certificate_pdf_get(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The withholding tax certificate as a PDF (the 50 Tawi form for a Thai company)."""
    found = WithholdingCertificate.objects.select_related("company").filter(pk=certificate_id).first()
    certificate = _visible(request, found, "accounting.view", _("There is no such certificate."))
    return pdf_response(
        wht_certificate_pdf(certificate),
        wht_certificate_pdf_filename(certificate),
        download=_download(request),
    )


@router.post(
    "/invoices/{invoice_id}/send",
    response={202: QueuedOut, frozenset({400, 401, 403, 404, 409, 422}): ErrorOut},
)
def invoice_send_post(request: HttpRequest, invoice_id: int, payload: SendIn) -> Status[Any]:
    """Email the invoice with its PDF attached; it is queued and sent after the request commits (202).

    422 names a bad address; 409 for a draft, a cancelled invoice or a vendor bill.
    """
    invoice = _invoice(request, invoice_id, "accounting.change")
    invoice_send(
        invoice=invoice, to=payload.to, subject=payload.subject, message=payload.message, by=request.user
    )
    return Status(202, {"queued": True})
