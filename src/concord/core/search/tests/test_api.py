"""GET /api/v1/search: the answer's shape, authentication and input checks."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse, reverse_lazy

from concord.core.identity.roles import Role
from concord.core.identity.tokens import access_token_create
from concord.core.search.tests.conftest import PRODUCT, SECRET

URL = reverse_lazy("api:search")


@pytest.fixture
def seller(make_user, company):
    return make_user(company=company, roles=(Role.SALES,))


@pytest.fixture
def api(client: Client, seller) -> Client:
    client.force_login(seller)
    return client


def test_search_answers_items_and_count(api, index_doc, company):
    index_doc(company=company, title="น้ำมันมะพร้าวสกัดเย็น", subtitle="500 ml", object_id="77")
    index_doc(company=company, title="Coconut <b>chips</b>", codes=("มะพร้าว-CH",))
    index_doc(company=company, title="มะพร้าว secret", kind=SECRET)

    response = api.get(URL, {"q": "มะพร้าว"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert len(body["items"]) == 2
    first = next(item for item in body["items"] if item["object_id"] == "77")
    assert first == {
        "kind": PRODUCT,
        "kind_label": "Test products",
        "object_id": "77",
        "title": "น้ำมันมะพร้าวสกัดเย็น",
        "subtitle": "500 ml",
        "url": f"/test/{PRODUCT}/77/",
        "highlight": "น้ำมัน<mark>มะพร้าว</mark>สกัดเย็น",
        "score": first["score"],
    }
    assert isinstance(first["score"], float)
    chips = next(item for item in body["items"] if item["object_id"] != "77")
    assert chips["highlight"] == "<mark>มะพร้าว</mark>-CH"


def test_kinds_and_limit_narrow_the_answer(api, index_doc, company):
    for n in range(5):
        index_doc(company=company, title=f"Coconut {n}")

    assert api.get(URL, {"q": "coconut", "limit": 3}).json()["count"] == 3
    assert api.get(URL, {"q": "coconut", "kinds": SECRET}).json() == {"items": [], "count": 0}
    assert api.get(URL, {"q": "coconut", "kinds": f"{SECRET}, {PRODUCT}"}).json()["count"] == 5


def test_a_token_works_too(index_doc, company, seller):
    index_doc(company=company, title="Coconut")
    _token, raw = access_token_create(user=seller, name="tests")

    response = Client().get(URL, {"q": "coco"}, headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_search_needs_authentication(client, index_doc, company):
    index_doc(company=company, title="Coconut")

    response = client.get(URL, {"q": "coconut"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "x" * 201},
        {"q": "coconut", "limit": 51},
        {"q": "coconut", "limit": 0},
        {"q": "a", "limit": "many"},
    ],
)
def test_bad_input_is_a_422(api, test_kinds, params):
    response = api.get(URL, params)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"


def test_the_endpoint_is_in_the_openapi_schema(api):
    schema = api.get("/api/v1/openapi.json").json()

    operation = schema["paths"][str(URL)]["get"]
    assert {param["name"] for param in operation["parameters"]} == {"q", "kinds", "limit"}


def test_the_path_is_the_documented_one():
    # The issue names /api/v1/search; needs the module routers mounted without a trailing slash.
    assert reverse("api:search") == "/api/v1/search"
