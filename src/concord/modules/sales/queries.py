"""Sales' selectors: an order's lines and documents, a customer's orders, the dashboard's aggregates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from concord.core.identity.models import Company
from concord.modules.accounting import facade as accounting
from concord.modules.sales.models import OrderState, SaleInvoice, SaleOrder, SaleOrderLine

__all__ = [
    "DashboardData",
    "MonthRevenue",
    "RankedRow",
    "customer_orders",
    "dashboard_data",
    "order_credit",
    "order_invoices",
    "order_lines",
    "order_open_amount",
]

ZERO = Decimal(0)
_CONFIRMED = (OrderState.SALE, OrderState.DONE)


def order_lines(order: SaleOrder) -> list[SaleOrderLine]:
    return list(
        SaleOrderLine.all_companies.filter(order_id=order.pk)
        .select_related("product", "uom")
        .order_by("sequence", "pk")
    )


def order_invoices(order: SaleOrder) -> list[accounting.InvoiceInfo]:
    """The invoices accounting holds for ``order`` (all of them, cancelled too), oldest first."""
    return accounting.invoices_by_source(order.company_id, order.source_key)


def order_credit(order: SaleOrder) -> accounting.PartnerCredit:
    """The customer's open and overdue receivables today (for the warning on the order)."""
    return accounting.partner_credit(order.company_id, order.partner_id, timezone.localdate())


def order_open_amount(order: SaleOrder) -> Decimal:
    """What is left to invoice of a confirmed order, untaxed, in its currency."""
    total = ZERO
    for line in SaleOrderLine.all_companies.filter(order_id=order.pk):
        if line.is_counted and line.quantity > line.invoiced_quantity:
            total += line.price_subtotal * (line.quantity - line.invoiced_quantity) / line.quantity
    return total


def customer_orders(*, partner_id: int, limit: int = 10) -> list[SaleOrder]:
    """A customer's latest quotations and orders (one query), for the 360° panel."""
    return list(SaleOrder.objects.filter(partner_id=partner_id).order_by("-quote_date", "-pk")[:limit])


def order_sale_invoices(order: SaleOrder) -> QuerySet[SaleInvoice]:
    return SaleInvoice.all_companies.filter(order_id=order.pk).order_by("pk")


@dataclass(frozen=True)
class MonthRevenue:
    month: dt.date
    amount: Decimal
    percent: Decimal  # of the best month, for the bar

    @property
    def bar_top(self) -> Decimal:
        """Where the bar starts in the chart's 0-100 height (SVG's y grows downwards)."""
        return Decimal(100) - self.percent


@dataclass(frozen=True)
class RankedRow:
    id: int
    name: str
    amount: Decimal


@dataclass(frozen=True)
class DashboardData:
    """The sales dashboard's figures (company currency), each a grouped aggregate."""

    currency: str
    months: tuple[MonthRevenue, ...]
    top_customers: tuple[RankedRow, ...]
    top_products: tuple[RankedRow, ...]
    quotations: int
    converted: int
    open_quotations: int
    open_quotations_amount: Decimal

    @property
    def conversion_percent(self) -> Decimal:
        if not self.quotations:
            return ZERO
        return (Decimal(self.converted) * 100 / self.quotations).quantize(Decimal("0.1"))

    @property
    def revenue_total(self) -> Decimal:
        return sum((month.amount for month in self.months), ZERO)


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    year, month = first.year, first.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def dashboard_data(company: Company, *, today: dt.date | None = None) -> DashboardData:
    """Revenue by confirmation month (last 12), top 5 customers and products, quote-to-order conversion.

    Five grouped queries whatever the number of orders.
    """
    today = today or timezone.localdate()
    months = _months_back(today, 12)
    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))
    orders = SaleOrder.all_companies.filter(company_id=company.pk)
    confirmed = orders.filter(state__in=_CONFIRMED, confirmed_at__gte=start)
    by_month = {
        (row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]): row["amount"]
        or ZERO
        for row in confirmed.annotate(month=TruncMonth("confirmed_at"))
        .values("month")
        .annotate(amount=Sum("amount_total_company"))
        .values("month", "amount")
    }
    best = max(by_month.values(), default=ZERO) or Decimal(1)
    month_rows = tuple(
        MonthRevenue(
            month=month,
            amount=by_month.get(month, ZERO),
            percent=(by_month.get(month, ZERO) * 100 / best).quantize(Decimal("0.1")),
        )
        for month in months
    )
    customers = tuple(
        RankedRow(id=row["partner_id"], name=row["partner__name"], amount=row["amount"] or ZERO)
        for row in confirmed.values("partner_id", "partner__name")
        .annotate(amount=Sum("amount_total_company"))
        .order_by("-amount", "partner_id")[:5]
    )
    company_subtotal = ExpressionWrapper(F("price_subtotal") * F("order__rate"), output_field=DecimalField())
    products = tuple(
        RankedRow(
            id=row["product_id"],
            name=row["product__name"],
            amount=(row["amount"] or ZERO).quantize(Decimal("0.01")),
        )
        for row in SaleOrderLine.all_companies.filter(order__in=confirmed, is_optional=False)
        .values("product_id", "product__name")
        .annotate(amount=Sum(company_subtotal))
        .order_by("-amount", "product_id")[:5]
    )
    counts = orders.filter(quote_date__gte=months[0]).aggregate(
        quotations=Count("pk"),
        converted=Count("pk", filter=Q(state__in=_CONFIRMED)),
    )
    open_quotes = orders.filter(
        state__in=(OrderState.DRAFT, OrderState.SENT, OrderState.TO_APPROVE)
    ).aggregate(count=Count("pk"), amount=Sum("amount_untaxed"))
    return DashboardData(
        currency=company.currency,
        months=month_rows,
        top_customers=customers,
        top_products=products,
        quotations=int(counts["quotations"] or 0),
        converted=int(counts["converted"] or 0),
        open_quotations=int(open_quotes["count"] or 0),
        open_quotations_amount=open_quotes["amount"] or ZERO,
    )
