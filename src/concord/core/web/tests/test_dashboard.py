from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from concord.core.audit.models import AuditEntry
from concord.core.identity.models import Company, Membership
from concord.core.identity.roles import Role
from concord.core.outbox.models import OutboxEvent
from concord.core.registry import DashboardWidget, registry, temporary_registration
from concord.core.web.tests.conftest import dashboard_numbers


def test_home_requires_login(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_home_counts_companies_and_active_users(login, make_company, make_user, company):
    me = make_user(company=company, roles=(Role.SALES,))
    client = login(me)
    before = dashboard_numbers(client.get(reverse("web:home")).content.decode())
    assert before["companies"] == 1
    assert before["users"] == 1

    colleague = make_user(company=company, roles=(Role.SUPPORT,))
    make_user(company=company, roles=(Role.SUPPORT,), is_active=False)  # inactive: not counted
    make_user(company=make_company(), roles=(Role.SALES,))  # another company: not counted
    second = make_company()
    Membership.objects.create(user=me, company=second, role=Role.MANAGER)
    Membership.objects.create(user=colleague, company=second, role=Role.SALES)  # counted once

    after = dashboard_numbers(client.get(reverse("web:home")).content.decode())
    assert after["companies"] == 2
    assert after["users"] == 2


def _audit(company, user):
    return AuditEntry.objects.create(
        company=company,
        actor=user,
        action="update",
        content_type=ContentType.objects.get_for_model(Company),
        object_id=str(company.pk),
        object_repr=company.name,
    )


def test_home_counts_todays_audit_entries_of_the_users_companies(login, make_company, make_user, company):
    manager = make_user(company=company, roles=(Role.MANAGER,))
    client = login(manager)  # signing in may itself be audited: count relative to what is there
    before = dashboard_numbers(client.get(reverse("web:home")).content.decode())["audit_today"]
    _audit(company, manager)
    _audit(company, manager)
    _audit(make_company(), manager)  # a company the manager is not in
    after = dashboard_numbers(client.get(reverse("web:home")).content.decode())["audit_today"]
    assert after - before == 2


def test_home_counts_outbox_backlog_for_it(login, make_company, make_user, company):
    client = login(make_user(company=company, roles=(Role.IT,)))
    before = dashboard_numbers(client.get(reverse("web:home")).content.decode())
    OutboxEvent.objects.create(event_type="test.pending", company=company)
    OutboxEvent.objects.create(event_type="test.system")  # no company: a system event, counted
    OutboxEvent.objects.create(event_type="test.failed", company=company, status="failed")
    OutboxEvent.objects.create(event_type="test.elsewhere", company=make_company(), status="failed")
    OutboxEvent.objects.create(event_type="test.other", company=make_company())
    after = dashboard_numbers(client.get(reverse("web:home")).content.decode())
    assert after["outbox_pending"] - before["outbox_pending"] == 2
    assert after["outbox_failed"] - before["outbox_failed"] == 1


def test_audit_and_outbox_counts_need_their_permissions(login, make_user, company):
    sales = make_user(company=company, roles=(Role.SALES,))
    numbers = dashboard_numbers(login(sales).get(reverse("web:home")).content.decode())
    assert set(numbers) == {"companies", "users"}


def test_superuser_counts_every_company(login, make_company, make_user):
    make_company()
    make_company()
    root = make_user(is_superuser=True, is_staff=True)
    numbers = dashboard_numbers(login(root).get(reverse("web:home")).content.decode())
    assert numbers["companies"] == Company.objects.filter(is_active=True).count() == 2


def test_dashboard_shows_registered_widgets_the_user_may_see(login, make_user, company):
    sales = make_user(company=company, roles=(Role.SALES,))
    widget = DashboardWidget(
        title="Orders to ship",
        template="web/partials/widget_list.html",
        context=lambda request: {"rows": [("Waiting", 1234, "")], "user": request.user},
        permission="currencies.view",
    )
    hidden = DashboardWidget(
        title="Secret books",
        template="web/partials/widget_list.html",
        context=lambda request: {"rows": []},
        permission="audit.view",
    )
    with (
        temporary_registration(registry.dashboard_widgets, "test-orders", widget),
        temporary_registration(registry.dashboard_widgets, "test-secret", hidden),
    ):
        html = login(sales).get(reverse("web:home")).content.decode()
    assert 'data-widget="test-orders"' in html
    assert "Orders to ship" in html
    assert "1,234" in html
    assert "Secret books" not in html
