"""The parties API: CRUD, 409 with duplicates, 422 naming the field, archive, merge, nested parts, overview."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.parties.models import Party, PartyKind
from concord.modules.parties.services import party_create
from concord.modules.parties.tests.conftest import thai_tin

pytestmark = pytest.mark.django_db

API = "/api/v1/parties"


class Api:
    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params)

    def send(self, method: str, path: str, body: Any = None) -> Any:
        data = "" if body is None else json.dumps(body)
        return getattr(self.client, method)(API + path, data, content_type="application/json")


@pytest.fixture
def api(signed_in: Callable[[User], Client]) -> Callable[[User], Api]:
    return lambda user: Api(signed_in(user))


def test_create_get_update_list(api: Callable[[User], Api], seller: User, company: Company) -> None:
    client = api(seller)
    created = client.send(
        "post",
        "/",
        {
            "name": "ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម",
            "country": "KH",
            "tax_id": "k001-901234567",
            "is_customer": True,
            "emails": ["info@angkor.example"],
            "phones": ["012 345 678"],
            "addresses": [{"street": "St. 271", "city": "Khan Chamkarmon", "province": "Phnom Penh"}],
            "tags": ["Cambodia"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tax_id"] == "K001-901234567"
    assert body["language"] == "km"
    assert body["company_id"] == company.pk
    assert body["tags"] == ["Cambodia"]
    assert body["contact_points"][1]["normalized"] == "+85512345678"
    party_id = body["id"]

    assert client.get(f"/{party_id}").json()["name"] == "ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម"
    patched = client.send("patch", f"/{party_id}", {"credit_limit": "1500.50", "is_supplier": True})
    assert patched.status_code == 200
    assert patched.json()["credit_limit"] == "1500.50"
    assert patched.json()["is_supplier"] is True

    party_create(company=company, by=seller, name="Plain Supplier", is_supplier=True)
    listed = client.get("/", is_customer="true")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [party_id]
    assert listed.json()["count"] == 1
    assert client.get("/", q="info@angkor").json()["count"] == 1
    assert client.get("/", tag="cambodia").json()["count"] == 1
    assert client.get("/", kind="person").json()["count"] == 0


def test_create_answers_409_listing_the_duplicates(
    api: Callable[[User], Api], make_party: Callable[..., Party], seller: User
) -> None:
    existing = make_party("Lotus Trading", tax_id=thai_tin(21))
    response = api(seller).send("post", "/", {"name": "Lotus Trading Co., Ltd.", "tax_id": thai_tin(21)})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "duplicate_party"
    assert [d["id"] for d in error["duplicates"]] == [existing.pk]
    assert len(error["duplicates"][0]["reasons"]) == 2
    forced = api(seller).send(
        "post", "/", {"name": "Lotus Trading Co., Ltd.", "tax_id": thai_tin(21), "allow_duplicate": True}
    )
    assert forced.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "tax_id": "0105561000000"}, "tax_id"),
        ({"name": "X", "emails": ["nobody@"]}, "email"),
        ({"name": "X", "country": "XY"}, "country"),
        ({"name": "X", "credit_limit": "-5"}, "credit_limit"),
        ({"name": "X", "unknown": 1}, "unknown"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    api: Callable[[User], Api], seller: User, body: dict[str, Any], field: str
) -> None:
    response = api(seller).send("post", "/", body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not Party.objects.exists()


def test_duplicate_code_is_a_422_on_code(
    api: Callable[[User], Api], make_party: Callable[..., Party], seller: User
) -> None:
    make_party("First", code="A1")
    response = api(seller).send("post", "/", {"name": "Second", "code": "A1"})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["code"]


def test_duplicates_check(api: Callable[[User], Api], make_party: Callable[..., Party], seller: User) -> None:
    existing = make_party("Nakhon Steel", phones=["081 111 2222"])
    response = api(seller).get("/duplicates", phone="+66811112222")
    assert response.status_code == 200
    assert [d["id"] for d in response.json()] == [existing.pk]
    assert api(seller).get("/duplicates", name="Unrelated Name").json() == []


def test_archive_delete_and_merge(
    api: Callable[[User], Api], make_party: Callable[..., Party], seller: User, manager: User
) -> None:
    keep = make_party("Keep Me", emails=["k@keep.example"])
    dup = make_party("Keep Me Too", emails=["k2@keep.example"])
    lonely = make_party("Lonely")
    archived = api(seller).send("post", f"/{keep.pk}/archive")
    assert archived.json()["is_active"] is False
    assert api(seller).send("post", f"/{keep.pk}/unarchive").json()["is_active"] is True

    assert api(seller).send("delete", f"/{lonely.pk}").status_code == 403  # sales may not delete
    assert api(manager).send("delete", f"/{lonely.pk}").json() == {"deleted": True, "archived": False}

    assert api(seller).send("post", f"/{keep.pk}/merge", {"duplicate_id": dup.pk}).status_code == 403
    merged = api(manager).send("post", f"/{keep.pk}/merge", {"duplicate_id": dup.pk})
    assert merged.status_code == 200
    assert merged.json()["moved"] == {"parties.contactpoint.party": 1}
    assert len(merged.json()["survivor"]["contact_points"]) == 2
    assert api(manager).send("post", f"/{keep.pk}/merge", {"duplicate_id": keep.pk}).status_code == 409


def test_merge_with_another_companys_party_is_not_found(
    api: Callable[[User], Api],
    make_party: Callable[..., Party],
    make_company: Callable[..., Company],
    manager: User,
) -> None:
    mine = make_party("Mine")
    theirs = party_create(company=make_company(name="Theirs", code="theirs"), by=None, name="Mine")
    response = api(manager).send("post", f"/{mine.pk}/merge", {"duplicate_id": theirs.pk})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_nested_addresses_and_contact_points(
    api: Callable[[User], Api], make_party: Callable[..., Party], seller: User
) -> None:
    party = make_party("Nested")
    client = api(seller)
    address = client.send("post", f"/{party.pk}/addresses", {"street": "88 Sathorn", "kind": "shipping"})
    assert address.status_code == 201
    address_id = address.json()["id"]
    assert (
        client.send("patch", f"/{party.pk}/addresses/{address_id}", {"city": "Sathorn"}).json()["city"]
        == "Sathorn"
    )
    bad = client.send("post", f"/{party.pk}/contact-points", {"kind": "email", "value": "nope"})
    assert bad.status_code == 422
    assert "value" in bad.json()["error"]["fields"]
    contact = client.send("post", f"/{party.pk}/contact-points", {"kind": "mobile", "value": "0899999999"})
    assert contact.json()["normalized"] == "+66899999999"
    assert len(client.get(f"/{party.pk}/contact-points").json()) == 1
    assert client.send("delete", f"/{party.pk}/addresses/{address_id}").status_code == 204
    assert client.get(f"/{party.pk}/addresses").json() == []


def test_overview_returns_header_panels_and_timeline(
    api: Callable[[User], Api], make_party: Callable[..., Party], seller: User
) -> None:
    organization = make_party("Overview Org", credit_limit="9000", emails=["o@overview.example"])
    make_party("Khun View", kind=PartyKind.PERSON, organization=organization)
    response = api(seller).get(f"/{organization.pk}/overview")
    assert response.status_code == 200
    body = response.json()
    assert body["party"]["name"] == "Overview Org"
    assert body["header"] == {"credit_limit": "9000.00", "company_currency": "THB", "balance": None}
    panels = {panel["key"]: panel for panel in body["panels"]}
    keys = list(panels)  # other installed modules (accounting) add their panels in between
    assert (keys[0], keys[-1]) == ("parties.contacts", "parties.timeline")
    assert panels["parties.contacts"]["data"]["people"][0]["name"] == "Khun View"
    titles = [entry["title"] for entry in body["timeline"]]
    assert "Party created" in titles
    assert "Created" in titles

    # the timeline is built once and shared: the panel's data and the top-level timeline agree
    def moments(entries: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
        return [(entry["source"], entry["title"], entry["detail"], entry["actor"]) for entry in entries]

    assert moments(panels["parties.timeline"]["data"]["entries"]) == moments(body["timeline"])


def test_other_company_and_no_permission(
    api: Callable[[User], Api],
    make_company: Callable[..., Company],
    make_user: Callable[..., User],
    company: Company,
    seller: User,
) -> None:
    theirs = party_create(company=make_company(name="Far Away", code="far"), by=None, name="Far Party")
    assert api(seller).get(f"/{theirs.pk}").status_code == 404
    assert api(seller).get(f"/{theirs.pk}/overview").status_code == 404
    portal = make_user(company=company, roles=(Role.PORTAL,), username="customer")
    assert api(portal).get("/").status_code == 403
    assert api(portal).send("post", "/", {"name": "Sneaky"}).status_code == 403
