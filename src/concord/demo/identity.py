"""Demo companies and people: a Thai kitchenware SME and its Cambodian sister company, one login per role.

Every write goes through the identity services, so the demo leaves the same audit trail as real use.
Passwords are generated with ``secrets`` and set again on every run: the logins printed at start-up
always work, and no password is ever written in the source.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from stdnum.th import moa

from concord.core.identity import services
from concord.core.identity.models import Company, Membership, User
from concord.core.identity.roles import Role
from concord.demo.steps import DemoContext, DemoLogin, demo_step

# Unambiguous characters only (no 0/O, 1/l/I): the password is read off a terminal and typed in.
READABLE_CHARACTERS = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(groups: int = 3, group_length: int = 4) -> str:
    """A fresh random password such as ``k7Qm-x9Tp-3rWz`` (about 70 bits), never the same twice."""
    return "-".join(
        "".join(secrets.choice(READABLE_CHARACTERS) for _ in range(group_length)) for _ in range(groups)
    )


def thai_company_tax_id(rng_digits: str, *, office: str = "10", registered_be_year: int = 2561) -> str:
    """A 13-digit Thai company tax ID (DBD registration number) with a valid check digit.

    Layout: ``0`` (juristic person), two-digit registration office (``10`` is Bangkok), ``5`` (limited
    company), the last three digits of the Buddhist-era year of registration, a five-digit running
    number, then the check digit.
    """
    if len(rng_digits) != 5 or not rng_digits.isdigit():
        raise ValueError("the running number is five digits")
    body = f"0{office}5{registered_be_year % 1000:03d}{rng_digits}"
    return body + moa.calc_check_digit(body)


def cambodian_tax_id(rng_digits: str, *, branch_digit: int = 1) -> str:
    """A Cambodian enterprise TIN in the GDT format for a medium taxpayer, ``K00X-XXXXXXXXX``."""
    if len(rng_digits) != 9 or not rng_digits.isdigit():
        raise ValueError("the Cambodian TIN ends with nine digits")
    return f"K00{branch_digit}-{rng_digits}"


@dataclass(frozen=True)
class DemoCompany:
    """A demo company's fixed facts (the tax ID is generated from the seed)."""

    code: str
    name: str
    legal_name: str
    country: str
    currency: str
    branch_code: str
    language: str
    timezone: str
    email_domain: str
    address: str = ""


SIAM = DemoCompany(
    code="siam",
    name="Siam Kitchenware Co., Ltd.",
    legal_name="บริษัท สยาม คิทเช่นแวร์ จำกัด",
    country="TH",
    currency="THB",
    branch_code="00000",  # head office
    language="th",
    timezone="Asia/Bangkok",
    email_domain="siam-kitchenware.example",
    address="99/1 ถนนเจริญกรุง แขวงบางรัก เขตบางรัก กรุงเทพมหานคร 10500",
)
MEKONG = DemoCompany(
    code="mekong",
    name="Mekong Supplies Co., Ltd.",
    legal_name="ក្រុមហ៊ុន មេគង្គ សាប់ផ្លាយ ឯ.ក",
    country="KH",
    currency="USD",  # Cambodian SMEs keep books in US dollars and take riel beside them
    branch_code="",  # the five-digit branch code is a Thai rule
    language="km",
    timezone="Asia/Phnom_Penh",
    email_domain="mekong-supplies.example",
    address="No. 12, Street 240, Sangkat Chaktomuk, Khan Daun Penh, Phnom Penh",
)
COMPANIES = (SIAM, MEKONG)


@dataclass(frozen=True)
class DemoPerson:
    """A demo user with a login: the role they hold in their home company and, for some, its sister."""

    username: str
    role: Role
    first_name: str
    last_name: str
    language: str
    company: str  # home company code
    also: tuple[str, ...] = ()  # other companies where they hold the same role

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# One person per role. Group-wide functions (management, finance, IT, HR, marketing) work for both
# companies; selling, support and legal stay in Thailand, the warehouse person runs Phnom Penh stock.
ADMIN = DemoPerson("admin", Role.ADMIN, "อนันต์", "เจริญกุล", "en", SIAM.code, (MEKONG.code,))
PEOPLE: tuple[DemoPerson, ...] = (
    ADMIN,
    DemoPerson("siriporn", Role.MANAGER, "ศิริพร", "วงศ์สวัสดิ์", "th", SIAM.code, (MEKONG.code,)),
    DemoPerson("kittisak", Role.SALES, "กิตติศักดิ์", "บุญมี", "th", SIAM.code),
    DemoPerson("paweena", Role.SUPPORT, "ปวีณา", "สุขสวัสดิ์", "th", SIAM.code),
    DemoPerson("pimchanok", Role.MARKETING, "พิมพ์ชนก", "ศรีสุข", "th", SIAM.code, (MEKONG.code,)),
    DemoPerson("malee", Role.ACCOUNTANT, "มาลี", "ทองชัย", "th", SIAM.code, (MEKONG.code,)),
    DemoPerson("dara", Role.HR, "ដារ៉ា", "សុខ", "km", MEKONG.code, (SIAM.code,)),
    DemoPerson("vannak", Role.WAREHOUSE, "វណ្ណៈ", "ហេង", "km", MEKONG.code),
    DemoPerson("james", Role.IT, "James", "Whitfield", "en", SIAM.code, (MEKONG.code,)),
    DemoPerson("napat", Role.LEGAL, "ณภัทร", "กิตติวงศ์", "th", SIAM.code),
    DemoPerson("chanida", Role.PORTAL, "ชนิดา", "แซ่ลิ้ม", "th", SIAM.code),
)

# Staff without a login, added by the large size for benchmarks: names drawn from these by the seed.
_STAFF_NAMES = {
    SIAM.code: (
        ("สมชาย", "สมศักดิ์", "วิไลวรรณ", "ประเสริฐ", "อรุณี", "ธนพล", "สุดารัตน์", "วีระ", "จันทร์เพ็ญ", "ชัยวัฒน์"),
        ("ใจดี", "แก้วมณี", "ศรีวงศ์", "พึ่งบุญ", "มั่นคง", "รุ่งเรือง", "สายทอง", "บุญเรือง", "ทองดี", "วงศ์ใหญ่"),
        "th",
    ),
    MEKONG.code: (
        ("សុភា", "ចាន់ថា", "វិចិត្រ", "សុវណ្ណ", "ស្រីនិច", "ពិសិដ្ឋ", "រតនា", "បុប្ផា", "សំណាង", "ចិន្តា"),
        ("ជា", "សុខ", "ហេង", "លី", "ម៉ៅ", "ឈឹម", "គឹម", "ទេព", "នួន", "ពៅ"),
        "km",
    ),
}
STAFF_ROLES = tuple(role for role in Role if role not in (Role.ADMIN, Role.PORTAL))


def _ensure_company(ctx: DemoContext, spec: DemoCompany) -> Company:
    existing = Company.objects.filter(code=spec.code).first()
    if existing is not None:
        return existing
    rng = ctx.rng(f"identity.company.{spec.code}")
    if spec.country == "TH":
        tax_id = thai_company_tax_id("".join(rng.choice("0123456789") for _ in range(5)))
    else:
        tax_id = cambodian_tax_id(f"{rng.randint(1, 9)}{rng.randint(0, 99_999_999):08d}")
    ctx.count("companies")
    return services.company_create(
        by=ctx.by,
        name=spec.name,
        code=spec.code,
        country=spec.country,
        currency=spec.currency,
        legal_name=spec.legal_name,
        tax_id=tax_id,
        branch_code=spec.branch_code,
        language=spec.language,
        timezone=spec.timezone,
        address=spec.address,
    )


def _ensure_user(
    ctx: DemoContext,
    *,
    username: str,
    first_name: str,
    last_name: str,
    language: str,
    email_domain: str,
    is_superuser: bool = False,
) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    ctx.count("users")
    return services.user_create(
        by=ctx.by,
        username=username,
        email=f"{username}@{email_domain}",
        password=None,  # set below on every run, so that the printed password is the current one
        first_name=first_name,
        last_name=last_name,
        language=language,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )


def _ensure_membership(ctx: DemoContext, *, user: User, company: Company, role: str) -> None:
    held = Membership.objects.filter(user=user, company=company, role=role).first()
    if held is not None and held.is_active:
        return
    if held is None:
        ctx.count("memberships")  # a revoked one is granted again (re-activated), not created
    services.membership_grant(user=user, company=company, role=role, by=ctx.by)


def _ensure_default_company(ctx: DemoContext, *, user: User, company: Company) -> None:
    if user.default_company_id is None:
        services.user_update(user=user, by=ctx.by, default_company=company)


@demo_step(order=10, key="identity.people")
def companies_and_people(ctx: DemoContext) -> None:
    """The two companies, one login per role with a fresh password, and (large) extra staff."""
    home = {spec.code: spec for spec in COMPANIES}
    # The administrator comes first (created by the system) so that it authors everything after it.
    admin = _ensure_user(
        ctx,
        username=ADMIN.username,
        first_name=ADMIN.first_name,
        last_name=ADMIN.last_name,
        language=ADMIN.language,
        email_domain=home[ADMIN.company].email_domain,
        is_superuser=True,
    )
    if not (admin.is_superuser and admin.is_staff):
        services.user_update(user=admin, by=None, is_superuser=True, is_staff=True)
    ctx.by = admin
    for spec in COMPANIES:
        ctx.companies[spec.code] = _ensure_company(ctx, spec)

    for person in PEOPLE:
        user = (
            admin
            if person is ADMIN
            else _ensure_user(
                ctx,
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                language=person.language,
                email_domain=home[person.company].email_domain,
            )
        )
        for code in (person.company, *person.also):
            _ensure_membership(ctx, user=user, company=ctx.companies[code], role=person.role)
        _ensure_default_company(ctx, user=user, company=ctx.companies[person.company])
        if not user.is_active:  # someone deactivated a demo login: the printed one must work
            services.user_update(user=user, by=admin, is_active=True)
        password = generate_password()
        services.user_set_password(user=user, by=admin, password=password)
        ctx.users[user.username] = user
        ctx.logins.append(
            DemoLogin(
                username=user.username,
                password=password,
                role=str(person.role),
                company_code=person.company,
                display_name=person.display_name,
                other_company_codes=person.also,
            )
        )

    for spec in COMPANIES:
        _extra_staff(ctx, spec)


def _extra_staff(ctx: DemoContext, spec: DemoCompany) -> None:
    """Staff users without a password, spread across the roles; usernames do not depend on the seed."""
    first_names, last_names, language = _STAFF_NAMES[spec.code]
    rng = ctx.rng(f"identity.staff.{spec.code}")
    company = ctx.companies[spec.code]
    for number in range(1, ctx.size.extra_staff_per_company + 1):
        first_name, last_name = rng.choice(first_names), rng.choice(last_names)
        role = STAFF_ROLES[(number - 1) % len(STAFF_ROLES)]
        user = _ensure_user(
            ctx,
            username=f"{spec.code}-staff-{number:02d}",
            first_name=first_name,
            last_name=last_name,
            language="en" if rng.random() < 0.2 else language,
            email_domain=spec.email_domain,
        )
        _ensure_membership(ctx, user=user, company=company, role=role)
        _ensure_default_company(ctx, user=user, company=company)
        ctx.users[user.username] = user
