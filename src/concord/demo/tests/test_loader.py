"""The demo loader against a real database: idempotency, logins, tax IDs, rates, the step registry."""

from __future__ import annotations

import io
import re
import stat
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from stdnum.th import tin

from concord.core.identity import services
from concord.core.identity.models import Company, Membership, User
from concord.core.identity.roles import Role
from concord.core.money.models import ExchangeRate
from concord.demo.loader import LOGINS_FILENAME, DemoResult, load_demo
from concord.demo.steps import SIZES, DemoContext, temporary_step

SOURCE_ROOT = Path(__file__).resolve().parents[2]  # src/concord
TODAY = date(2026, 3, 15)


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "var"
    settings.VAR_DIR = path
    return path


CORE_STEPS = 100  # identity, money: what these tests look at; the modules' steps are tested by their own


def _load(**kwargs: Any) -> tuple[DemoResult, str]:
    out = io.StringIO()
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("up_to_order", CORE_STEPS)
    result = load_demo(stdout=out, **kwargs)
    return result, out.getvalue()


def _printed_password(output: str, username: str) -> str:
    """The password printed in the logins table for ``username``."""
    for line in output.splitlines():
        cells = line.split()
        if cells and cells[0] == username:
            return next(cell for cell in cells if re.fullmatch(r"[\w]{4}-[\w]{4}-[\w]{4}", cell))
    raise AssertionError(f"{username} is not in the printed table:\n{output}")


def _sign_in(username: str, password: str) -> User | None:
    request = RequestFactory().post("/account/login/")
    user = authenticate(request, username=username, password=password)
    return user if isinstance(user, User) else None


def _counts() -> dict[str, int]:
    return {
        "companies": Company.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "rates": ExchangeRate.all_companies.count(),
    }


@pytest.mark.django_db
def test_loading_twice_neither_fails_nor_duplicates_and_rotates_passwords(var_dir: Path) -> None:
    first, first_output = _load(up_to_order=None)  # every step, modules' included, twice
    after_first = _counts()
    second, second_output = _load(up_to_order=None)

    assert _counts() == after_first
    assert after_first["companies"] == 2
    assert after_first["users"] == len(Role)  # one login per role, nothing else at size small
    assert after_first["rates"] == 3 * SIZES["small"].rate_history_days
    assert second.created == {}  # the second run created nothing
    assert first.created["users"] == len(Role)

    old_password = _printed_password(first_output, "admin")
    new_password = _printed_password(second_output, "admin")
    assert old_password == first.login("admin").password
    assert new_password == second.login("admin").password
    assert new_password != old_password
    admin = _sign_in("admin", new_password)
    assert admin is not None
    assert admin.username == "admin"
    assert _sign_in("admin", old_password) is None


@pytest.mark.django_db
def test_thai_company_has_a_valid_tax_id_and_cambodian_company_the_gdt_format(var_dir: Path) -> None:
    _load()
    siam = Company.objects.get(code="siam")
    mekong = Company.objects.get(code="mekong")

    assert (siam.country, siam.currency, siam.branch_code, siam.language) == ("TH", "THB", "00000", "th")
    assert len(siam.tax_id) == 13
    assert tin.is_valid(siam.tax_id)
    assert tin.tin_type(siam.tax_id) == "moa"  # a company (DBD) number, not a person's ID
    assert (mekong.country, mekong.currency, mekong.language) == ("KH", "USD", "km")
    assert re.fullmatch(r"K00[1-9]-\d{9}", mekong.tax_id)


@pytest.mark.django_db
def test_every_role_has_a_login_and_the_admin_runs_both_companies(var_dir: Path) -> None:
    result, _output = _load()
    codes = {company.code for company in result.companies}
    assert codes == {"siam", "mekong"}

    assert sorted(login.role for login in result.logins) == sorted(Role.values)
    for login in result.logins:
        user = User.objects.get(username=login.username)
        for code in login.company_codes:
            assert Membership.objects.filter(user=user, company__code=code, role=login.role).exists()
        assert user.default_company is not None
        assert user.default_company.code == login.company_code
        assert user.email.endswith(".example")

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert set(admin.memberships.filter(role=Role.ADMIN).values_list("company__code", flat=True)) == codes
    in_both = [login.username for login in result.logins if set(login.company_codes) == codes]
    assert len(in_both) >= 3  # the group-wide functions work for both companies
    assert {User.objects.get(username=login.username).language for login in result.logins} == {
        "en",
        "th",
        "km",
    }


@pytest.mark.django_db
def test_passwords_are_distinct_fresh_and_not_in_the_source(var_dir: Path) -> None:
    first, _ = _load()
    second, _ = _load()
    passwords = [login.password for login in first.logins]

    assert len(set(passwords)) == len(passwords)
    assert not {login.password for login in first.logins} & {login.password for login in second.logins}
    sources = [path.read_text(encoding="utf-8") for path in SOURCE_ROOT.rglob("*.py")]
    assert len(sources) > 10
    for password in passwords:
        assert all(password not in text for text in sources)
    for login in second.logins:
        assert _sign_in(login.username, login.password) is not None, login.username


@pytest.mark.django_db
def test_logins_file_is_written_for_the_owner_only(var_dir: Path) -> None:
    var_dir.mkdir(parents=True)
    stale = var_dir / LOGINS_FILENAME
    stale.write_text("old logins\n", encoding="utf-8")
    stale.chmod(0o644)

    result, _ = _load()

    assert result.logins_file == stale
    assert stat.S_IMODE(stale.stat().st_mode) == 0o600
    text = stale.read_text(encoding="utf-8")
    assert "old logins" not in text
    for login in result.logins:
        assert login.password in text
        assert login.username in text
    assert not [path.name for path in var_dir.iterdir() if path.name != LOGINS_FILENAME]  # no temp left


@pytest.mark.django_db
def test_exchange_rates_run_in_the_documented_direction_and_agree(var_dir: Path) -> None:
    _load()
    siam = Company.objects.get(code="siam")
    mekong = Company.objects.get(code="mekong")
    days = SIZES["small"].rate_history_days

    usd_in_thb = dict(
        ExchangeRate.all_companies.filter(company=siam, currency="USD").values_list("rate_date", "rate")
    )
    khr_in_usd = dict(
        ExchangeRate.all_companies.filter(company=mekong, currency="KHR").values_list("rate_date", "rate")
    )
    thb_in_usd = dict(
        ExchangeRate.all_companies.filter(company=mekong, currency="THB").values_list("rate_date", "rate")
    )
    expected_days = {TODAY - timedelta(days=n) for n in range(days)}
    assert set(usd_in_thb) == set(khr_in_usd) == set(thb_in_usd) == expected_days
    assert all(Decimal(28) < rate < Decimal(45) for rate in usd_in_thb.values())
    assert all(Decimal(1) / 4300 < rate < Decimal(1) / 3800 for rate in khr_in_usd.values())
    for day, rate in usd_in_thb.items():
        assert abs(rate * thb_in_usd[day] - 1) < Decimal("1e-7")
    assert len(set(usd_in_thb.values())) > days // 2  # a walk, not a constant


@pytest.mark.django_db
def test_reloading_the_next_day_keeps_old_rates_and_adds_the_new_day(var_dir: Path) -> None:
    _load(today=TODAY)
    before = dict(ExchangeRate.all_companies.values_list("id", "rate"))

    result, _ = _load(today=TODAY + timedelta(days=1))

    after = dict(ExchangeRate.all_companies.values_list("id", "rate"))
    assert {key: after[key] for key in before} == before
    assert len(after) == len(before) + 3
    assert result.created == {"exchange rates": 3}


@pytest.mark.django_db
def test_a_failing_step_rolls_the_whole_load_back(var_dir: Path) -> None:
    def broken(_ctx: DemoContext) -> None:
        raise RuntimeError("boom")

    with temporary_step(order=CORE_STEPS - 1, run=broken), pytest.raises(RuntimeError, match="boom"):
        load_demo(today=TODAY, up_to_order=CORE_STEPS)

    assert _counts() == {"companies": 0, "users": 0, "memberships": 0, "rates": 0}
    assert not (var_dir / LOGINS_FILENAME).exists()


@pytest.mark.django_db
def test_registered_steps_run_in_order_after_the_core_data(var_dir: Path) -> None:
    seen: list[tuple[str, Any]] = []

    def late(ctx: DemoContext) -> None:
        seen.append(("late", ExchangeRate.all_companies.count()))

    def early(ctx: DemoContext) -> None:
        seen.append(("early", sorted(ctx.companies)))

    with temporary_step(order=90, run=late, key="test.late"), temporary_step(15, early, "test.early"):
        load_demo(today=TODAY, up_to_order=CORE_STEPS)

    assert seen == [("early", ["mekong", "siam"]), ("late", 3 * SIZES["small"].rate_history_days)]


@pytest.mark.django_db
def test_large_size_adds_login_less_staff_and_a_year_of_rates(var_dir: Path) -> None:
    result, _ = _load(size="large")
    large = SIZES["large"]

    staff = User.objects.filter(username__contains="-staff-")
    assert staff.count() == 2 * large.extra_staff_per_company
    assert not any(user.has_usable_password() for user in staff)
    assert len(result.logins) == len(Role)  # only the role logins are printed
    roles = set(Membership.objects.filter(user__in=staff).values_list("role", flat=True))
    assert roles == set(Role.values) - {Role.ADMIN, Role.PORTAL}
    assert ExchangeRate.all_companies.filter(currency="USD").count() == large.rate_history_days


@pytest.mark.django_db
def test_unknown_size_is_refused(var_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown demo size"):
        load_demo(size="huge")
    assert Company.objects.count() == 0


@pytest.mark.django_db
def test_demo_load_command_prints_a_working_admin_login(var_dir: Path) -> None:
    out = io.StringIO()
    call_command("demo_load", size="small", seed=7, stdout=out)

    output = out.getvalue()
    match = re.search(r"Log in at http://127\.0\.0\.1:8000/ as admin / (\S+)", output)
    assert match is not None, output
    assert _printed_password(output, "admin") == match.group(1)
    assert _sign_in("admin", match.group(1)) is not None
    assert "created 2 companies" in output


@pytest.mark.django_db
def test_reload_restores_a_deactivated_login_and_a_revoked_role(var_dir: Path) -> None:
    _load()
    admin = User.objects.get(username="admin")
    malee = User.objects.get(username="malee")
    services.user_deactivate(user=malee, by=admin)
    revoked = Membership.objects.get(user=malee, company__code="mekong", role=Role.ACCOUNTANT)
    services.membership_revoke(membership=revoked, by=admin)
    memberships = Membership.objects.count()

    result, _ = _load()

    revoked.refresh_from_db()
    assert revoked.is_active
    assert Membership.objects.count() == memberships
    assert _sign_in("malee", result.login("malee").password) is not None
