import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.utils import timezone

from concord.core.identity.models import Membership
from concord.core.identity.roles import Role
from concord.core.lists.columns import Column, csv_safe, export_value


def test_value_follows_paths_and_uses_choice_labels(company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    membership = Membership.objects.get(user=user)
    assert Column(key="company__name", label="Company").value(membership) == company.name
    assert Column(key="role", label="Role").value(membership) == "Sales"  # the label, not "sales"
    assert Column(key="user__default_company__code", label="Code").value(membership) == company.code


def test_value_of_a_missing_link_is_none_and_shows_empty():
    row = SimpleNamespace(parent=None, active=True)
    assert Column(key="parent__name", label="Parent").value(row) is None
    assert Column(key="parent__name", label="Parent").display(row) == ""
    assert Column(key="active", label="Active").display(row) == "Yes"


def test_accessor_wins_over_key():
    row = SimpleNamespace(name="Siam")
    assert Column(key="name", label="Name", accessor=lambda r: r.name.upper()).value(row) == "SIAM"


def test_export_value_keeps_numbers_and_dates_and_makes_datetimes_local_and_naive():
    moment = dt.datetime(2025, 1, 31, 17, 30, tzinfo=dt.UTC)
    with timezone.override(ZoneInfo("Asia/Bangkok")):
        assert export_value(moment) == dt.datetime(2025, 2, 1, 0, 30)  # noqa: DTZ001 - XLSX wants naive local time
    assert export_value(Decimal("12.50")) == Decimal("12.50")
    assert export_value(None) == ""
    assert export_value(False) == "No"
    assert export_value(SimpleNamespace) == str(SimpleNamespace)


def test_csv_safe_defuses_formulas_only_in_text():
    assert csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_safe("+66 81 234 5678") == "'+66 81 234 5678"
    assert csv_safe("Siam") == "Siam"
    assert csv_safe(-5) == -5
