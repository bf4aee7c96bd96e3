"""The public web form: ``/crm/forms/<token>/``, a page any website can embed (iframe) to capture leads.

Visitors are anonymous, so the page takes no CSRF token (the embedding site cannot send one) and may be
framed. Two guards keep spam out: a honeypot field people never see (a bot filling it gets the same
thank-you page and nothing is stored), and a limit of ``RATE_LIMIT`` submissions per client IP per
``RATE_WINDOW_SECONDS`` through Django's cache (a 429 page beyond it; with Redis configured the count is
shared by every web process).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from concord.core.errors import DomainError
from concord.modules.crm.forms import PublicLeadForm
from concord.modules.crm.models import LeadForm, LeadSource
from concord.modules.crm.services.leads import lead_create

__all__ = ["RATE_LIMIT", "RATE_WINDOW_SECONDS", "public_form"]

RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 600


def _over_limit(request: HttpRequest) -> bool:
    """Count this submission against the client's IP; True when it is beyond the limit."""
    key = f"crm.webform:{request.META.get('REMOTE_ADDR') or 'unknown'}"
    if cache.add(key, 1, timeout=RATE_WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=RATE_WINDOW_SECONDS)
        return False
    return count > RATE_LIMIT


def _thanks(request: HttpRequest, lead_form: LeadForm) -> HttpResponse:
    message = lead_form.thank_you_message or _("Thank you! We will get back to you soon.")
    return render(request, "crm/public_form.html", {"lead_form": lead_form, "thanks": message})


@csrf_exempt  # anonymous visitors on another website cannot hold our CSRF cookie; see the module docstring
@xframe_options_exempt  # made to be embedded in an iframe on the company's website
@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    lead_form = LeadForm.all_companies.select_related("company").filter(token=token, is_active=True).first()
    if lead_form is None:
        raise Http404
    if request.method != "POST":
        return render(request, "crm/public_form.html", {"lead_form": lead_form, "form": PublicLeadForm()})
    if _over_limit(request):
        return render(
            request,
            "crm/public_form.html",
            {
                "lead_form": lead_form,
                "error": _("Too many submissions from your network: try again in a few minutes."),
            },
            status=429,
        )
    form = PublicLeadForm(request.POST)
    if form.data.get("website"):
        return _thanks(request, lead_form)  # a bot filled the honeypot: say thanks, keep nothing
    if form.is_valid():
        values = form.cleaned_data
        name = values["contact_name"]
        try:
            lead_create(
                company=lead_form.company,
                by=None,
                title=_("%(form)s: %(name)s") % {"form": lead_form.name, "name": name},
                contact_name=name,
                organization_name=values.get("organization_name", ""),
                email=values.get("email", ""),
                phone=values.get("phone", ""),
                notes=values.get("message", ""),
                source=LeadSource.WEB_FORM,
                campaign_id=lead_form.campaign_id,
                owner=lead_form.owner,
                lead_form=lead_form,
            )
        except DomainError as exc:
            errors = getattr(exc, "errors", None) or {exc.field or "__all__": [str(exc.message)]}
            for field, messages in errors.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return _thanks(request, lead_form)
    return render(request, "crm/public_form.html", {"lead_form": lead_form, "form": form}, status=400)
