"""One record per real thing: the same Party seen by the parties 360° page, the global search (core.search)
and the audit trail (core.audit); after a merge, search knows only the survivor."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.parties.models import Party
from concord.modules.parties.services import party_create, party_merge, party_update

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
    return client


def test_one_party_is_the_same_record_in_every_module(
    company: Company, make_user: Callable[..., User]
) -> None:
    manager = make_user(company=company, roles=(Role.MANAGER,), username="wanida")
    seller = make_user(company=company, roles=(Role.SALES,), username="kittisak")
    party = party_create(
        company=company,
        by=seller,
        name="ห้างหุ้นส่วนจำกัด ดอยตุง คอฟฟี่",
        is_customer=True,
        emails=["order@doitung.example"],
    )
    party_update(party=party, by=manager, credit_limit="75000")
    detail_url = reverse("parties:detail", args=[party.pk])

    # parties: the 360° page
    page = _signed_in(seller).get(detail_url)
    assert page.status_code == 200
    assert "ห้างหุ้นส่วนจำกัด ดอยตุง คอฟฟี่" in page.content.decode()

    # core.search: the global search box finds it by a Thai word inside the name, linking to that page
    results = _signed_in(seller).get(reverse("web:search"), {"q": "ดอยตุง"}).content.decode()
    assert detail_url in results
    assert "<mark>ดอยตุง</mark>" in results

    # core.audit: the trail shows both writes on the same record, by the two people who made them
    history_url = reverse("audit:object_history", args=["parties", "party", party.pk])
    history = _signed_in(manager).get(history_url)
    assert history.status_code == 200
    html = history.content.decode()
    assert "ห้างหุ้นส่วนจำกัด ดอยตุง คอฟฟี่" in html
    assert "wanida" in html
    assert "kittisak" in html
    assert "credit limit" in html  # the change to the credit limit, as recorded
    assert "75000" in html


def test_after_a_merge_every_module_sees_only_the_survivor(
    company: Company, make_user: Callable[..., User]
) -> None:
    manager = make_user(company=company, roles=(Role.MANAGER,), username="wanida")
    survivor = party_create(
        company=company, by=manager, name="Ratchaburi Pottery Co., Ltd.", is_customer=True
    )
    duplicate = party_create(
        company=company,
        by=manager,
        name="Ratchaburi Pottery",
        emails=["ask@pottery.example"],
        allow_duplicate=True,
    )
    client = _signed_in(manager)
    before = client.get(reverse("web:search"), {"q": "Ratchaburi"}).content.decode()
    assert reverse("parties:detail", args=[duplicate.pk]) in before

    party_merge(survivor=survivor, duplicate=duplicate, by=manager)

    after = client.get(reverse("web:search"), {"q": "Ratchaburi"}).content.decode()
    assert reverse("parties:detail", args=[survivor.pk]) in after
    assert reverse("parties:detail", args=[duplicate.pk]) not in after
    by_email = client.get(reverse("web:search"), {"q": "ask@pottery"}).content.decode()
    assert reverse("parties:detail", args=[survivor.pk]) in by_email
    page = client.get(reverse("parties:detail", args=[survivor.pk])).content.decode()
    assert "ask@pottery.example" in page
    history = client.get(
        reverse("audit:object_history", args=["parties", "party", duplicate.pk])
    ).content.decode()
    assert "merged_into" in history
    assert Party.objects.get(pk=duplicate.pk).is_active is False
