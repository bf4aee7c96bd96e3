import pytest

from concord.core.identity.models import Membership
from concord.core.identity.roles import Role


@pytest.fixture
def companies(make_company):
    """Seven companies, six of them (two Thai-named, two in Cambodia) visible to ``manager``."""
    return {
        "alpha": make_company(name="Alpha Trading", code="alpha"),
        "bravo": make_company(name="Bravo Foods", code="bravo", country="KH", currency="KHR"),
        "coconut": make_company(name="น้ำมันมะพร้าว จำกัด", code="coconut"),
        "delta": make_company(name="Delta Rice", code="delta", country="KH", currency="KHR"),
        "echo": make_company(name="Echo Logistics", code="echo"),
        "thai": make_company(name="มะพร้าวสยาม", code="siam-coco"),
        "hidden": make_company(name="Zulu Hidden", code="zulu"),  # manager is not a member
    }


@pytest.fixture
def manager(make_user, companies):
    user = make_user(username="manager", company=companies["alpha"], roles=(Role.MANAGER,))
    for key, company in companies.items():
        if key not in {"alpha", "hidden"}:
            Membership.objects.create(user=user, company=company, role=Role.MANAGER)
    return user


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
