import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from concord.core.identity.roles import Role
from concord.core.lists.models import SavedFilter
from concord.core.lists.services import saved_filter_save
from concord.core.web.testing import unlabelled_fields

pytestmark = pytest.mark.urls("concord.core.lists.tests.urls")

URL = "/lists-test/companies/"


def _names(response):
    return [row["object"].name for row in response.context["rows"]]


def _codes_in_table(response):
    body = response.content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    return re.findall(r'<td class="text-start">([a-z-]+)</td>', table)


def test_anonymous_users_are_sent_to_sign_in(client, companies):
    response = client.get(URL)
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_users_without_the_permission_get_403_on_page_and_export(client, make_user, companies):
    seller = make_user(company=companies["alpha"], roles=(Role.SALES,))
    client.force_login(seller)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"export": "csv"}).status_code == 403


def test_first_page_shows_own_companies_sorted_by_default_ordering(manager_client):
    response = manager_client.get(URL)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 6  # not Zulu, whose member the manager is not
    assert _names(response) == ["Alpha Trading", "Bravo Foods", "Delta Rice"]
    body = response.content.decode()
    assert '<th scope="col" class="text-start" aria-sort="ascending">' in body
    assert 'href="/companies/' in body
    assert "Zulu" not in body
    assert "<html" in body
    assert "6 rows" in body


def test_pagination_pages_and_tolerates_bad_page_numbers(manager_client):
    second = manager_client.get(URL, {"page": 2})
    assert _names(second) == ["Echo Logistics", "น้ำมันมะพร้าว จำกัด", "มะพร้าวสยาม"]
    assert _names(manager_client.get(URL, {"page": 99})) == _names(second)
    assert _names(manager_client.get(URL, {"page": "abc"})) == ["Alpha Trading", "Bravo Foods", "Delta Rice"]
    body = second.content.decode()
    assert "Page 2 of 2" in body


def test_filters_narrow_rows_including_thai_substrings(manager_client):
    thai = manager_client.get(URL, {"name": "มะพร้าว"})
    assert _names(thai) == ["น้ำมันมะพร้าว จำกัด", "มะพร้าวสยาม"]
    cambodian = manager_client.get(URL, {"country": "KH"})
    assert _names(cambodian) == ["Bravo Foods", "Delta Rice"]
    both = manager_client.get(URL, {"country": "KH", "name": "rice"})
    assert _names(both) == ["Delta Rice"]
    assert 'value="rice"' in both.content.decode()  # the form shows the filter in force


def test_invalid_filter_shows_its_error_and_no_rows(manager_client):
    response = manager_client.get(URL, {"created_from": "not-a-date"})
    assert response.status_code == 200
    assert _names(response) == []
    assert response.context["filter_form"].errors["created_from"]
    assert "No rows match these filters." in response.content.decode()


@pytest.mark.parametrize(
    ("ordering", "expected_codes"),
    [
        ("code", ["alpha", "bravo", "coconut"]),
        ("-code", ["siam-coco", "echo", "delta"]),
        ("-name", ["siam-coco", "coconut", "echo"]),
    ],
)
def test_sorting_ascending_and_descending(manager_client, ordering, expected_codes):
    response = manager_client.get(URL, {"ordering": ordering})
    assert [row["object"].code for row in response.context["rows"]] == expected_codes
    assert _codes_in_table(response) == expected_codes
    direction = "descending" if ordering.startswith("-") else "ascending"
    assert f'aria-sort="{direction}"' in response.content.decode()


def test_header_links_toggle_direction_and_keep_filters(manager_client):
    response = manager_client.get(URL, {"ordering": "code", "country": "KH", "page": 1})
    code_header = next(h for h in response.context["headers"] if h["label"] == "Code")
    assert "ordering=-code" in code_header["url"]
    assert "country=KH" in code_header["url"]
    assert "page=" not in code_header["url"]
    shout_header = next(h for h in response.context["headers"] if h["label"] == "Shout")
    assert not shout_header["sortable"]  # not in ordering_fields


@pytest.mark.parametrize("ordering", ["password", "-memberships__user__password", "__class__", "-", ""])
def test_unknown_ordering_is_ignored(manager_client, ordering):
    response = manager_client.get(URL, {"ordering": ordering})
    assert response.status_code == 200
    assert response.context["ordering"] == "name"
    assert _names(response) == ["Alpha Trading", "Bravo Foods", "Delta Rice"]


def test_htmx_request_gets_only_the_table_partial(manager_client):
    response = manager_client.get(URL, {"country": "KH"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.startswith('<div id="list-results"')
    assert "Bravo Foods" in body
    assert "Alpha Trading" not in body
    assert 'hx-swap-oob="true"' in body  # keeps the filter form's sort field in step
    assert "HX-Request" in response["Vary"]


def test_htmx_request_with_an_invalid_filter_names_the_problem(manager_client):
    body = manager_client.get(URL, {"created_from": "nope"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Some filters are not valid" in body
    assert "From: Enter a valid date." in body
    assert "Some filters are not valid" not in manager_client.get(URL).content.decode()


def test_htmx_history_restore_gets_the_whole_page(manager_client):
    response = manager_client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_every_form_field_on_the_page_has_a_label(manager_client, manager):
    saved_filter_save(user=manager, list_key="tests.company", name="Khmer", query_string="country=KH")
    body = manager_client.get(URL).content.decode()
    assert unlabelled_fields(body) == []
    assert 'for="id_name"' in body
    assert 'for="list-ordering"' in body
    assert 'for="list-saved-filter-name"' in body


def test_new_button_needs_the_add_permission(manager_client, make_user, companies, client):
    assert manager_client.get(URL).context["create_url"] == ""  # manager: companies.view, not .add
    admin = make_user(company=companies["alpha"], roles=(Role.ADMIN,))
    client.force_login(admin)
    assert client.get(URL).context["create_url"] == reverse("web:home")


# ---------------------------------------------------------------------- saved filters
def test_saving_current_filters_through_the_page(manager_client, manager):
    response = manager_client.post(
        reverse("lists:saved_filter_save"),
        {"list_key": "tests.company", "name": "Cambodia", "query_string": "country=KH&page=2", "next": URL},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?country=KH"
    saved = SavedFilter.objects.get(user=manager)
    assert (saved.list_key, saved.name, saved.query_string) == ("tests.company", "Cambodia", "country=KH")

    page = manager_client.get(response["Location"])
    [item] = page.context["saved_filters"]
    assert item["active"]
    assert item["url"] == f"{URL}?country=KH"
    assert _names(page) == ["Bravo Foods", "Delta Rice"]
    assert "Cambodia" in page.content.decode()


def test_the_save_form_carries_the_current_filters(manager_client):
    response = manager_client.get(URL, {"country": "KH", "ordering": "-name", "page": "1", "name": ""})
    initial = response.context["save_form"].initial
    assert initial["query_string"] == "country=KH&ordering=-name"
    assert initial["list_key"] == "tests.company"


def test_saving_without_a_name_saves_nothing_and_says_why(manager_client):
    response = manager_client.post(
        reverse("lists:saved_filter_save"),
        {"list_key": "tests.company", "name": "", "query_string": "country=KH", "next": URL},
    )
    assert response.status_code == 302
    assert not SavedFilter.objects.exists()
    assert any("not saved" in str(message) for message in get_messages(response.wsgi_request))


def test_saving_never_redirects_off_site(manager_client):
    response = manager_client.post(
        reverse("lists:saved_filter_save"),
        {"list_key": "tests.company", "name": "x", "query_string": "", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("web:home")


def test_other_users_neither_see_nor_delete_my_saved_filters(manager, make_user, companies, client):
    mine = saved_filter_save(user=manager, list_key="tests.company", name="Secret", query_string="country=TH")
    other = make_user(company=companies["alpha"], roles=(Role.MANAGER,))
    client.force_login(other)
    page = client.get(URL)
    assert page.context["saved_filters"] == []
    assert "Secret" not in page.content.decode()
    response = client.post(reverse("lists:saved_filter_delete", args=[mine.pk]), {"next": URL})
    assert response.status_code == 404
    assert SavedFilter.objects.filter(pk=mine.pk).exists()


def test_owner_deletes_a_saved_filter(manager_client, manager):
    mine = saved_filter_save(user=manager, list_key="tests.company", name="Old", query_string="country=TH")
    response = manager_client.post(
        reverse("lists:saved_filter_delete", args=[mine.pk]), {"next": f"{URL}?country=TH"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?country=TH"
    assert not SavedFilter.objects.filter(pk=mine.pk).exists()


def test_saved_filter_actions_need_post(manager_client, manager):
    mine = saved_filter_save(user=manager, list_key="tests.company", name="Old", query_string="")
    assert manager_client.get(reverse("lists:saved_filter_delete", args=[mine.pk])).status_code == 405
    assert manager_client.get(reverse("lists:saved_filter_save")).status_code == 405


def test_saved_filters_are_per_list(manager_client, manager):
    saved_filter_save(user=manager, list_key="parties.party", name="Elsewhere", query_string="q=x")
    assert manager_client.get(URL).context["saved_filters"] == []


def test_a_malformed_query_string_cannot_break_the_redirect(manager_client):
    response = manager_client.post(
        reverse("lists:saved_filter_save"),
        {
            "list_key": "tests.company",
            "name": "",
            "query_string": "country=KH\r\nSet-Cookie: x=1",
            "next": URL,
        },
    )
    assert response.status_code == 302
    assert "\n" not in response["Location"]
    assert response["Location"].startswith(f"{URL}?country=KH")
