import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from concord.core.activities.models import Activity, ActivityKind, Note
from concord.core.activities.services import activity_schedule, note_add
from concord.core.activities.tests.conftest import htmx
from concord.core.identity.models import Company

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def _schedule(target, user, *, due=TODAY, kind=ActivityKind.CALL, summary="Call back"):
    return activity_schedule(
        target=target, kind=kind, summary=summary, due_date=due, assigned_to=user, by=user
    )


def _render_tag(user, obj):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return Template("{% load activities %}{% chatter obj %}").render(
        Context({"request": request, "obj": obj})
    )


def test_tag_shows_activities_and_escaped_notes(company_target, siam, manager, clerk, make_user):
    make_user(username="portal-buyer", company=siam, roles=("portal",))
    _schedule(siam, manager, due=TODAY - DAY, summary="Chase the unpaid invoice")
    _schedule(siam, manager, due=TODAY + DAY, summary="Quarterly review", kind=ActivityKind.MEETING)
    note_add(target=siam, body='<script>alert("x")</script>\nsecond line', by=manager)

    html = _render_tag(manager, siam)
    assert f'id="chatter-identity-company-{siam.pk}"' in html
    assert 'data-state="overdue"' in html
    assert "text-bg-danger" in html  # overdue shows in red
    assert "Chase the unpaid invoice" in html
    assert 'data-state="planned"' in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>second line" in html
    assert "<script>alert" not in html
    assert reverse("activities:schedule", args=["identity.company", siam.pk]) in html
    assert f'<label class="form-label" for="id_chatter-identity-company-{siam.pk}_summary">' in html

    assert f'<option value="{clerk.pk}">clerk</option>' in html  # staff may be assigned...
    assert "portal-buyer" not in html  # ...portal customers may not

    assert _render_tag(clerk, siam).strip() == ""  # no companies.view: nothing at all


def test_tag_renders_nothing_for_records_that_take_no_activities(siam, manager):
    assert _render_tag(manager, siam).strip() == ""


def test_htmx_forms_schedule_complete_and_note(company_target, signed_in, siam, manager):
    client = signed_in(manager)
    url = reverse("activities:schedule", args=["identity.company", siam.pk])

    refused = htmx(
        client, url, {"kind": "call", "summary": "", "due_date": TODAY.isoformat(), "assigned_to": manager.pk}
    )
    assert refused.status_code == 200  # htmx swaps the card back with the error shown
    assert "This field is required." in refused.content.decode()
    assert not Activity.all_companies.exists()

    card = htmx(
        client,
        url,
        {
            "kind": "meeting",
            "summary": "Tasting at the mill",
            "due_date": TODAY.isoformat(),
            "assigned_to": manager.pk,
        },
    )
    body = card.content.decode()
    assert body.startswith(f'<section class="card concord-chatter" id="chatter-identity-company-{siam.pk}"')
    assert "Tasting at the mill" in body
    activity = Activity.all_companies.get()
    assert (activity.kind, activity.company_id, activity.created_by) == ("meeting", siam.pk, manager)

    done = htmx(client, reverse("activities:done", args=[activity.pk]), {"outcome": "Samples approved"})
    assert 'data-state="done"' in done.content.decode()
    assert "Samples approved" in done.content.decode()
    activity.refresh_from_db()
    assert activity.done_at is not None

    noted = htmx(
        client,
        reverse("activities:note-add", args=["identity.company", siam.pk]),
        {"body": "Met <b>Khun Anan</b>"},
    )
    assert "Met &lt;b&gt;Khun Anan&lt;/b&gt;" in noted.content.decode()
    note = Note.all_companies.get()

    editing = client.get(reverse("activities:note-edit", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert f'for="id_note-{note.pk}_body"' in editing.content.decode()
    edited = htmx(client, reverse("activities:note-edit", args=[note.pk]), {"body": "Met Khun Anan twice"})
    assert "Met Khun Anan twice" in edited.content.decode()
    removed = htmx(client, reverse("activities:note-delete", args=[note.pk]))
    assert "No notes yet." in removed.content.decode()
    assert not Note.all_companies.exists()

    # Without htmx the form posts go back to the page they came from.
    plain = client.post(
        url,
        {
            "kind": "todo",
            "summary": "Send the contract",
            "due_date": TODAY.isoformat(),
            "assigned_to": manager.pk,
            "next": "/parties/",
        },
    )
    assert plain.status_code == 302
    assert plain["Location"] == "/parties/"


def test_access_other_company_unregistered_and_view_only(
    signed_in, siam, angkor, manager, outsider, make_user
):
    schedule_url = reverse("activities:schedule", args=["identity.company", siam.pk])
    data = {"kind": "call", "summary": "Hello", "due_date": TODAY.isoformat(), "assigned_to": outsider.pk}
    # Not registered: 404 for everyone.
    assert htmx(signed_in(manager), schedule_url, data).status_code == 404

    from concord.core.activities.tests.conftest import COMPANY_TARGET
    from concord.core.registry import registry, temporary_registration

    with temporary_registration(registry.activity_targets, "identity.company", COMPANY_TARGET):
        activity = _schedule(siam, manager)
        note = note_add(target=siam, body="Internal", by=manager)
        intruder = signed_in(outsider)
        assert htmx(intruder, schedule_url, data).status_code == 404  # another company's record
        assert (
            intruder.get(reverse("activities:chatter", args=["identity.company", siam.pk])).status_code == 404
        )
        assert htmx(intruder, reverse("activities:done", args=[activity.pk])).status_code == 404
        assert htmx(intruder, reverse("activities:note-delete", args=[note.pk])).status_code == 404
        assert htmx(intruder, reverse("activities:cancel", args=[activity.pk])).status_code == 404

        other_manager = make_user(username="second-manager", company=siam, roles=("manager",))
        colleague = signed_in(other_manager)
        assert (
            htmx(colleague, reverse("activities:note-delete", args=[note.pk])).status_code == 403
        )  # not the author
        assert colleague.get(reverse("activities:note-edit", args=[note.pk])).status_code == 403
        assert Note.all_companies.filter(pk=note.pk).exists()

    view_only = type(COMPANY_TARGET)("identity.company", "companies.view", "users.change")
    with temporary_registration(registry.activity_targets, "identity.company", view_only):
        assert htmx(signed_in(other_manager), schedule_url, data).status_code == 403  # may see, not change
        html = _render_tag(other_manager, siam)
        assert "Call back" in html
        assert reverse("activities:schedule", args=["identity.company", siam.pk]) not in html
        # The assignee completes their own activity even without the change permission.
        assert htmx(signed_in(manager), reverse("activities:done", args=[activity.pk])).status_code == 200
    assert Activity.all_companies.count() == 1


def test_my_activities_grouped_filtered_and_marked_done(
    company_target, signed_in, siam, manager, monkeypatch
):
    overdue = _schedule(siam, manager, due=TODAY - DAY, summary="Overdue call")
    _schedule(siam, manager, summary="Email for today", kind=ActivityKind.EMAIL)
    _schedule(siam, manager, due=TODAY + 2 * DAY, summary="Meeting next week", kind=ActivityKind.MEETING)
    monkeypatch.setattr(Company, "get_absolute_url", lambda self: f"/companies/{self.pk}/", raising=False)
    client = signed_in(manager)

    page = client.get(reverse("activities:mine"))
    assert page.status_code == 200
    html = page.content.decode()
    groups = [group["key"] for group in page.context["groups"] if group["rows"]]
    assert groups == ["overdue", "today", "upcoming"]
    assert html.index("Overdue call") < html.index("Email for today") < html.index("Meeting next week")
    assert f'<a href="/companies/{siam.pk}/">Siam Trading</a>' in html
    assert reverse("activities:mine") in html  # the navigation item
    assert '<label class="form-label" for="id_kind">' in html

    emails = client.get(reverse("activities:mine"), {"kind": "email"}, HTTP_HX_REQUEST="true")
    body = emails.content.decode()
    assert body.startswith('<div id="activities-mine">')
    assert "Email for today" in body
    assert "Overdue call" not in body

    after = htmx(client, reverse("activities:done", args=[overdue.pk]), {"from": "mine", "kind": ""})
    assert after.content.decode().startswith('<div id="activities-mine">')
    assert "Overdue call" not in after.content.decode()
    assert "Email for today" in after.content.decode()


def test_bell_counts_reminders_and_lists_them_on_open(
    company_target, only_reminders, signed_in, siam, manager
):
    client = signed_in(manager)
    home = client.get(reverse("web:home")).content.decode()
    assert 'id="concord-bell-toggle"' in home
    assert "data-notification-count" not in client.get(reverse("web:bell_count")).content.decode()
    assert 'hx-get="/activities/bell/"' in home

    _schedule(siam, manager, due=TODAY - DAY, summary="Overdue call")
    _schedule(siam, manager, summary="Email the price list", kind=ActivityKind.EMAIL)
    _schedule(siam, manager, due=TODAY + DAY, summary="Not yet")  # upcoming: not a reminder
    home = client.get(reverse("web:home")).content.decode()
    assert "Overdue call" not in home  # the list is loaded only when the bell opens
    assert 'hx-get="/bell/count/"' in home  # and the badge after the page: pages pay nothing for it
    badge = client.get(reverse("web:bell_count"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-notification-count="2"' in badge

    bell = client.get(reverse("activities:bell"), HTTP_HX_REQUEST="true").content.decode()
    assert bell.index("Call: Overdue call") < bell.index("Email: Email the price list")
    assert 'data-level="danger"' in bell
    assert 'data-level="warning"' in bell
    assert "Not yet" not in bell
    assert f'href="{reverse("activities:mine")}"' in bell  # a company has no page: the fallback link
