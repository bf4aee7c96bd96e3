"""CRM screens: the board with its columns and totals, the move endpoint, lead and opportunity pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from concord.modules.crm.models import Lead, LeadStatus, Opportunity, OpportunityStatus
from concord.modules.crm.services.leads import lead_create

pytestmark = pytest.mark.django_db


def test_the_board_renders_columns_cards_and_totals(signed_in, seller, make_opportunity, stages):
    make_opportunity("Fleet renewal", expected_revenue="100000", expected_close_date=dt.date(2020, 1, 1))
    make_opportunity("Kitchen", expected_revenue="25000.50")
    client = signed_in(seller)
    page = client.get(reverse("crm:board"))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("New", "Qualified", "Proposition", "Negotiation", "Won"):
        assert f'data-testid="column-{name}"' in html
    assert "Fleet renewal" in html
    assert "Chao Phraya Foods" in html
    totals = html.split(f'data-testid="stage-totals-{stages["New"].pk}">')[1].split("</p>")[0]
    assert "2 opportunities" in totals
    assert "125,000.50" in totals
    assert 'data-testid="overdue"' in html  # the 2020 close date is past
    assert "vendor/sortable/Sortable.min.js" in html
    assert "crm/board.js" in html


def test_the_move_endpoint_moves_and_answers_card_and_totals(signed_in, seller, make_opportunity, stages):
    deal = make_opportunity()
    client = signed_in(seller)
    url = reverse("crm:opportunity-move", args=[deal.pk])
    answer = client.post(url, {"stage_id": stages["Won"].pk, "position": 0})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'id="opportunity-{deal.pk}"' in html
    assert 'data-testid="card-status"' in html
    assert f'id="stage-totals-{stages["Won"].pk}"' in html
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.WON
    assert deal.stage == stages["Won"]
    assert client.post(url, {"stage_id": "x"}).status_code == 400
    assert client.get(url).status_code == 405


def test_another_companys_rows_are_404(signed_in, make_user, make_company, make_opportunity, stages, company):
    deal = make_opportunity()
    lead = lead_create(company=company, by=None, title="Secret", email="s@example.com")
    other = make_company(name="Other", code="other")
    outsider = make_user(company=other, roles=("sales",), username="outsider")
    client = signed_in(outsider)
    assert (
        client.post(
            reverse("crm:opportunity-move", args=[deal.pk]), {"stage_id": stages["Won"].pk}
        ).status_code
        == 404
    )
    assert client.get(reverse("crm:opportunity-detail", args=[deal.pk])).status_code == 404
    assert client.get(reverse("crm:lead-detail", args=[lead.pk])).status_code == 404
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.OPEN


def test_pages_render_and_a_lead_is_qualified_from_the_screens(
    signed_in, seller, manager, make_opportunity, customer
):
    deal = make_opportunity()
    client = signed_in(manager)
    for name in (
        "crm:opportunities",
        "crm:opportunity-new",
        "crm:leads",
        "crm:lead-new",
        "crm:settings",
        "crm:campaigns",
        "crm:pipeline-new",
        "crm:lost-reason-new",
        "crm:campaign-new",
        "crm:lead-form-new",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    detail = client.get(reverse("crm:opportunity-detail", args=[deal.pk])).content.decode()
    assert "Mark won" in detail
    assert "Mark lost" in detail
    assert f"/sales/quotations/new/?opportunity={deal.pk}" in detail  # "New quotation" opens sales' form
    exported = client.get(reverse("crm:opportunities") + "?export=csv")
    assert exported.status_code == 200
    assert "Fleet renewal" in b"".join(exported.streaming_content).decode("utf-8-sig")
    party_page = client.get(reverse("parties:detail", args=[customer.pk])).content.decode()
    assert "Fleet renewal" in party_page

    created = client.post(reverse("crm:lead-new"), {"title": "", "email": ""})
    assert created.status_code == 400
    assert not Lead.objects.exists()
    client.post(
        reverse("crm:lead-new"),
        {"title": "Woks", "organization_name": "Chao Phraya Foods Co., Ltd.", "email": "w@cpf.example"},
    )
    lead = Lead.objects.get()
    form = client.get(reverse("crm:lead-qualify", args=[lead.pk])).content.decode()
    assert "Chao Phraya Foods" in form  # offered as the existing customer
    done = client.post(reverse("crm:lead-qualify", args=[lead.pk]), {"party": customer.pk})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.QUALIFIED
    assert lead.party_id == customer.pk
    assert done.url == reverse("crm:opportunity-detail", args=[lead.opportunity_id])

    lost = client.post(reverse("crm:opportunity-lost", args=[deal.pk]), {"reason": ""})
    assert lost.status_code == 400
    client.post(reverse("crm:opportunity-lost", args=[deal.pk]), {"reason": "Too expensive"})
    assert Opportunity.objects.get(pk=deal.pk).status == OpportunityStatus.LOST
    client.post(reverse("crm:opportunity-action", args=[deal.pk, "reopen"]))
    assert Opportunity.objects.get(pk=deal.pk).status == OpportunityStatus.OPEN


def test_the_board_is_refused_to_roles_without_crm(signed_in, make_user, company):
    clerk = make_user(company=company, roles=("warehouse",), username="clerk")
    assert signed_in(clerk).get(reverse("crm:board")).status_code == 403
