import pytest

from concord.core.identity.permissions import PermissionArea, permissions_for_roles, register_area
from concord.core.identity.roles import Role
from concord.core.identity.scope import company_scope
from concord.core.registry import RegistryFrozenError


def test_roles_grant_declared_permissions():
    assert "outbox.replay" in permissions_for_roles({Role.IT})
    assert "outbox.replay" not in permissions_for_roles({Role.SALES})
    assert "audit.view" in permissions_for_roles({Role.ACCOUNTANT})


def test_admin_role_gets_every_permission():
    codes = permissions_for_roles({Role.ADMIN})
    assert {"companies.delete", "users.add", "outbox.replay"} <= codes


def test_has_perm_uses_roles_in_the_objects_company(make_company, make_user):
    mine, other = make_company(), make_company()
    user = make_user(company=mine, roles=(Role.IT,))

    class Row:
        class _meta:  # noqa: N801 - mimics a model's _meta for the backend
            app_label = "tests"
            model_name = "row"

        def __init__(self, company_id):
            self.company_id = company_id

    assert user.has_perm("outbox.replay", Row(mine.id))
    assert not user.has_perm("outbox.replay", Row(other.id))
    with company_scope([other.id]):
        assert not user.has_perm("outbox.replay")


def test_registering_after_startup_is_refused():
    with pytest.raises(RegistryFrozenError):
        register_area(PermissionArea(area="late", label="Late"))


def test_unknown_role_in_grants_is_rejected():
    with pytest.raises(ValueError, match="unknown roles"):
        register_area(PermissionArea(area="bad", label="Bad", grants={"wizard": frozenset({"view"})}))
