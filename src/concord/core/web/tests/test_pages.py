import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from concord.core.identity.roles import Role
from concord.core.web.testing import unlabelled_fields


def test_label_check_finds_unlabelled_fields():
    html = """
      <form>
        <input type="hidden" name="csrf"><button type="submit">Go</button>
        <label for="a">A</label><input id="a" name="a">
        <label>B <select name="b"></select></label>
        <input name="c" id="c"><textarea name="d"></textarea>
      </form>"""
    assert unlabelled_fields(html) == ["input name=c id=c", "textarea name=d id=?"]


def test_every_field_of_the_shell_pages_has_a_label(client, make_user, company):
    anonymous_pages = {"404 anonymous": client.get("/no-such-page/")}
    client.force_login(make_user(company=company, roles=(Role.MANAGER,)))
    pages = {
        **anonymous_pages,
        "home": client.get(reverse("web:home")),
        "search": client.get(reverse("web:search"), {"q": "x"}),
        "404": client.get("/no-such-page/"),
        "403": client.post(reverse("web:company_switch"), {"company": 999999}),
        "400": client.post(reverse("web:office_switch"), {"office": "nowhere"}),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert "<select" in html or name == "500", name  # the language switcher is on every page
        assert unlabelled_fields(html) == [], name


def test_404_is_the_readable_page(client, make_user, company):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert f'href="{reverse("web:home")}"' in html
    assert "bootstrap.min.css" in html  # the shell's layout, not Django's bare page


def test_404_is_translated(client):
    client.post("/i18n/setlang/", {"language": "km", "next": "/"})
    with translation.override("km"):
        khmer = translation.gettext("Page not found")
    assert khmer != "Page not found"
    assert khmer in client.get("/no-such-page/").content.decode()


def test_500_page_stands_alone_without_context_processors(db):
    request = RequestFactory().get("/broken/")
    response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert 'href="/"' in html
    assert "/static/concord/concord.css" in html


def test_csrf_failure_is_a_readable_page(make_user, company):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(company=company, roles=(Role.SALES,)))
    response = client.post(reverse("web:office_switch"), {"office": "back"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


@pytest.mark.parametrize(("template", "title"), [("400.html", "Bad request"), ("401.html", "Please sign in")])
def test_error_templates_render_with_a_way_home(db, template, title):
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    html = render_to_string(template, {}, request=request)
    assert title in html
    assert f'href="{reverse("web:home")}"' in html
    assert unlabelled_fields(html) == []
