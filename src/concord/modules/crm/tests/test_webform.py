"""The public web form: a visitor's lead, the honeypot, the rate limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from concord.modules.crm.models import Lead, LeadSource
from concord.modules.crm.services.campaigns import campaign_create, lead_form_create
from concord.modules.crm.webform import RATE_LIMIT

pytestmark = pytest.mark.django_db


@pytest.fixture
def web_form(company, seller):
    cache.clear()
    campaign = campaign_create(company=company, by=None, name="Bangkok Food Fair", channel="event")
    return lead_form_create(
        company=company, by=None, name="Contact us", campaign_id=campaign.pk, owner=seller
    )


def test_a_visitor_creates_a_lead_and_a_bot_filling_the_honeypot_stores_nothing(client, web_form, seller):
    url = reverse("crm:public-form", args=[web_form.token])
    page = client.get(url)
    assert page.status_code == 200
    assert "X-Frame-Options" not in page.headers
    assert 'name="website"' in page.content.decode()

    sent = client.post(url, {"contact_name": "Nok", "email": "Nok@Lotus.example", "message": "Need 30 woks"})
    assert sent.status_code == 200
    assert 'data-testid="thanks"' in sent.content.decode()
    lead = Lead.objects.get()
    assert lead.source == LeadSource.WEB_FORM
    assert lead.campaign_id == web_form.campaign_id
    assert lead.email == "nok@lotus.example"
    assert lead.owner == seller
    assert lead.notes == "Need 30 woks"

    bot = client.post(
        url, {"contact_name": "Bot", "email": "bot@spam.example", "website": "http://spam.example"}
    )
    assert bot.status_code == 200
    assert 'data-testid="thanks"' in bot.content.decode()
    assert Lead.objects.count() == 1

    invalid = client.post(url, {"contact_name": "No contact"})
    assert invalid.status_code == 400
    assert Lead.objects.count() == 1
    assert client.get(reverse("crm:public-form", args=["nope"])).status_code == 404


def test_more_than_the_limit_per_ip_is_429(client, web_form):
    url = reverse("crm:public-form", args=[web_form.token])
    for index in range(RATE_LIMIT):
        answer = client.post(
            url, {"contact_name": f"V{index}", "email": f"v{index}@example.com"}, REMOTE_ADDR="198.51.100.7"
        )
        assert answer.status_code == 200
    refused = client.post(
        url, {"contact_name": "Late", "email": "late@example.com"}, REMOTE_ADDR="198.51.100.7"
    )
    assert refused.status_code == 429
    assert Lead.objects.count() == RATE_LIMIT
    other_ip = client.post(
        url, {"contact_name": "Else", "email": "else@example.com"}, REMOTE_ADDR="198.51.100.8"
    )
    assert other_ip.status_code == 200
    assert Lead.objects.count() == RATE_LIMIT + 1
