"""Exchange-rate screens: the company's rates (filtered by currency) and the form to set one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.identity.scope import company_scope
from concord.core.money.forms import ExchangeRateForm
from concord.core.money.queries import exchange_rates_for, rate_currencies_for
from concord.core.money.services import exchange_rate_set
from concord.core.web.pagination import paginate
from concord.core.web.session import active_company

RATES_PER_PAGE = 50


def _company_with_permission(request: HttpRequest, permission: str) -> Company:
    """The active company, if the user holds ``permission`` in that company (not just in another one)."""
    company = active_company(request)
    if company is None:
        raise PermissionDenied(_("You are not a member of any company."))
    with company_scope([company.pk]):
        allowed = request.user.has_perm(permission)
    if not allowed:
        raise PermissionDenied
    return company


@login_required
@require_http_methods(["GET"])
def rates(request: HttpRequest) -> HttpResponse:
    company = _company_with_permission(request, "currencies.view")
    currency = request.GET.get("currency", "").strip().upper()[:3]
    page = paginate(
        request, exchange_rates_for(company=company, currency=currency or None), per_page=RATES_PER_PAGE
    )
    with company_scope([company.pk]):
        can_add = request.user.has_perm("currencies.add")
    return render(
        request,
        "money/rates.html",
        {
            "company": company,
            "page": page,
            "currencies": rate_currencies_for(company=company),
            "selected_currency": currency,
            "can_add": can_add,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate_set(request: HttpRequest) -> HttpResponse:
    company = _company_with_permission(request, "currencies.add")
    if request.method == "POST":
        form = ExchangeRateForm(request.POST, company_currency=company.currency)
        if form.is_valid():
            try:
                exchange_rate = exchange_rate_set(
                    company=company,
                    currency=form.cleaned_data["currency"],
                    rate_date=form.cleaned_data["rate_date"],
                    rate=form.cleaned_data["rate"],
                    by=request.user,
                )
            except ValidationFailed as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(
                    request,
                    _("Exchange rate saved: 1 %(currency)s = %(rate)s %(company_currency)s on %(date)s.")
                    % {
                        "currency": exchange_rate.currency,
                        "rate": f"{exchange_rate.rate.normalize():f}",
                        "company_currency": company.currency,
                        "date": exchange_rate.rate_date.isoformat(),
                    },
                )
                query = urlencode({"currency": exchange_rate.currency})
                return redirect(f"{reverse('money:rates')}?{query}")
        status = 400 if form.errors else 200
    else:
        form = ExchangeRateForm(
            initial={
                "currency": request.GET.get("currency", "").strip().upper()[:3],
                "rate_date": request.GET.get("rate_date") or timezone.localdate(),
            },
            company_currency=company.currency,
        )
        status = 200
    return render(request, "money/rate_form.html", {"company": company, "form": form}, status=status)
