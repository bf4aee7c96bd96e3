"""Demo exchange rates: a daily history for each demo company's foreign currencies.

Two market series are simulated, baht per US dollar and riel per US dollar, each a seeded
mean-reverting random walk that starts on a fixed date. Every company's rates are read off these series
(the Cambodian company's baht rate is the inverse of the Thai company's dollar rate), so the rates agree
with each other, and a given day always gets the same rate for a given seed, whatever day the demo is
loaded: reloading the next day adds the new day and leaves the others as they were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from concord.core.money.fields import RATE_FIELD_KW
from concord.core.money.models import ExchangeRate, RateSource
from concord.core.money.services import exchange_rate_set
from concord.demo.steps import DemoContext, demo_step

WALK_START = date(2020, 1, 1)


@dataclass(frozen=True)
class MarketSeries:
    """A simulated market rate: units of ``quote`` per 1 US dollar, drifting around ``mean``."""

    quote: str
    mean: float
    daily_volatility: float  # standard deviation of the daily log change
    reversion: float  # share of the gap to the mean closed each day
    decimals: int  # how the market quotes it

    def walk(self, ctx: DemoContext, *, until: date, since: date) -> dict[date, Decimal]:
        """The series' value for each day from ``since`` to ``until`` (both included)."""
        rng = ctx.rng(f"money.USD{self.quote}")
        day = min(WALK_START, since)
        log_mean = math.log(self.mean)
        level = log_mean
        values: dict[date, Decimal] = {}
        while day <= until:
            if day >= since:
                values[day] = Decimal(str(round(math.exp(level), self.decimals)))
            level += self.reversion * (log_mean - level) + rng.gauss(0.0, self.daily_volatility)
            day += timedelta(days=1)
        return values


USD_THB = MarketSeries(quote="THB", mean=35.2, daily_volatility=0.004, reversion=0.01, decimals=4)
USD_KHR = MarketSeries(quote="KHR", mean=4070.0, daily_volatility=0.0012, reversion=0.05, decimals=0)

ONE = Decimal(1)
RATE_QUANTUM = Decimal(1).scaleb(-RATE_FIELD_KW["decimal_places"])


@demo_step(order=30, key="money.exchange_rates")
def exchange_rates(ctx: DemoContext) -> None:
    """Daily rates for the last ``size.rate_history_days`` days, today included; set = create or update."""
    since = ctx.today - timedelta(days=ctx.size.rate_history_days - 1)
    thb_per_usd = USD_THB.walk(ctx, until=ctx.today, since=since)
    khr_per_usd = USD_KHR.walk(ctx, until=ctx.today, since=since)
    wanted: dict[tuple[str, str], dict[date, Decimal]] = {
        ("siam", "USD"): thb_per_usd,  # baht per dollar
        ("mekong", "KHR"): {day: _rate(ONE / value) for day, value in khr_per_usd.items()},  # $ per riel
        ("mekong", "THB"): {day: _rate(ONE / value) for day, value in thb_per_usd.items()},  # $ per baht
    }
    for (company_code, currency), series in wanted.items():
        company = ctx.companies.get(company_code)
        if company is None:
            continue
        recorded = dict(
            ExchangeRate.all_companies.filter(
                company=company, currency=currency, rate_date__gte=since, rate_date__lte=ctx.today
            ).values_list("rate_date", "rate")
        )
        for day, rate in sorted(series.items()):
            if recorded.get(day) == rate:
                continue  # already set to this value: nothing to write, nothing to audit
            exchange_rate_set(
                company=company,
                currency=currency,
                rate_date=day,
                rate=rate,
                by=ctx.by,
                source=RateSource.IMPORT,
            )
            if day not in recorded:
                ctx.count("exchange rates")


def _rate(value: Decimal) -> Decimal:
    """Rounded as the rate field stores it (10 decimals), so a reload compares equal to what is stored."""
    return value.quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)
