import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from concord.core.identity.models import Membership
from concord.core.identity.roles import Role
from concord.core.registry import NavItem, registry, temporary_registration
from concord.core.web.search import SearchHit
from concord.core.web.session import COMPANY_SESSION_KEY, OFFICE_SESSION_KEY


def nav_html(html: str) -> str:
    """The left navigation list of a rendered page."""
    start = html.index('id="concord-nav"')
    return html[start : html.index("</ul>", start)]


def test_every_registered_nav_item_points_at_a_url():
    assert len(registry.nav_items) >= 3
    for key, item in registry.nav_items.items():
        assert item.office in {"front", "back"}, key
        try:
            reverse(item.url_name)
        except NoReverseMatch:  # pragma: no cover - the failure message is the point
            pytest.fail(f"nav item {key} points at unknown URL {item.url_name}")


def test_home_is_in_both_offices():
    offices = {item.office for item in registry.nav_items.values() if item.url_name == "web:home"}
    assert offices == {"front", "back"}


def test_office_switch_persists_in_the_session(login, make_user, company):
    client = login(make_user(company=company, roles=(Role.SALES,)))
    front = NavItem(office="front", label="Front-only screen", url_name="web:search", order=50)
    back = NavItem(office="back", label="Back-only screen", url_name="web:search", order=50)
    with (
        temporary_registration(registry.nav_items, "test-front", front),
        temporary_registration(registry.nav_items, "test-back", back),
    ):
        first = client.get(reverse("web:home")).content.decode()
        assert "Front-only screen" in nav_html(first)
        assert "Back-only screen" not in nav_html(first)

        response = client.post(reverse("web:office_switch"), {"office": "back", "next": "/search/"})
        assert response.status_code == 302
        assert response["Location"] == "/search/"
        assert client.session[OFFICE_SESSION_KEY] == "back"

        later = client.get(reverse("web:home")).content.decode()
        assert "Back-only screen" in nav_html(later)
        assert "Front-only screen" not in nav_html(later)
        assert 'value="back" class="btn btn-sm btn-primary" aria-pressed="true"' in later


def test_office_switch_refuses_unknown_offices_and_foreign_redirects(login, make_user, company):
    client = login(make_user(company=company, roles=(Role.SALES,)))
    bad = client.post(reverse("web:office_switch"), {"office": "basement"})
    assert bad.status_code == 400
    assert "Bad request" in bad.content.decode()
    assert OFFICE_SESSION_KEY not in client.session

    response = client.post(reverse("web:office_switch"), {"office": "back", "next": "https://evil.example/"})
    assert response["Location"] == reverse("web:home")


def test_office_switch_needs_post_and_login(client, make_user, company):
    assert client.post(reverse("web:office_switch"), {"office": "back"}).status_code == 302  # to login
    client.force_login(make_user(company=company, roles=(Role.SALES,)))
    assert client.get(reverse("web:office_switch")).status_code == 405


def test_nav_shows_only_permitted_items(login, make_user, company):
    item = NavItem(office="front", label="Audit corner", url_name="web:search", permission="audit.view")
    with temporary_registration(registry.nav_items, "test-audit", item):
        sales_page = login(make_user(company=company, roles=(Role.SALES,))).get(reverse("web:home"))
        assert "Audit corner" not in nav_html(sales_page.content.decode())
        manager_page = login(make_user(company=company, roles=(Role.MANAGER,))).get(reverse("web:home"))
        assert "Audit corner" in nav_html(manager_page.content.decode())


def test_admin_link_is_for_staff_only(login, make_user, company):
    manager = make_user(company=company, roles=(Role.MANAGER,))  # has users.view, is not staff
    client = login(manager)
    client.post(reverse("web:office_switch"), {"office": "back"})
    assert reverse("admin:index") not in nav_html(client.get(reverse("web:home")).content.decode())

    root = make_user(is_superuser=True, is_staff=True)
    client = login(root)
    client.post(reverse("web:office_switch"), {"office": "back"})
    assert reverse("admin:index") in nav_html(client.get(reverse("web:home")).content.decode())


def test_current_page_is_marked_in_the_nav(login, make_user, company):
    html = login(make_user(company=company, roles=(Role.SALES,))).get(reverse("web:home")).content.decode()
    assert f'class="nav-link active" href="{reverse("web:home")}" aria-current="page"' in nav_html(html)


def test_company_switch_offers_only_the_users_companies(login, make_company, make_user, company):
    second = make_company(name="Angkor Supplies")
    stranger = make_company(name="Not Mine Ltd")
    me = make_user(company=company, roles=(Role.SALES,))
    Membership.objects.create(user=me, company=second, role=Role.SALES)
    client = login(me)

    html = client.get(reverse("web:home")).content.decode()
    assert "Angkor Supplies" in html
    assert "Not Mine Ltd" not in html
    assert f'<option value="{company.pk}" selected>' in html  # the default company

    response = client.post(reverse("web:company_switch"), {"company": second.pk, "next": "/"})
    assert response.status_code == 302
    assert client.session[COMPANY_SESSION_KEY] == second.pk
    assert f'<option value="{second.pk}" selected>' in client.get(reverse("web:home")).content.decode()

    denied = client.post(reverse("web:company_switch"), {"company": stranger.pk})
    assert denied.status_code == 403
    assert "Access denied" in denied.content.decode()
    assert client.session[COMPANY_SESSION_KEY] == second.pk
    assert client.post(reverse("web:company_switch"), {"company": "x"}).status_code == 400


def test_language_switch_renders_thai(login, make_user, company):
    client = login(make_user(company=company, roles=(Role.SALES,)))
    with translation.override("th"):
        thai_home = translation.gettext("Home")
        thai_front = translation.gettext("Front office")
    assert thai_home != "Home"
    assert thai_front != "Front office"

    response = client.post("/i18n/setlang/", {"language": "th", "next": reverse("web:home")})
    assert response.status_code == 302
    html = client.get(reverse("web:home")).content.decode()
    assert '<html lang="th">' in html
    assert thai_home in nav_html(html)
    assert thai_front in html
    assert '<option value="th" lang="th" selected>ไทย</option>' in html


def test_language_switcher_names_each_language_in_its_own_script(client):
    html = client.get("/no-such-page/").content.decode()  # anonymous: the 404 page has the switcher
    for code, name in (("en", "English"), ("th", "ไทย"), ("km", "ខ្មែរ")):
        assert f'value="{code}" lang="{code}"' in html
        assert name in html


def test_search_without_providers_says_so(login, make_user, company, monkeypatch):
    monkeypatch.setattr(registry.search_providers, "_items", {})
    html = login(make_user(company=company, roles=(Role.SALES,))).get("/search/?q=siam").content.decode()
    assert 'id="concord-search-empty"' in html
    assert 'value="siam"' in html


class _FakeProvider:
    label = "Test customers"

    def __init__(self):
        self.queries = []

    def search(self, *, request, query, limit):
        self.queries.append((request.user.username, query, limit))
        return [SearchHit(title=f"Customer {query}", url="/customers/1/", detail="Bangkok")]


def test_search_asks_registered_providers(login, make_user, company):
    user = make_user(company=company, roles=(Role.SALES,))
    client = login(user)
    provider = _FakeProvider()
    with temporary_registration(registry.search_providers, "test-customers", provider):
        listing = client.get("/search/").content.decode()
        assert "Test customers" in listing
        assert provider.queries == []  # no query, no search

        html = client.get("/search/", {"q": "  สยาม  "}).content.decode()
    assert provider.queries == [(user.username, "สยาม", 20)]
    assert '<a href="/customers/1/">Customer สยาม</a>' in html
    assert 'id="concord-search-empty"' not in html
