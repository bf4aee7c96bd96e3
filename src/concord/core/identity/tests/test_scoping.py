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


def test_a_streamed_body_is_produced_inside_the_users_company_scope(rf, company, make_user):
    import asyncio
    from collections.abc import AsyncIterator, Iterator

    from django.http import StreamingHttpResponse

    from concord.core.identity.middleware import CompanyScopeMiddleware

    def chunks():
        yield str(sorted(current_company_ids() or []))  # None (every company) would leak

    async def async_chunks():
        yield str(sorted(current_company_ids() or []))

    request = rf.get("/export.csv")
    request.user = make_user(company=company, roles=(Role.SALES,))
    response = CompanyScopeMiddleware(lambda _request: StreamingHttpResponse(chunks()))(request)
    assert isinstance(response, StreamingHttpResponse)
    assert current_company_ids() is None  # the request is over: nothing leaks into the thread
    content = response.streaming_content
    assert isinstance(content, Iterator)
    assert b"".join(content) == str([company.id]).encode()
    assert current_company_ids() is None

    async_response = CompanyScopeMiddleware(lambda _request: StreamingHttpResponse(async_chunks()))(request)
    assert isinstance(async_response, StreamingHttpResponse)

    async_content = async_response.streaming_content
    assert isinstance(async_content, AsyncIterator)

    async def read() -> bytes:
        return b"".join([chunk async for chunk in async_content])

    assert asyncio.run(read()) == str([company.id]).encode()
