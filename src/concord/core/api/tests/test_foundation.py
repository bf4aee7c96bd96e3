"""The API's shape: OpenAPI and docs, the common error body, status codes, pagination and ordering."""

from __future__ import annotations

import pytest
from django.test import Client

from concord.core.api.tests.helpers import ApiClient, error_of
from concord.core.identity.models import Company
from concord.core.identity.roles import Role

EXPECTED_PATHS = {
    "/api/v1/me",
    "/api/v1/companies",
    "/api/v1/companies/{company_id}",
    "/api/v1/users",
    "/api/v1/users/{user_id}",
    "/api/v1/users/{user_id}/memberships",
    "/api/v1/users/{user_id}/memberships/{membership_id}",
    "/api/v1/tokens",
    "/api/v1/tokens/{token_id}",
    "/api/v1/audit/entries",
    "/api/v1/outbox/events",
    "/api/v1/outbox/events/{event_id}",
    "/api/v1/outbox/events/{event_id}/replay",
}


@pytest.fixture
def superuser_client(make_user, token_client):
    return token_client(make_user(is_superuser=True))


def test_openapi_lists_every_endpoint_with_both_auth_schemes(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Concord API"
    assert set(schema["paths"]) >= EXPECTED_PATHS
    schemes = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}
    list_companies = schema["paths"]["/api/v1/companies"]["get"]
    parameters = {parameter["name"] for parameter in list_companies["parameters"]}
    assert {"page", "page_size", "ordering", "q", "country"} <= parameters
    assert "ErrorOut" in schema["components"]["schemas"]


def test_docs_page_renders(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
    assert b"cdn." not in response.content  # Swagger UI is served from the vendored ninja static files


def test_unknown_api_path_is_a_json_404(db):
    response = Client().get("/api/v1/no/such/thing")
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "not_found"
    assert "/api/v1/no/such/thing" in error["message"]


def test_wrong_method_is_405(superuser_client):
    assert superuser_client.send("PUT", "/me").status_code == 405


def test_wrong_types_are_422_naming_each_field(superuser_client):
    response = superuser_client.post(
        "/companies", {"name": "Angkor", "code": "angkor", "country": ["KH"], "currency": 5}
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"country", "currency"}
    assert "country" in error["message"]
    assert not Company.objects.filter(code="angkor").exists()


def test_missing_field_is_422_naming_it(superuser_client):
    response = superuser_client.post("/companies", {"name": "Angkor", "country": "KH", "currency": "KHR"})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"code"}


def test_wrong_query_type_is_422_naming_it(superuser_client):
    response = superuser_client.get("/companies", {"page": "two"})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"page"}


def test_wrong_path_type_is_422_naming_it(superuser_client):
    response = superuser_client.get("/companies/abc")
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"company_id"}


def test_malformed_json_is_400_saying_so(superuser_client):
    response = superuser_client.post("/companies", raw='{"name": "Angkor", ')
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "malformed_body"
    assert "JSON" in error["message"]


def test_json_that_is_not_an_object_is_422(superuser_client):
    response = superuser_client.post("/companies", raw="[1, 2]")
    assert response.status_code == 422
    assert error_of(response)["code"] == "validation_failed"


def test_domain_validation_is_422_with_its_field(superuser_client):
    response = superuser_client.post(
        "/companies",
        {"name": "Angkor", "code": "angkor", "country": "KH", "currency": "KHR", "timezone": "Mars/Base"},
    )
    assert response.status_code == 422
    assert "timezone" in error_of(response)["fields"]
    assert not Company.objects.filter(code="angkor").exists()


def test_duplicate_company_code_is_409(superuser_client, company):
    response = superuser_client.post(
        "/companies", {"name": "Another Siam", "code": company.code, "country": "TH", "currency": "THB"}
    )
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "identity_duplicate"
    assert "code" in error["fields"]
    assert Company.objects.filter(code=company.code).count() == 1


def test_missing_permission_is_403_and_changes_nothing(make_user, company, token_client):
    client = token_client(make_user(company=company, roles=(Role.SALES,)))
    response = client.post(
        "/companies", {"name": "Angkor", "code": "angkor", "country": "KH", "currency": "KHR"}
    )
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "permission_denied"
    assert "companies.add" in error["message"]
    assert not Company.objects.filter(code="angkor").exists()


# --------------------------------------------------------------------------- pagination
@pytest.fixture
def five_companies(make_company):
    return [make_company(code=f"p{n}", name=f"Paged {n}") for n in range(5)]


def test_pagination_pages_and_counts(superuser_client, five_companies):
    response = superuser_client.get("/companies", {"page": 2, "page_size": 2, "ordering": "code"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert body["page"] == 2
    assert body["page_size"] == 2
    assert [item["code"] for item in body["items"]] == ["p2", "p3"]


def test_pagination_past_the_end_is_empty(superuser_client, five_companies):
    body = superuser_client.get("/companies", {"page": 9, "page_size": 2}).json()
    assert body["items"] == []
    assert body["count"] == 5


def test_pagination_defaults_to_the_configured_page_size(superuser_client, five_companies, settings):
    settings.CONCORD_API_PAGE_SIZE = 3
    body = superuser_client.get("/companies").json()
    assert body["page"] == 1
    assert body["page_size"] == 3
    assert len(body["items"]) == 3


def test_page_size_over_the_maximum_is_422(superuser_client, five_companies, settings):
    settings.CONCORD_API_MAX_PAGE_SIZE = 4
    response = superuser_client.get("/companies", {"page_size": 5})
    assert response.status_code == 422
    error = error_of(response)
    assert set(error["fields"]) == {"page_size"}
    assert "4" in error["message"]
    assert superuser_client.get("/companies", {"page_size": 4}).status_code == 200


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page": -1}])
def test_page_and_page_size_start_at_one(superuser_client, params):
    response = superuser_client.get("/companies", params)
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == set(params)


def test_ordering_follows_the_request(superuser_client, five_companies):
    body = superuser_client.get("/companies", {"ordering": "-code", "page_size": 3}).json()
    assert [item["code"] for item in body["items"]] == ["p4", "p3", "p2"]


def test_ordering_by_an_unlisted_field_is_422(superuser_client, five_companies):
    response = superuser_client.get("/companies", {"ordering": "tax_id"})
    assert response.status_code == 422
    error = error_of(response)
    assert set(error["fields"]) == {"ordering"}
    assert "code" in error["message"]


def test_filters_narrow_the_list(superuser_client, five_companies, make_company):
    make_company(code="kh1", name="Phnom Penh Trading", country="KH", currency="KHR")
    body = superuser_client.get("/companies", {"country": "kh"}).json()
    assert [item["code"] for item in body["items"]] == ["kh1"]
    body = superuser_client.get("/companies", {"q": "paged 3"}).json()
    assert [item["code"] for item in body["items"]] == ["p3"]


def test_every_list_endpoint_is_paginated(make_user, company, token_client):
    client = token_client(make_user(is_superuser=True))
    for path in ("/companies", "/users", "/tokens", "/audit/entries", "/outbox/events"):
        body = client.get(path, {"page_size": 1}).json()
        assert set(body) == {"items", "count", "page", "page_size"}, path
        assert body["page_size"] == 1, path


def test_error_body_for_api_client_without_credentials_on_every_endpoint(db):
    client = ApiClient(Client())
    for path in ("/me", "/companies", "/users", "/tokens", "/audit/entries", "/outbox/events"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert error_of(response)["code"] == "not_authenticated"


def test_api_root_points_to_the_docs(db):
    response = Client().get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "name": "Concord API",
        "version": "1",
        "docs": "/api/v1/docs",
        "openapi": "/api/v1/openapi.json",
    }
