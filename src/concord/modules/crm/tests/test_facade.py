"""CRM's facade as sales and analytics use it: opportunity info, mark won, pipeline summary, won/lost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from concord.core.errors import NotFound
from concord.core.identity.scope import company_scope
from concord.core.money.services import exchange_rate_set
from concord.modules.crm import facade
from concord.modules.crm.services import opportunities as opp

pytestmark = pytest.mark.django_db


def test_opportunity_get_and_mark_won_inside_the_callers_transaction(
    make_opportunity, company, seller, make_company
):
    deal = make_opportunity(expected_revenue="1200.50")
    info = facade.opportunity_get(deal.pk)
    assert info == facade.OpportunityInfo(
        id=deal.pk,
        company_id=company.pk,
        title="Fleet renewal",
        party_id=deal.party_id,
        expected_revenue=Decimal("1200.500000"),
        currency="THB",
        status="open",
        stage_name="New",
    )
    with transaction.atomic():
        won = facade.opportunity_mark_won(opportunity_id=deal.pk, by=seller)
        again = facade.opportunity_mark_won(opportunity_id=deal.pk, by=seller)
    assert won.status == again.status == "won"
    assert won.stage_name == "Won"
    other = make_company(name="Other", code="other")
    with company_scope([other.pk]):
        assert facade.opportunity_get(deal.pk) is None
        with pytest.raises(NotFound):
            facade.opportunity_mark_won(opportunity_id=deal.pk, by=seller)
    assert facade.opportunity_get(999999) is None


def test_pipeline_summary_converts_or_leaves_out_foreign_currencies(
    make_opportunity, company, seller, stages
):
    assert facade.pipeline_summary(company_id=company.pk) != []
    make_opportunity("A", expected_revenue="1000")
    make_opportunity("B", expected_revenue="100", currency="USD")
    make_opportunity("C", expected_revenue="50", currency="EUR", stage_id=stages["Qualified"].pk)
    exchange_rate_set(
        company=company, currency="USD", rate_date=timezone.localdate(), rate=Decimal("35"), by=None
    )
    summary = {row.name: row for row in facade.pipeline_summary(company_id=company.pk)}
    assert list(summary) == ["New", "Qualified", "Proposition", "Negotiation", "Won"]
    new = summary["New"]
    assert new.count == 2
    assert new.expected_revenue == Decimal("4500")
    assert new.currency == "THB"
    assert new.weighted_revenue == Decimal("450")  # 10% of 4,500
    qualified = summary["Qualified"]
    assert qualified.count == 1
    assert qualified.expected_revenue == 0
    assert qualified.skipped_currencies == ("EUR",)
    assert summary["Won"].count == 0


def test_won_lost_counts_closed_opportunities_in_the_period(make_opportunity, company, seller):
    won = make_opportunity("Won deal", expected_revenue="800")
    opp.opportunity_mark_won(opportunity=won, by=seller)
    lost = make_opportunity("Lost deal")
    opp.opportunity_mark_lost(opportunity=lost, by=seller, reason="Price")
    make_opportunity("Still open")
    today = timezone.localdate()
    result = facade.won_lost(company_id=company.pk, start=today - dt.timedelta(days=30), end=today)
    assert result == facade.WonLost(won_count=1, won_revenue=Decimal("800"), lost_count=1)
    earlier = facade.won_lost(company_id=company.pk, start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31))
    assert earlier.won_count == 0
    assert earlier.lost_count == 0
