"""The party 360° page stays within the per-page query budget (issue 3: at most 10 queries a page, 12 with the accounting panel, 13 with inventory's).

The CRM "Opportunities" and the "Sales" panels add one each: 15 (the helpdesk's "Support" panel one more
for users who may see tickets). The top bar's notification bell costs the page nothing: its badge loads
by htmx after the page.

Core's share (session, user with 2FA enrolment, one read of the memberships) is pinned in
``concord.core.web.tests.test_query_budget``; this checks a full module page on top of it, for a normal
user with two roles in two companies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from concord.core.identity.models import Company, Membership, User
from concord.core.identity.roles import Role
from concord.modules.parties.services import party_create

pytestmark = pytest.mark.django_db

# issue 3's 10 for core and parties, plus 2 for the accounting panel (documents; open items and balance),
# plus 1 for the inventory panel (the partner's latest receipts and deliveries), plus 1 each for the
# opportunities and the sales panels
PAGE_BUDGET = 15


def test_party_page_stays_within_budget(
    make_company: Callable[..., Company],
    make_user: Callable[..., User],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    siam = make_company(name="Siam Trading", code="stc")
    mekong = make_company(name="Mekong Foods", code="mkf")
    seller = make_user(company=siam, roles=(Role.SALES,), username="kittisak")
    Membership.objects.create(user=seller, company=mekong, role=Role.MANAGER)
    party = party_create(
        company=siam,
        by=seller,
        name="ห้างหุ้นส่วนจำกัด ดอยตุง คอฟฟี่",
        is_customer=True,
        emails=["order@doitung.example"],
    )
    client = Client()
    client.force_login(seller, backend="concord.core.identity.backends.RoleBackend")
    client.get(reverse("web:home"))  # a returning user: session and caches warm

    with django_assert_max_num_queries(PAGE_BUDGET):
        page = client.get(reverse("parties:detail", args=[party.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "ห้างหุ้นส่วนจำกัด ดอยตุง คอฟฟี่" in html
    assert "order@doitung.example" in html
    assert "Mekong Foods" in html  # the company switcher, drawn from the request's one membership read
