"""REST endpoints of money, mounted at /api/v1/money/: exchange rates per date, and conversion.

Rates belong to a company (units of its currency per foreign unit); reading them needs
``currencies.view`` and setting one ``currencies.add`` in that company. Handlers parse, check permission,
call one service or selector and answer.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, FilterLookup, Query, Router, Schema
from pydantic import ConfigDict, field_validator

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import company_ids_with_perm, has_company_perm, permission_denied
from concord.core.errors import NotFound, PermissionDeniedError
from concord.core.identity.models import Company, User
from concord.core.money.currencies import is_valid_currency
from concord.core.money.models import ExchangeRate, RateSource
from concord.core.money.money import Money
from concord.core.money.queries import convert
from concord.core.money.services import exchange_rate_set

router = Router(tags=["money"])

VIEW = "currencies.view"
ADD = "currencies.add"

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _caller(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # auth guarantees a User; this narrows the type
        raise PermissionDeniedError(_("Authentication required."))
    return user


def _company(request: HttpRequest, company_id: int | None, perm: str) -> Company:
    """The company named, else the caller's default (else their first); the caller must hold ``perm``."""
    user = _caller(request)
    companies = user.companies()
    if company_id is None:
        company_id = user.default_company_id
        if company_id is None or not companies.filter(pk=company_id).exists():
            first = companies.order_by("name", "pk").first()
            company_id = first.pk if first is not None else None
    company = companies.filter(pk=company_id).first() if company_id is not None else None
    if company is None:
        raise NotFound(_("There is no such company."), field="company_id")
    if not has_company_perm(user, perm, company):
        raise permission_denied(perm)
    return company


def _currency_code(value: str) -> str:
    """An ISO 4217 code, upper-cased; anything else is a 422 on the field."""
    code = value.strip().upper()
    if not is_valid_currency(code):
        raise ValueError(_("Unknown currency %(code)s: use a three-letter ISO 4217 code.") % {"code": value})
    return code


def _plain(number: Decimal) -> Decimal:
    """A rate without the column's trailing zeros (36.5000000000 -> 36.5, 100 stays 100)."""
    exponent = number.normalize().as_tuple().exponent
    decimals = max(-exponent, 0) if isinstance(exponent, int) else 0
    return number.quantize(Decimal(1).scaleb(-decimals))


# --------------------------------------------------------------------------- schemas
class ExchangeRateOut(Schema):
    id: int
    company_id: int
    company_currency: str
    currency: str
    rate_date: dt.date
    rate: Decimal = Field(..., description="Units of the company currency for 1 unit of the currency.")
    source: RateSource
    set_by_id: int | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_company_currency(obj: ExchangeRate) -> str:
        return str(obj.company.currency)

    @staticmethod
    def resolve_rate(obj: ExchangeRate) -> Decimal:
        return _plain(obj.rate)


class ExchangeRateIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a typo must not pass silently (422 naming it)

    company_id: int | None = Field(None, description="Defaults to your default company.")
    currency: str = Field(..., description="The foreign currency, ISO 4217 (USD).")
    rate_date: dt.date
    rate: Decimal = Field(..., description="Units of the company currency for 1 unit of the currency.")


class ExchangeRateFilters(ListFilters):
    company_id: int | None = Field(None, description="Only this company's rates.")
    currency: Annotated[str | None, FilterLookup("currency__iexact")] = None
    date_from: Annotated[dt.date | None, FilterLookup("rate_date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("rate_date__lte")] = None
    source: RateSource | None = None

    ordering_fields = {"rate_date": "rate_date", "currency": "currency", "id": "pk"}
    default_ordering = ("currency", "-rate_date")


class ConvertQuery(Schema):
    amount: Decimal
    from_currency: str = Field(..., alias="from", description="ISO 4217 code of the amount.")
    to_currency: str = Field(..., alias="to", description="ISO 4217 code to convert into.")
    on_date: Annotated[dt.date | None, Field(alias="date", description="Defaults to today.")] = None
    company_id: int | None = Field(None, description="Whose rates; defaults to your default company.")

    @field_validator("from_currency", "to_currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        return _currency_code(value)


class ConversionOut(Schema):
    amount: Decimal = Field(..., description="The converted amount, rounded to its currency's minor unit.")
    currency: str
    original_amount: Decimal
    original_currency: str
    date: dt.date
    company_id: int


# --------------------------------------------------------------------------- endpoints
@router.get("/rates", response={200: list[ExchangeRateOut], frozenset({401, 403, 422}): ErrorOut})
@paginated
def exchange_rate_list(request: HttpRequest, filters: Query[ExchangeRateFilters]) -> QuerySet[ExchangeRate]:
    """Recorded rates of the companies where you may view them; filter by currency and date range."""
    company_ids = company_ids_with_perm(_caller(request), VIEW)
    rates = ExchangeRate.objects.select_related("company")
    if company_ids is not None:
        if not company_ids:
            raise permission_denied(VIEW)
        rates = rates.filter(company_id__in=company_ids)
    return filters.apply(rates)


@router.post("/rates", response={200: ExchangeRateOut, **_ERRORS})
def exchange_rate_create(request: HttpRequest, payload: ExchangeRateIn) -> ExchangeRate:
    """Record the company's rate for a currency on a date; a rate already set that day is replaced."""
    company = _company(request, payload.company_id, ADD)
    rate = exchange_rate_set(
        company=company,
        currency=payload.currency,
        rate_date=payload.rate_date,
        rate=payload.rate,
        by=_caller(request),
    )
    found: ExchangeRate = ExchangeRate.all_companies.select_related("company").get(pk=rate.pk)
    return found


@router.get("/rates/convert", response={200: ConversionOut, frozenset({401, 403, 404, 422}): ErrorOut})
def exchange_rate_convert(request: HttpRequest, query: Query[ConvertQuery]) -> dict[str, Any]:
    """Convert an amount at the company's rates of a date (the latest rate on or before it; between two
    foreign currencies through the company's own). A currency without a rate by then is a 404."""
    company = _company(request, query.company_id, VIEW)
    on_date = query.on_date or timezone.localdate()
    converted = convert(
        money=Money(query.amount, query.from_currency),
        to_currency=query.to_currency,
        company=company,
        on_date=on_date,
    )
    return {
        "amount": converted.amount,
        "currency": converted.currency,
        "original_amount": query.amount,
        "original_currency": query.from_currency,
        "date": on_date,
        "company_id": company.pk,
    }
