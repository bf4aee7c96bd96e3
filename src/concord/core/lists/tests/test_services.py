import pytest
from django.contrib.contenttypes.models import ContentType

from concord.core.audit.models import AuditAction, AuditEntry
from concord.core.errors import PermissionDeniedError, ValidationFailed
from concord.core.lists.models import SavedFilter
from concord.core.lists.queries import saved_filters_for
from concord.core.lists.services import clean_query_string, saved_filter_delete, saved_filter_save


def _entries(saved_filter_id):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SavedFilter), object_id=str(saved_filter_id)
    ).order_by("id")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("?name=siam&page=3", "name=siam"),
        ("export=csv&country=TH&ordering=-name", "country=TH&ordering=-name"),
        ("name=&country=KH", "country=KH"),
        ("tag=a&tag=b", "tag=a&tag=b"),
        ("name=%E0%B8%99%E0%B9%89%E0%B8%B3", "name=%E0%B8%99%E0%B9%89%E0%B8%B3"),
        ("", ""),
    ],
)
def test_clean_query_string_drops_paging_export_and_empty_values(raw, expected):
    assert clean_query_string(raw) == expected


def test_save_creates_with_cleaned_query_and_audits(make_user):
    user = make_user()
    saved = saved_filter_save(
        user=user,
        list_key="tests.company",
        name="  Thai   firms ",
        query_string="country=TH&page=2&export=csv",
    )
    assert saved.pk is not None
    assert saved.name == "Thai firms"
    assert saved.query_string == "country=TH"
    [entry] = _entries(saved.pk)
    assert entry.action == AuditAction.CREATE
    assert entry.actor_id == user.pk
    assert entry.changes["query_string"] == [None, "country=TH"]


def test_save_with_an_existing_name_replaces_its_filters(make_user):
    user = make_user()
    first = saved_filter_save(user=user, list_key="tests.company", name="Mine", query_string="country=TH")
    second = saved_filter_save(user=user, list_key="tests.company", name="Mine", query_string="country=KH")
    assert second.pk == first.pk
    assert SavedFilter.objects.get(pk=first.pk).query_string == "country=KH"
    assert SavedFilter.objects.count() == 1
    actions = [entry.action for entry in _entries(first.pk)]
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]


def test_same_name_on_another_list_or_for_another_user_is_separate(make_user):
    alice, bob = make_user(), make_user()
    saved_filter_save(user=alice, list_key="tests.company", name="Mine", query_string="country=TH")
    saved_filter_save(user=alice, list_key="parties.party", name="Mine", query_string="q=x")
    saved_filter_save(user=bob, list_key="tests.company", name="Mine", query_string="country=KH")
    assert SavedFilter.objects.count() == 3
    assert [f.query_string for f in saved_filters_for(user=alice, list_key="tests.company")] == ["country=TH"]
    assert [f.query_string for f in saved_filters_for(user=bob, list_key="tests.company")] == ["country=KH"]


@pytest.mark.parametrize(
    ("name", "list_key", "field"), [("   ", "tests.company", "name"), ("x", "", "list_key")]
)
def test_save_refuses_blank_name_or_list(make_user, name, list_key, field):
    user = make_user()
    with pytest.raises(ValidationFailed) as caught:
        saved_filter_save(user=user, list_key=list_key, name=name, query_string="country=TH")
    assert caught.value.field == field
    assert not SavedFilter.objects.exists()


def test_save_refuses_overlong_name_and_filters(make_user):
    user = make_user()
    with pytest.raises(ValidationFailed):
        saved_filter_save(user=user, list_key="tests.company", name="n" * 101, query_string="")
    with pytest.raises(ValidationFailed):
        saved_filter_save(user=user, list_key="tests.company", name="long", query_string="q=" + "x" * 2100)
    assert not SavedFilter.objects.exists()


def test_only_the_owner_deletes_and_the_deletion_is_audited(make_user):
    owner, other = make_user(), make_user()
    saved = saved_filter_save(user=owner, list_key="tests.company", name="Mine", query_string="country=TH")
    saved_id = saved.pk
    with pytest.raises(PermissionDeniedError):
        saved_filter_delete(saved_filter=saved, by=other)
    assert SavedFilter.objects.filter(pk=saved_id).exists()

    saved_filter_delete(saved_filter=saved, by=owner)
    assert not SavedFilter.objects.filter(pk=saved_id).exists()
    last = _entries(saved_id).last()
    assert last.action == AuditAction.DELETE
    assert last.changes["name"] == ["Mine", None]
