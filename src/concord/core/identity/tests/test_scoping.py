from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.core.identity.scope import company_scope, current_company_ids


def test_user_company_ids_only_active_memberships(make_company, make_user):
    first, second, third = make_company(), make_company(), make_company(is_active=False)
    user = make_user(company=first, roles=(Role.SALES,))
    user.memberships.create(company=second, role=Role.SUPPORT, is_active=False)
    user.memberships.create(company=third, role=Role.SUPPORT)
    assert user.company_ids() == [first.id]
    assert user.roles_in(first.id) == {"sales"}


def test_company_scope_is_restored_after_block(company):
    assert current_company_ids() is None
    with company_scope([company.id]) as ids:
        assert current_company_ids() == ids == frozenset({company.id})
    assert current_company_ids() is None


def test_superuser_sees_all_companies(make_company):
    make_company()
    make_company()
    admin = User.objects.create_superuser(username="root", password="x" * 12)
    assert set(admin.companies()) == set(Company.objects.all())


def test_system_scope_lifts_filtering_inside_a_company_scope(company):
    from concord.core.identity.scope import system_scope

    with company_scope([company.id]):
        with system_scope():
            assert current_company_ids() is None
        assert current_company_ids() == frozenset({company.id})
