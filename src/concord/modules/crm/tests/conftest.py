"""Fixtures of CRM's tests: a sales user, a manager, a customer and an opportunity on the default board."""

from __future__ import annotations

import pytest

from concord.core.identity.roles import Role
from concord.modules.crm.services.opportunities import opportunity_create
from concord.modules.crm.services.pipelines import pipeline_default


@pytest.fixture
def seller(make_user, company):
    return make_user(company=company, roles=(Role.SALES,), username="somchai")


@pytest.fixture
def manager(make_user, company):
    return make_user(company=company, roles=(Role.MANAGER,), username="manager")


@pytest.fixture
def customer(make_partner, company):
    return make_partner(company, name="Chao Phraya Foods Co., Ltd.", is_supplier=False)


@pytest.fixture
def pipeline(company):
    return pipeline_default(company)


@pytest.fixture
def stages(pipeline):
    return {stage.name: stage for stage in pipeline.stages.order_by("sequence")}


@pytest.fixture
def make_opportunity(company, customer, seller, pipeline):
    def make(title="Fleet renewal", **fields):
        fields.setdefault("party_id", customer.pk)
        fields.setdefault("expected_revenue", "100000")
        return opportunity_create(company=company, by=seller, title=title, **fields)

    return make


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in
