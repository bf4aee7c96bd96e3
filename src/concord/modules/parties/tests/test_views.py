"""Party screens: lists, the 360° page (and its query budget), the form with inline validation, merge."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.core.registry import registry, temporary_registration
from concord.core.web.testing import unlabelled_fields
from concord.modules.parties.models import Party, PartyKind
from concord.modules.parties.panels import PartyPanel
from concord.modules.parties.services import party_create
from concord.modules.parties.tests.conftest import thai_tin

pytestmark = pytest.mark.django_db


def test_customer_list_shows_only_customers(
    make_party: Callable[..., Party], seller: User, signed_in: Callable[[User], Client]
) -> None:
    make_party("Buyer One", is_customer=True, emails=["one@buyer.example"])
    make_party("Vendor Two", is_supplier=True)
    client = signed_in(seller)
    page = client.get(reverse("parties:customers"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Buyer One" in html
    assert "one@buyer.example" in html
    assert "Vendor Two" not in html
    assert reverse("dataio:upload", args=["parties.party"]) in html
    assert unlabelled_fields(html) == []
    suppliers = client.get(reverse("parties:suppliers")).content.decode()
    assert "Vendor Two" in suppliers
    assert "Buyer One" not in suppliers
    found = client.get(reverse("parties:list"), {"q": "one@buyer"}).content.decode()
    assert "Buyer One" in found
    assert "Vendor Two" not in found


def test_detail_page_shows_header_panels_and_timeline_within_the_query_budget(
    make_party: Callable[..., Party],
    seller: User,
    signed_in: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    organization = make_party(
        "Siam Paragon Foods",
        is_customer=True,
        tax_id=thai_tin(9),
        credit_limit="250000",
        emails=["ap@paragon.example"],
        phones=["02 610 8000"],
        addresses=[{"street": "991 Rama I Rd", "city": "Pathum Wan", "province": "Bangkok"}],
        tags=["VIP", "Retail"],
    )
    for number in range(3):
        make_party(f"Buyer {number}", kind=PartyKind.PERSON, organization=organization)
    client = signed_in(seller)
    client.get(reverse("web:home"))  # the session and language are settled before counting
    # 8 for the page (party, addresses, contacts, tags, roles, people, audit entries, events), 8 for
    # the session, the sign-in checks and the shell (navigation, company switcher), and 2 for the
    # accounting panel (the partner's documents, their open items, which also give the header balance),
    # and 1 for the inventory panel (the partner's latest receipts and deliveries).
    with django_assert_max_num_queries(19):
        page = client.get(reverse("parties:detail", args=[organization.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Siam Paragon Foods", thai_tin(9), "ap@paragon.example", "991 Rama I Rd", "Buyer 2", "VIP"):
        assert text in html
    assert "Contacts &amp; addresses" in html
    assert "Timeline" in html
    assert "Party created" in html
    assert 'id="party-credit-limit"' in html
    assert 'id="party-balance"' not in html  # no module provides a balance yet: none is shown
    assert unlabelled_fields(html) == []


def test_detail_page_queries_do_not_grow_with_contacts(
    make_party: Callable[..., Party],
    seller: User,
    signed_in: Callable[[User], Client],
) -> None:
    small = make_party("Small", emails=["a@small.example"])
    big = make_party(
        "Big",
        emails=[f"p{n}@big.example" for n in range(8)],
        phones=[f"08123456{n:02d}" for n in range(8)],
        addresses=[{"street": f"{n} Road"} for n in range(5)],
        tags=[f"T{n}" for n in range(5)],
    )
    client = signed_in(seller)
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as small_queries:
        client.get(reverse("parties:detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as big_queries:
        client.get(reverse("parties:detail", args=[big.pk]))
    assert len(big_queries) == len(small_queries)


def test_a_panel_registered_by_another_module_shows_with_its_balance(
    make_party: Callable[..., Party], seller: User, signed_in: Callable[[User], Client]
) -> None:
    party = make_party("Panelled")
    panel = PartyPanel(
        key="test.orders",
        title="Orders (test)",
        template="parties/panels/timeline.html",
        context=lambda request, party: {"timeline": []},
        data=lambda user, party: {"orders": 2},
        permission="parties.view",
        order=50,
        balance=lambda user, party: Decimal("1234.50"),
    )
    with temporary_registration(registry.party_panels, panel.key, panel):
        html = signed_in(seller).get(reverse("parties:detail", args=[party.pk])).content.decode()
    assert "Orders (test)" in html
    assert 'id="party-balance"' in html
    assert "1,234.50" in html


def test_create_form_validates_inline_and_saves(
    company: Company, seller: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(seller)
    form_page = client.get(reverse("parties:create"), {"is_customer": "1"})
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert unlabelled_fields(html) == []
    assert 'hx-post="/parties/validate/"' in html

    partial = client.post(
        reverse("parties:validate"), {"_field": "tax_id", "name": "X", "country": "TH", "tax_id": "12345"}
    )
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.startswith('<div id="field-tax_id"')
    assert "not a valid Thai tax ID" in body
    assert "is-invalid" in body
    ok = client.post(
        reverse("parties:validate"), {"_field": "tax_id", "country": "TH", "tax_id": thai_tin(5)}
    )
    assert "invalid-feedback" not in ok.content.decode()

    data = {
        "kind": "organization",
        "name": "ร้านอาหาร บ้านสวน",
        "country": "TH",
        "tax_id": thai_tin(5),
        "language": "th",
        "currency": "THB",
        "payment_terms_days": "30",
        "credit_limit": "10000",
        "is_customer": "on",
        "email": "owner@baansuan.example",
        "street": "12 Soi Ari",
        "city": "Phaya Thai",
        "tags": "Horeca, Bangkok",
    }
    created = client.post(reverse("parties:create"), data)
    assert created.status_code == 302
    party = Party.objects.get(name="ร้านอาหาร บ้านสวน")
    assert created["Location"] == reverse("parties:detail", args=[party.pk])
    assert party.is_customer
    assert party.payment_terms_days == 30
    assert party.contact_points.get().value == "owner@baansuan.example"


def test_create_without_javascript_shows_field_errors_and_saves_nothing(
    seller: User, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(seller).post(
        reverse("parties:create"),
        {
            "kind": "organization",
            "name": "Bad",
            "country": "TH",
            "tax_id": "1",
            "email": "x@",
            "language": "en",
            "currency": "THB",
            "payment_terms_days": "0",
            "credit_limit": "0",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "not a valid Thai tax ID" in html
    assert "not a valid email" in html
    assert not Party.objects.exists()


def test_create_warns_about_duplicates_and_can_be_confirmed(
    make_party: Callable[..., Party], seller: User, signed_in: Callable[[User], Client]
) -> None:
    existing = make_party("Golden Triangle Imports", tax_id=thai_tin(11))
    data = {
        "kind": "organization",
        "name": "Golden Triangle Import",
        "country": "TH",
        "language": "en",
        "currency": "THB",
        "payment_terms_days": "0",
        "credit_limit": "0",
    }
    client = signed_in(seller)
    warned = client.post(reverse("parties:create"), data)
    assert warned.status_code == 409
    html = warned.content.decode()
    assert reverse("parties:detail", args=[existing.pk]) in html
    assert "Create it anyway" in html
    assert Party.objects.count() == 1
    confirmed = client.post(reverse("parties:create"), {**data, "allow_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Party.objects.count() == 2


def test_edit_archive_and_unarchive(
    make_party: Callable[..., Party], seller: User, signed_in: Callable[[User], Client]
) -> None:
    party = make_party("Editable", tags=["A"])
    client = signed_in(seller)
    edit = client.get(reverse("parties:edit", args=[party.pk]))
    assert edit.status_code == 200
    assert unlabelled_fields(edit.content.decode()) == []
    data = {
        "kind": "organization",
        "name": "Edited",
        "country": "TH",
        "language": "en",
        "currency": "THB",
        "payment_terms_days": "15",
        "credit_limit": "0",
        "tags": "A, B",
    }
    assert client.post(reverse("parties:edit", args=[party.pk]), data).status_code == 302
    party.refresh_from_db()
    assert party.name == "Edited"
    assert party.payment_terms_days == 15
    assert sorted(party.tags.values_list("name", flat=True)) == ["A", "B"]
    client.post(reverse("parties:archive", args=[party.pk]))
    party.refresh_from_db()
    assert not party.is_active
    client.post(reverse("parties:unarchive", args=[party.pk]))
    party.refresh_from_db()
    assert party.is_active


def test_contacts_and_addresses_are_added_and_removed_on_the_page(
    make_party: Callable[..., Party], seller: User, signed_in: Callable[[User], Client]
) -> None:
    party = make_party("Reachable")
    client = signed_in(seller)
    client.post(reverse("parties:contact_add", args=[party.pk]), {"kind": "mobile", "value": "089 999 9999"})
    client.post(
        reverse("parties:address_add", args=[party.pk]),
        {"kind": "shipping", "street": "7 Silom Rd", "city": "Bang Rak", "country": "TH"},
    )
    contact = party.contact_points.get()
    assert contact.normalized == "+66899999999"
    assert party.addresses.get().street == "7 Silom Rd"
    client.post(reverse("parties:contact_remove", args=[party.pk, contact.pk]))
    assert not party.contact_points.exists()


def test_without_permission_the_screens_refuse(
    make_party: Callable[..., Party],
    company: Company,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    party = make_party("Secret Supplier")
    portal = make_user(company=company, roles=(Role.PORTAL,), username="portal")
    client = signed_in(portal)
    assert client.get(reverse("parties:list")).status_code == 403
    assert client.get(reverse("parties:detail", args=[party.pk])).status_code == 403
    assert client.get(reverse("parties:create")).status_code == 403
    warehouse = make_user(company=company, roles=(Role.WAREHOUSE,), username="stock")
    client = signed_in(warehouse)
    assert client.get(reverse("parties:detail", args=[party.pk])).status_code == 200
    assert client.post(reverse("parties:archive", args=[party.pk])).status_code == 403
    assert client.get(reverse("parties:merge", args=[party.pk])).status_code == 403


def test_another_companys_party_is_not_found(
    make_company: Callable[..., Company], seller: User, signed_in: Callable[[User], Client]
) -> None:
    other = make_company(name="Other Co", code="other")
    theirs = party_create(company=other, by=None, name="Not Yours")
    client = signed_in(seller)
    assert client.get(reverse("parties:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("parties:archive", args=[theirs.pk])).status_code == 404
    assert "Not Yours" not in client.get(reverse("parties:list")).content.decode()


def test_merge_screen_previews_then_merges(
    make_party: Callable[..., Party], manager: User, signed_in: Callable[[User], Client]
) -> None:
    survivor = make_party("Andaman Seafood Co., Ltd.", emails=["hello@andaman.example"])
    duplicate = make_party("Andaman Seafood", emails=["hello@andaman.example", "ops@andaman.example"])
    make_party("Khun Ploy", kind=PartyKind.PERSON, organization=duplicate)
    client = signed_in(manager)
    page = client.get(reverse("parties:merge", args=[survivor.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Andaman Seafood (" in html  # offered as a likely duplicate
    assert unlabelled_fields(html) == []
    preview = client.get(reverse("parties:merge", args=[survivor.pk]), {"duplicate": duplicate.pk})
    assert "parties.party.organization" in preview.content.decode()
    done = client.post(
        reverse("parties:merge", args=[survivor.pk]), {"duplicate": duplicate.pk, "confirm": "1"}
    )
    assert done.status_code == 302
    duplicate.refresh_from_db()
    assert not duplicate.is_active
    assert survivor.people.count() == 1
