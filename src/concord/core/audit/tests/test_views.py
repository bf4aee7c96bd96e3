import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from concord.core.audit.models import AuditAction, AuditEntry
from concord.core.audit.services import audit_record
from concord.core.audit.views import PAGE_SIZE
from concord.core.identity.models import User
from concord.core.identity.roles import Role
from concord.core.registry import registry


@pytest.fixture
def trail(make_company, make_user):
    siam = make_company(code="siam", name="Siam Trading")
    angkor = make_company(code="angkor", name="Angkor Rice", country="KH", currency="KHR")
    manager = make_user(username="manager", company=siam, roles=(Role.MANAGER,))
    clerk = make_user(username="clerk", company=siam, roles=(Role.SALES,))
    entries = {
        "rename": audit_record(
            actor=manager, action=AuditAction.UPDATE, obj=siam, changes={"name": ["Siam Co", "Siam Trading"]}
        ),
        "branch": audit_record(
            actor=clerk, action=AuditAction.UPDATE, obj=siam, changes={"branch_code": ["00000", "00001"]}
        ),
        "other": audit_record(
            actor=None, action=AuditAction.CREATE, obj=angkor, changes={"name": [None, "Angkor"]}
        ),
        "global": audit_record(actor=manager, action=AuditAction.CREATE, obj=clerk),
    }
    return {"siam": siam, "angkor": angkor, "manager": manager, "clerk": clerk, **entries}


def test_audit_screen_needs_audit_view(client, trail):
    client.force_login(trail["clerk"])
    assert client.get(reverse("audit:list")).status_code == 403


def test_audit_screen_asks_anonymous_users_to_sign_in(client, trail):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302


def test_manager_sees_own_companies_entries_with_old_and_new_values(client, trail):
    client.force_login(trail["manager"])
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert shown == [trail["branch"], trail["rename"]]  # not Angkor's, not the global user entry
    body = response.content.decode()
    assert "Siam Co" in body
    assert "Siam Trading" in body
    assert "Angkor" not in body
    assert '<label class="form-label" for="id_action">' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "clerk"}, ["branch"]),
        ({"user": "MANAGER"}, ["rename"]),
        ({"action": "create"}, []),
        ({"model": "identity.company"}, ["branch", "rename"]),
        ({"model": "identity.user"}, []),
    ],
)
def test_filters(client, trail, query, expected):
    client.force_login(trail["manager"])
    response = client.get(reverse("audit:list"), query)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [trail[name] for name in expected]


def test_date_filters_and_bad_input(client, trail):
    client.force_login(trail["manager"])
    # the filter reads dates in the server's time zone, so "today" is the local date of the entry
    today = timezone.localdate(trail["rename"].created_at).isoformat()
    response = client.get(reverse("audit:list"), {"since": today, "until": today})
    assert len(response.context["page"].object_list) == 2
    response = client.get(reverse("audit:list"), {"since": "2001-01-02", "until": "2001-01-01"})
    assert response.context["form"].errors["until"]
    assert list(response.context["page"].object_list) == []
    response = client.get(reverse("audit:list"), {"user": "nobody"})
    assert response.context["form"].errors["user"]


def test_htmx_request_gets_the_table_only(client, trail):
    client.force_login(trail["manager"])
    response = client.get(reverse("audit:list"), {"user": "clerk"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="audit-entries">')
    assert "<form" not in body


def test_pagination_keeps_the_filters(client, trail):
    for number in range(PAGE_SIZE + 1):
        audit_record(
            actor=trail["clerk"],
            action=AuditAction.UPDATE,
            obj=trail["siam"],
            changes={"n": [number, number + 1]},
        )
    client.force_login(trail["manager"])
    first = client.get(reverse("audit:list"), {"user": "clerk"})
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert "?user=clerk&amp;page=2" in first.content.decode()
    second = client.get(reverse("audit:list"), {"user": "clerk", "page": 2})
    clerks = list(AuditEntry.objects.filter(actor=trail["clerk"]).order_by("-created_at", "-id"))
    assert list(second.context["page"].object_list) == clerks[PAGE_SIZE:]
    assert clerks[-1] == trail["branch"]
    assert len(clerks[PAGE_SIZE:]) == 2


def test_superuser_sees_global_entries(client, trail):
    root = User.objects.create_superuser(username="root", password="x")
    client.force_login(root)
    response = client.get(reverse("audit:list"), {"model": "identity.user"})
    assert list(response.context["page"].object_list) == [trail["global"]]


def test_object_history_page(client, trail):
    client.force_login(trail["manager"])
    siam = trail["siam"]
    url = reverse("audit:object_history", args=["identity", "company", siam.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [trail["branch"], trail["rename"]]
    assert "History of Siam Trading" in response.content.decode()


def test_object_history_hides_what_the_user_may_not_read(client, trail):
    client.force_login(trail["manager"])
    angkor = trail["angkor"]
    assert (
        client.get(reverse("audit:object_history", args=["identity", "company", angkor.pk])).status_code
        == 404
    )
    assert client.get(reverse("audit:object_history", args=["nope", "thing", 1])).status_code == 404
    client.force_login(trail["clerk"])
    siam = trail["siam"]
    assert (
        client.get(reverse("audit:object_history", args=["identity", "company", siam.pk])).status_code == 403
    )


def _render_history(user, obj):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load audit_tags %}{% audit_history obj %}").render(
        Context({"request": request, "obj": obj})
    )


def test_history_tag_shows_recent_changes_to_readers_only(trail):
    html = _render_history(trail["manager"], trail["siam"])
    assert "00001" in html
    assert "Siam Trading" in html
    assert reverse("audit:object_history", args=["identity", "company", trail["siam"].pk]) in html
    assert _render_history(trail["clerk"], trail["siam"]).strip() == ""
    assert "No recorded changes yet" in _render_history(trail["manager"], trail["clerk"])


def test_nav_item_is_registered():
    item = registry.nav_items.get("audit")
    assert (item.office, item.url_name, item.permission) == ("back", "audit:list", "audit.view")
    reverse(item.url_name)


def test_django_admin_shows_entries_read_only(client, trail):
    root = User.objects.create_superuser(username="root", password="x")
    client.force_login(root)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    detail = client.get(reverse("admin:audit_auditentry_change", args=[trail["rename"].pk]))
    assert detail.status_code == 200
    assert client.post(reverse("admin:audit_auditentry_delete", args=[trail["rename"].pk])).status_code == 403
