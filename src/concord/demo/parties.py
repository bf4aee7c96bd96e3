"""Demo parties: customers, suppliers and their people for each demo company, in Thai, Khmer and English.

Each company gets ``size.parties`` parties with a demo code (``D-0001``...), the natural key that makes
the step idempotent: a reload creates only the codes that are missing. Organisations come first, then
people, some of them working for one of the organisations. Tax IDs are valid for the country (Thai
13-digit with its check digit, Cambodian GDT format), phones are local numbers, addresses are in
Bangkok districts and Phnom Penh khans.

The first ``SERVICE_PATH_LIMIT`` parties of a company are created through ``party_create`` (audit,
event, search, like real use). Beyond that (the large size, for benchmarks) rows are bulk-inserted with
their audit entries and search documents, because 5,000 service calls per company would make loading
the demo take minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from stdnum.th import moa

from concord.core.audit.models import AuditAction, AuditEntry
from concord.core.audit.services import created_changes
from concord.core.identity.models import Company
from concord.core.search.facade import search_index_many
from concord.demo.steps import DemoContext, demo_step
from concord.modules.parties.indexing import party_search_document
from concord.modules.parties.models import Address, ContactPoint, Party, PartyKind, PartyLanguage
from concord.modules.parties.services import party_create
from concord.modules.parties.validation import clean_phone, name_key

SERVICE_PATH_LIMIT = 60
CODE_PREFIX = "D-"


@dataclass(frozen=True)
class Locale:
    """The words a country's demo parties are made of."""

    country: str
    language: str
    org_prefix: str
    org_suffix: str
    org_words: tuple[str, ...]
    trades: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    districts: tuple[str, ...]
    province: str
    postal_codes: tuple[str, ...]
    streets: tuple[str, ...]
    phone_prefixes: tuple[str, ...]


THAI = Locale(
    country="TH",
    language=PartyLanguage.TH,
    org_prefix="บริษัท ",
    org_suffix=" จำกัด",
    org_words=("สยาม", "เจริญ", "รุ่งเรือง", "ทองคำ", "ศรีสุข", "มั่นคง", "พัฒนา", "อุดม", "ไทยรุ่ง", "ลานนา"),
    trades=("อาหาร", "ค้าส่ง", "เครื่องครัว", "โรงแรม", "ภัตตาคาร", "ซัพพลาย", "ขนส่ง", "น้ำมันมะพร้าว", "เซรามิก"),
    first_names=("สมชาย", "วิไลวรรณ", "ประเสริฐ", "อรุณี", "ธนพล", "สุดารัตน์", "วีระ", "จันทร์เพ็ญ", "ชัยวัฒน์", "มาลี"),
    last_names=("ใจดี", "แก้วมณี", "ศรีวงศ์", "พึ่งบุญ", "มั่นคง", "รุ่งเรือง", "สายทอง", "บุญเรือง", "ทองดี", "วงศ์ใหญ่"),
    districts=(
        "Bang Rak",
        "Pathum Wan",
        "Chatuchak",
        "Huai Khwang",
        "Khlong Toei",
        "Sathon",
        "Watthana",
        "Bang Na",
    ),
    province="Bangkok",
    postal_codes=("10500", "10330", "10900", "10310", "10110", "10120", "10110", "10260"),
    streets=(
        "Silom Rd",
        "Rama IV Rd",
        "Sukhumvit Rd",
        "Phahonyothin Rd",
        "Ratchadaphisek Rd",
        "Sathon Nuea Rd",
    ),
    phone_prefixes=("081", "082", "086", "089", "02"),
)
KHMER = Locale(
    country="KH",
    language=PartyLanguage.KM,
    org_prefix="ក្រុមហ៊ុន ",
    org_suffix="",
    org_words=("អង្គរ", "មេគង្គ", "បាយ័ន", "សុខា", "រតនៈ", "ភ្នំពេញ", "តេជោ", "កម្ពុជា", "សិរីមង្គល", "ពន្លឺ"),
    trades=("ពាណិជ្ជកម្ម", "អាហារ", "ដឹកជញ្ជូន", "សណ្ឋាគារ", "ផ្គត់ផ្គង់", "សំណង់", "កសិកម្ម"),
    first_names=("សុភា", "ចាន់ថា", "វិចិត្រ", "សុវណ្ណ", "ស្រីនិច", "ពិសិដ្ឋ", "រតនា", "បុប្ផា", "សំណាង", "ចិន្តា"),
    last_names=("ជា", "សុខ", "ហេង", "លី", "ម៉ៅ", "ឈឹម", "គឹម", "ទេព", "នួន", "ពៅ"),
    districts=(
        "Chamkar Mon",
        "Doun Penh",
        "Prampir Meakkakra",
        "Tuol Kouk",
        "Mean Chey",
        "Sen Sok",
        "Chbar Ampov",
    ),
    province="Phnom Penh",
    postal_codes=("120101", "120201", "120301", "120401", "120601", "120801", "121201"),
    streets=("Norodom Blvd", "Monivong Blvd", "Sihanouk Blvd", "Street 51", "Street 271", "Russian Blvd"),
    phone_prefixes=("012", "017", "077", "092", "015"),
)
ENGLISH_ORGS = (
    "Golden Lotus Trading",
    "Mekong River Logistics",
    "Andaman Seafood Export",
    "Blue Elephant Hospitality",
    "Evergreen Packaging Asia",
    "Pacific Rim Kitchen Supply",
    "Orchid Hotels Group",
    "Spice Route Imports",
)
ENGLISH_PEOPLE = (("James", "Whitfield"), ("Sarah", "Collins"), ("David", "Nguyen"), ("Emma", "Hartley"))
TAGS = ("VIP", "Horeca", "Retail", "Wholesale", "Export", "Trade fair")
# Parties whose names the search tests and the guide use: present in every demo, whatever the seed.
FIXED_ORGS = {"siam": "บริษัท น้ำมันมะพร้าวสกัดเย็น สมุย จำกัด", "mekong": "ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម"}


def _thai_tax_id(rng: random.Random) -> str:
    body = f"0105{rng.randint(540, 567):03d}{rng.randint(0, 99_999):05d}"
    return body + moa.calc_check_digit(body)


def _khmer_tax_id(rng: random.Random) -> str:
    return f"{rng.choice('LKE')}00{rng.randint(1, 9)}-{rng.randint(100_000_000, 999_999_999)}"


def _phone(rng: random.Random, locale: Locale) -> str:
    prefix = rng.choice(locale.phone_prefixes)
    digits = 6 if locale.country == "KH" else 7  # 012 345 678 in Phnom Penh, 081 234 5678 in Bangkok
    number = f"{rng.randint(0, 10**digits - 1):0{digits}d}"
    return f"{prefix} {number[:3]} {number[3:]}"


def _party_values(
    rng: random.Random, *, locale: Locale, number: int, total: int, company: Company, used: set[str]
) -> dict[str, Any]:
    """The fields of demo party ``number`` (1-based) of ``total``: organisations first, then people."""
    code = f"{CODE_PREFIX}{number:04d}"
    organizations = max(1, total * 3 // 5)
    slug = f"{company.code}{number:04d}"
    values: dict[str, Any] = {"code": code, "country": locale.country, "language": locale.language}
    if number <= organizations:
        fixed = FIXED_ORGS.get(company.code)
        if number == 1 and fixed:
            name = fixed
        elif rng.random() < 0.2:
            name = f"{rng.choice(ENGLISH_ORGS)} {rng.choice(('Co., Ltd.', 'Ltd.', 'Group'))}"
            values["language"] = PartyLanguage.EN
        else:
            name = f"{locale.org_prefix}{rng.choice(locale.org_words)} {rng.choice(locale.trades)}{locale.org_suffix}"
        if name in used:  # a real company name is unique; the word lists are short
            name = f"{name} {number}"
        used.add(name)
        district = rng.randrange(len(locale.districts))
        values |= {
            "kind": PartyKind.ORGANIZATION,
            "name": name,
            "tax_id": _thai_tax_id(rng) if locale.country == "TH" else _khmer_tax_id(rng),
            "is_customer": rng.random() < 0.75,
            "is_supplier": rng.random() < 0.35,
            "is_prospect": rng.random() < 0.1,
            "emails": [f"contact@{slug}.example"],
            "phones": [_phone(rng, locale)],
            "payment_terms_days": rng.choice((0, 15, 30, 30, 45, 60)),
            "credit_limit": rng.choice((0, 50_000, 100_000, 250_000)),
            "addresses": [
                {
                    "street": f"{rng.randint(1, 999)} {rng.choice(locale.streets)}",
                    "city": (
                        (district := rng.randrange(len(locale.districts))) and locale.districts[district]
                    )
                    or locale.districts[0],
                    "province": locale.province,
                    "postal_code": locale.postal_codes[district],
                    "country": locale.country,
                }
            ],
            "tags": rng.sample(TAGS, k=rng.randint(0, 2)),
        }
        if not values["is_customer"] and not values["is_supplier"]:
            values["is_customer"] = True
    else:
        first, last = (
            rng.choice(ENGLISH_PEOPLE)
            if rng.random() < 0.15
            else (rng.choice(locale.first_names), rng.choice(locale.last_names))
        )
        values |= {
            "kind": PartyKind.PERSON,
            "name": f"{first} {last}",
            "is_customer": rng.random() < 0.5,
            "is_employee_contact": rng.random() < 0.5,
            "emails": [f"person{number}@{slug}.example"],
            "phones": [_phone(rng, locale)],
            "organization_number": rng.randint(1, organizations) if rng.random() < 0.7 else None,
        }
    return values


def _bulk_create(
    ctx: DemoContext, company: Company, rows: list[dict[str, Any]], orgs: dict[int, Party]
) -> None:
    """Insert many demo parties at once, with their contacts, addresses, audit entries and search documents."""
    parties: list[Party] = []
    for values in rows:
        organization_number = values.get("organization_number")
        parties.append(
            Party(
                company=company,
                kind=values["kind"],
                name=values["name"],
                name_key=name_key(values["name"]),
                code=values["code"],
                organization=orgs.get(organization_number) if organization_number else None,
                is_customer=values.get("is_customer", False),
                is_supplier=values.get("is_supplier", False),
                is_employee_contact=values.get("is_employee_contact", False),
                is_prospect=values.get("is_prospect", False),
                tax_id=values.get("tax_id", ""),
                branch_code="00000" if values.get("tax_id") and company.country == "TH" else "",
                country=values["country"],
                language=values["language"],
                currency=company.currency,
                payment_terms_days=values.get("payment_terms_days", 0),
                credit_limit=values.get("credit_limit", 0),
            )
        )
    Party.all_companies.bulk_create(parties, batch_size=500)
    created = {
        party.code: party
        for party in Party.all_companies.filter(company=company, code__in=[p.code for p in parties])
    }
    contacts: list[ContactPoint] = []
    addresses: list[Address] = []
    for values in rows:
        party = created[values["code"]]
        for email in values.get("emails", []):
            contacts.append(
                ContactPoint(
                    company=company, party=party, kind="email", value=email, normalized=email, is_primary=True
                )
            )
        for phone in values.get("phones", []):
            normalized = clean_phone(phone, country=values["country"])
            contacts.append(
                ContactPoint(
                    company=company,
                    party=party,
                    kind="phone",
                    value=phone,
                    normalized=normalized,
                    is_primary=True,
                )
            )
        for address in values.get("addresses", []):
            addresses.append(Address(company=company, party=party, kind="billing", **address))
    ContactPoint.all_companies.bulk_create(contacts, batch_size=1000)
    Address.all_companies.bulk_create(addresses, batch_size=1000)
    content_type = ContentType.objects.get_for_model(Party)
    actor_id = ctx.by.pk if ctx.by is not None else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                company=company,
                actor_id=actor_id,
                action=AuditAction.CREATE,
                content_type=content_type,
                object_id=str(party.pk),
                object_repr=party.name[:200],
                changes=created_changes(party, ["kind", "name", "code", "tax_id", "country"]),
            )
            for party in created.values()
        ],
        batch_size=1000,
    )
    fresh = (
        Party.all_companies.filter(pk__in=[party.pk for party in created.values()])
        .select_related("organization")
        .prefetch_related("contact_points", "addresses", "tags")
    )
    search_index_many(party_search_document(party) for party in fresh.iterator(chunk_size=500))


@demo_step(order=100, key="parties.parties")
def parties(ctx: DemoContext) -> None:
    """``size.parties`` customers, suppliers and contacts per demo company; only the missing codes are made."""
    locales = {"TH": THAI, "KH": KHMER}
    for company in ctx.companies.values():
        locale = locales.get(company.country, THAI)
        total = ctx.size.parties
        rng = ctx.rng(f"parties.{company.code}")
        used: set[str] = set()
        planned = [
            _party_values(rng, locale=locale, number=number, total=total, company=company, used=used)
            for number in range(1, total + 1)
        ]
        existing = {
            party.code: party
            for party in Party.all_companies.filter(company=company, code__startswith=CODE_PREFIX)
        }
        orgs = {
            number: existing[values["code"]]
            for number, values in enumerate(planned, start=1)
            if values["code"] in existing and values["kind"] == PartyKind.ORGANIZATION
        }
        bulk: list[dict[str, Any]] = []
        made = 0
        for number, values in enumerate(planned, start=1):
            if values["code"] in existing:
                continue
            if number > SERVICE_PATH_LIMIT:
                bulk.append(values)
                continue
            fields = dict(values)
            organization_number = fields.pop("organization_number", None)
            party = party_create(
                company=company,
                by=ctx.by,
                organization=orgs.get(organization_number) if organization_number else None,
                allow_duplicate=True,  # demo names repeat on purpose (common Thai and Khmer names)
                **fields,
            )
            if party.kind == PartyKind.ORGANIZATION:
                orgs[number] = party
            made += 1
        if bulk:
            _bulk_create(ctx, company, bulk, orgs)
            made += len(bulk)
        if made:
            ctx.count("parties", made)
