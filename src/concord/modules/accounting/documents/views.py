"""Document screens: an invoice's PDF, a withholding certificate's PDF, and sending an invoice by email.

Views parse, call one function, answer. An invoice or certificate of a company the user is not a member
of answers 404 (the company-scoped manager does not see it); a visible one without the permission, 403.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from concord.core.errors import DomainError, ValidationFailed
from concord.modules.accounting.documents.forms import InvoiceSendForm
from concord.modules.accounting.documents.pdf import (
    invoice_pdf,
    invoice_pdf_filename,
    wht_certificate_pdf,
    wht_certificate_pdf_filename,
)
from concord.modules.accounting.documents.sending import invoice_email_defaults, invoice_send
from concord.modules.accounting.models import Invoice, WithholdingCertificate

__all__ = ["invoice_pdf_view", "invoice_send_view", "pdf_response", "wht_certificate_pdf_view"]

M = TypeVar("M", bound=Model)


def _visible(request: HttpRequest, obj: M | None, permission: str) -> M:
    """``obj`` if the user may ``permission`` it: 404 when it is not visible at all, 403 without it."""
    if obj is None:
        raise Http404
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied
    return obj


def pdf_response(pdf: bytes, filename: str, *, download: bool) -> HttpResponse:
    """``pdf`` shown in the browser, or offered as a download; never kept in a shared cache."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(download, filename)
    if disposition:  # always, with a file name; None only without one
        response["Content-Disposition"] = disposition
    patch_cache_control(response, private=True, no_store=True)
    return response


def _wants_download(request: HttpRequest) -> bool:
    return request.GET.get("download", "") not in ("", "0", "false")


@login_required
@require_GET
def invoice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _visible(
        request, Invoice.objects.select_related("company").filter(pk=pk).first(), "accounting.view"
    )
    return pdf_response(
        invoice_pdf(invoice), invoice_pdf_filename(invoice), download=_wants_download(request)
    )


@login_required
@require_GET
def wht_certificate_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _visible(
        request,
        WithholdingCertificate.objects.select_related("company").filter(pk=pk).first(),
        "accounting.view",
    )
    return pdf_response(
        wht_certificate_pdf(certificate),
        wht_certificate_pdf_filename(certificate),
        download=_wants_download(request),
    )


def _primary_email(invoice: Invoice) -> str:
    """The partner's primary email address (any email when none is primary), read through our FK."""
    emails = invoice.partner.contact_points.filter(kind="email").order_by("-is_primary", "pk")
    return emails.values_list("value", flat=True).first() or ""


@login_required
@require_http_methods(["GET", "POST"])
def invoice_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _visible(
        request,
        Invoice.objects.select_related("company", "partner").filter(pk=pk).first(),
        "accounting.change",
    )
    status = 200
    if request.method == "POST":
        form = InvoiceSendForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                invoice_send(
                    invoice=invoice,
                    to=form.recipients(),
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
            except ValidationFailed as exc:
                form.add_domain_error(exc)
                status = 422
            except DomainError as exc:  # a draft or a cancelled invoice
                form.add_error(None, str(exc.message))
                status = 409
            else:
                messages.success(
                    request,
                    _("%(invoice)s will be emailed to %(to)s.")
                    % {"invoice": str(invoice), "to": ", ".join(form.recipients())},
                )
                return HttpResponseRedirect(reverse("accounting:invoice-detail", args=[invoice.pk]))
    else:
        subject, message = invoice_email_defaults(invoice)
        form = InvoiceSendForm(
            initial={"to": _primary_email(invoice), "subject": subject, "message": message}
        )
    return render(
        request, "accounting/documents/invoice_send.html", {"form": form, "invoice": invoice}, status=status
    )
