"""CRM services: seeding, leads and their qualification, moves on the board, won/lost rules, stages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concord.core.audit.models import AuditEntry
from concord.core.errors import Conflict, ValidationFailed
from concord.core.outbox.models import OutboxEvent
from concord.modules.crm.models import Lead, LeadStatus, Opportunity, OpportunityStatus, Pipeline, Stage
from concord.modules.crm.services import leads as lead_services
from concord.modules.crm.services import opportunities as opp
from concord.modules.crm.services import pipelines as pipeline_services

pytestmark = pytest.mark.django_db


def _events(name):
    return OutboxEvent.objects.filter(event_type=f"crm.{name}")


def test_the_default_pipeline_is_seeded_once_per_company(company, make_company):
    first = pipeline_services.pipeline_default(company)
    again = pipeline_services.pipeline_default(company)
    assert first.pk == again.pk
    assert first.is_default
    assert first.name == "Sales"
    stages = list(first.stages.order_by("sequence").values_list("name", "probability", "is_won"))
    assert stages == [
        ("New", 10, False),
        ("Qualified", 30, False),
        ("Proposition", 60, False),
        ("Negotiation", 80, False),
        ("Won", 100, True),
    ]
    other = make_company(name="Angkor Ltd", code="angkor", country="KH", currency="KHR")
    assert pipeline_services.pipeline_default(other).pk != first.pk
    assert Pipeline.objects.count() == 2


def test_lead_create_validates_and_normalises(company, seller):
    with pytest.raises(ValidationFailed) as missing:
        lead_services.lead_create(company=company, by=seller, title=" ", email="", phone="")
    assert set(missing.value.errors) == {"title", "email"}
    with pytest.raises(ValidationFailed) as bad:
        lead_services.lead_create(company=company, by=seller, title="Woks", email="not-an-email")
    assert bad.value.field == "email"
    assert not Lead.objects.exists()

    lead = lead_services.lead_create(
        company=company, by=seller, title="  Woks   for 3 branches ", email=" Nok@Example.COM "
    )
    assert lead.title == "Woks for 3 branches"
    assert lead.email == "nok@example.com"
    assert lead.owner == seller
    assert lead.status == LeadStatus.NEW
    assert _events("LeadCreated").count() == 1
    assert AuditEntry.objects.filter(object_id=str(lead.pk), action="create").exists()
    phone_only = lead_services.lead_create(
        company=company, by=seller, title="Call back", phone="081 234 5678"
    )
    assert phone_only.phone == "081 234 5678"


def test_qualifying_without_duplicates_creates_customer_and_opportunity_idempotently(company, seller, stages):
    lead = lead_services.lead_create(
        company=company,
        by=seller,
        title="Woks",
        contact_name="Nok",
        organization_name="Lotus Kitchen Co., Ltd.",
        email="nok@lotus.example",
    )
    opportunity = lead_services.lead_qualify(lead=lead, by=seller, expected_revenue="50000")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.QUALIFIED
    assert lead.opportunity_id == opportunity.pk
    assert lead.party_id == opportunity.party_id
    assert opportunity.stage == stages["New"]
    assert opportunity.probability == 10
    assert opportunity.expected_revenue == Decimal("50000")
    assert opportunity.lead_id == lead.pk
    party = opportunity.party
    assert party.name == "Lotus Kitchen Co., Ltd."
    assert party.is_customer
    event = _events("LeadQualified").get()
    assert event.payload["party_created"] is True
    assert (event.aggregate_type, event.aggregate_id) == ("parties.party", str(party.pk))

    again = lead_services.lead_qualify(lead=lead, by=seller)
    assert again.pk == opportunity.pk
    assert Opportunity.objects.count() == 1
    assert _events("LeadQualified").count() == 1


def test_qualifying_with_duplicates_asks_then_links_or_creates(company, seller, customer):
    lead = lead_services.lead_create(
        company=company,
        by=seller,
        title="Rice cookers",
        organization_name="Chao Phraya Foods Co., Ltd.",
        email="buyer@cpf.example",
    )
    with pytest.raises(lead_services.LeadDuplicatesError) as asked:
        lead_services.lead_qualify(lead=lead, by=seller)
    assert [match.id for match in asked.value.duplicates] == [customer.pk]
    assert asked.value.status_code == 409
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW
    assert not Opportunity.objects.exists()

    linked = lead_services.lead_qualify(lead=lead, by=seller, party_id=customer.pk)
    assert linked.party_id == customer.pk

    second = lead_services.lead_create(
        company=company,
        by=seller,
        title="Steamers",
        organization_name="Chao Phraya Foods Co., Ltd.",
        phone="021234567",
    )
    created = lead_services.lead_qualify(lead=second, by=seller, create_party=True)
    assert created.party_id != customer.pk

    third = lead_services.lead_create(company=company, by=seller, title="x", email="x@example.com")
    with pytest.raises(ValidationFailed) as wrong:
        lead_services.lead_qualify(lead=third, by=seller, party_id=999999)
    assert wrong.value.field == "party_id"


def test_disqualify_needs_a_reason_and_refuses_a_qualified_lead(company, seller):
    lead = lead_services.lead_create(company=company, by=seller, title="Spam?", email="a@b.example")
    with pytest.raises(ValidationFailed):
        lead_services.lead_disqualify(lead=lead, by=seller, reason="  ")
    lead_services.lead_disqualify(lead=lead, by=seller, reason="Student project")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DISQUALIFIED
    assert lead.disqualify_reason == "Student project"
    lead_services.lead_qualify(lead=lead, by=seller, create_party=True)
    with pytest.raises(Conflict):
        lead_services.lead_disqualify(lead=lead, by=seller, reason="changed mind")


def test_moves_reorder_columns_follow_probabilities_and_win(make_opportunity, stages, seller):
    first, second, third = (make_opportunity(title) for title in ("A", "B", "C"))
    assert [o.position for o in (first, second, third)] == [0, 1, 2]

    opp.opportunity_move(opportunity=third, stage_id=stages["New"].pk, position=0, by=seller)
    column = list(
        Opportunity.objects.filter(stage=stages["New"]).order_by("position").values_list("title", flat=True)
    )
    assert column == ["C", "A", "B"]

    moved = opp.opportunity_move(opportunity=first, stage_id=stages["Proposition"].pk, by=seller)
    assert moved.stage == stages["Proposition"]
    assert moved.probability == 60
    assert moved.status == OpportunityStatus.OPEN
    assert _events("OpportunityStageChanged").count() == 2 - 1  # the reorder inside "New" is no stage change

    opp.opportunity_update(opportunity=second, by=seller, probability=45)
    pinned = opp.opportunity_move(opportunity=second, stage_id=stages["Negotiation"].pk, by=seller)
    assert pinned.probability == 45
    assert pinned.probability_manual

    won = opp.opportunity_move(opportunity=first, stage_id=stages["Won"].pk, by=seller)
    assert won.status == OpportunityStatus.WON
    assert won.probability == 100
    assert won.closed_at is not None
    assert _events("OpportunityWon").count() == 1
    event = _events("OpportunityWon").get()
    assert event.aggregate_type == "parties.party"

    back = opp.opportunity_move(opportunity=first, stage_id=stages["Negotiation"].pk, by=seller)
    assert back.status == OpportunityStatus.OPEN
    assert back.closed_at is None
    assert back.probability == 80

    with pytest.raises(ValidationFailed):
        opp.opportunity_move(opportunity=first, stage_id=999999, by=seller)


def test_won_lost_reopen_rules(make_opportunity, stages, seller, company):
    deal = make_opportunity()
    with pytest.raises(ValidationFailed) as no_reason:
        opp.opportunity_mark_lost(opportunity=deal, by=seller)
    assert no_reason.value.field == "reason"
    reason = pipeline_services.lost_reason_create(company=company, by=seller, name="Price")
    lost = opp.opportunity_mark_lost(
        opportunity=deal, by=seller, reason_id=reason.pk, reason="Cheaper elsewhere"
    )
    assert lost.status == OpportunityStatus.LOST
    assert lost.lost_reason == reason
    assert _events("OpportunityLost").get().payload["reason"] == "Price · Cheaper elsewhere"
    assert (
        opp.opportunity_mark_lost(opportunity=deal, by=seller, reason="again").lost_note
        == "Cheaper elsewhere"
    )
    assert pipeline_services.lost_reason_delete(reason=reason, by=seller) is False  # cited: only deactivated
    with pytest.raises(Conflict):
        opp.opportunity_move(opportunity=deal, stage_id=stages["Qualified"].pk, by=seller)

    reopened = opp.opportunity_reopen(opportunity=deal, by=seller)
    assert reopened.status == OpportunityStatus.OPEN
    assert reopened.lost_reason is None
    assert reopened.probability == 10

    won = opp.opportunity_mark_won(opportunity=deal, by=seller)
    assert won.status == OpportunityStatus.WON
    assert won.stage == stages["Won"]
    assert opp.opportunity_mark_won(opportunity=deal, by=seller).pk == deal.pk
    assert _events("OpportunityWon").count() == 1
    with pytest.raises(Conflict):
        opp.opportunity_mark_lost(opportunity=deal, by=seller, reason="late")
    again = opp.opportunity_reopen(opportunity=deal, by=seller)
    assert again.stage == stages["Negotiation"]
    assert again.status == OpportunityStatus.OPEN


def test_opportunity_create_refuses_bad_input_naming_fields(company, seller, make_company, make_partner):
    other = make_company(name="Other", code="other")
    foreign = make_partner(other, name="Foreign Co")
    with pytest.raises(ValidationFailed) as refused:
        opp.opportunity_create(
            company=company,
            by=seller,
            title="",
            party_id=foreign.pk,
            expected_revenue="-1",
            currency="XYZ",
            probability="150",
        )
    assert set(refused.value.errors) >= {"title", "party_id", "expected_revenue", "currency", "probability"}
    assert not Opportunity.objects.exists()


def test_stage_crud_and_delete_refused_while_it_holds_opportunities(
    pipeline, stages, make_opportunity, seller
):
    extra = pipeline_services.stage_create(pipeline=pipeline, by=seller, name="Demo", probability=50)
    assert extra.sequence == 60
    with pytest.raises(ValidationFailed):
        pipeline_services.stage_create(pipeline=pipeline, by=seller, name="demo", probability=10)
    deal = make_opportunity(stage_id=stages["Qualified"].pk)
    pipeline_services.stage_update(stage=stages["Qualified"], by=seller, probability=35)
    deal.refresh_from_db()
    assert deal.probability == 35
    with pytest.raises(Conflict):
        pipeline_services.stage_delete(stage=stages["Qualified"], by=seller)
    pipeline_services.stage_delete(stage=extra, by=seller)
    assert not Stage.objects.filter(pk=extra.pk).exists()
    order = [stages[name].pk for name in ("Qualified", "New", "Proposition", "Negotiation", "Won")]
    pipeline_services.stages_reorder(pipeline=pipeline, stage_ids=order, by=seller)
    assert list(pipeline.stages.order_by("sequence").values_list("pk", flat=True)) == order
    with pytest.raises(Conflict):
        pipeline_services.pipeline_delete(pipeline=pipeline, by=seller)
