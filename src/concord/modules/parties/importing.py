"""Importing parties from CSV or XLSX: the ``parties.party`` spec for the import framework.

A row is checked exactly as the party form checks it (same validation functions) and against the
company's existing parties and the rows above it in the same file: the same code, tax ID, email, phone
or normalised name is refused with the column named, and so is a very similar name (the form's rule,
through a trigram index: see ``similarity``) unless the row says yes in ``allow_duplicate``, the import's
way of the form's "create it anyway".
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.core.dataio.specs import ImportColumn, ImportSpec, RowError
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.modules.parties.models import ContactPoint, Party, PartyKind
from concord.modules.parties.services import party_create, party_delete
from concord.modules.parties.similarity import SimilarNames
from concord.modules.parties.validation import (
    clean_branch_code,
    clean_country,
    clean_email,
    clean_phone,
    clean_tax_id,
    name_key,
)

__all__ = ["PartyImport"]

_TRUE = frozenset({"1", "y", "yes", "true", "x", "✓", "ใช่", "បាទ", "ចាស"})
_FALSE = frozenset({"", "0", "n", "no", "false", "ไม่", "ទេ"})
_KINDS = {
    "": PartyKind.ORGANIZATION,
    "organization": PartyKind.ORGANIZATION,
    "organisation": PartyKind.ORGANIZATION,
    "company": PartyKind.ORGANIZATION,
    "person": PartyKind.PERSON,
    "individual": PartyKind.PERSON,
}


def _flag(row: dict[str, str], column: str) -> bool:
    value = row.get(column, "").strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise RowError(column, _("Write yes or no (or 1 / 0)."))


def _checked(column: str, clean: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return clean(*args, **kwargs)
    except ValidationFailed as exc:
        raise RowError(column, exc.message) from None


def _existing(seen: dict[str, Any], company: Company) -> dict[str, Any]:
    """What the company already has, loaded once per file (not once per row)."""
    if "_existing" not in seen:
        parties = Party.all_companies.filter(company=company)
        similar = SimilarNames()
        for key, name in parties.values_list("name_key", "name").iterator(chunk_size=5000):
            similar.add(key, name)
        seen["_similar_in_file"] = SimilarNames()
        seen["_existing"] = {
            "similar": similar,
            "code": {code.casefold() for code in parties.exclude(code="").values_list("code", flat=True)},
            "tax_id": set(parties.exclude(tax_id="").values_list("tax_id", flat=True)),
            "name": set(parties.values_list("name_key", flat=True)),
            "contact": set(
                ContactPoint.all_companies.filter(company=company).values_list("normalized", flat=True)
            ),
        }
        for key in ("code", "tax_id", "name", "contact"):
            seen.setdefault(key, {})
    existing: dict[str, Any] = seen["_existing"]
    return existing


def _unique(seen: dict[str, Any], existing: dict[str, Any], *, bucket: str, column: str, value: str) -> None:
    if not value:
        return
    if value in existing[bucket]:
        raise RowError(column, _("A party with this value already exists: %(value)s.") % {"value": value})
    if value in seen[bucket]:
        raise RowError(
            column, _("An earlier row of this file has the same value: %(value)s.") % {"value": value}
        )
    seen[bucket][value] = True


def _refuse_similar_name(seen: dict[str, Any], existing: dict[str, Any], key: str) -> None:
    hint = _("Write yes in the column allow_duplicate to import it anyway.")
    match = existing["similar"].find(key)
    if match is not None:
        raise RowError(
            "name", _("A party with a very similar name exists: %(name)s.") % {"name": match} + " " + hint
        )
    match = seen["_similar_in_file"].find(key)
    if match is not None:
        raise RowError(
            "name",
            _("An earlier row of this file has a very similar name: %(name)s.") % {"name": match}
            + " "
            + hint,
        )


class PartyImport(ImportSpec):
    """Customers, suppliers and contacts from a spreadsheet."""

    key = "parties.party"
    label = gettext_lazy("Customers and suppliers")
    permission = "parties.add"
    description = gettext_lazy(
        "One party per row. Country defaults to the company's; kind is organisation or person; "
        "customer and supplier are yes/no."
    )
    columns = [
        ImportColumn("name", gettext_lazy("Name"), required=True),
        ImportColumn("kind", gettext_lazy("Kind"), help=gettext_lazy("organisation or person")),
        ImportColumn("code", gettext_lazy("Code")),
        ImportColumn("tax_id", gettext_lazy("Tax ID")),
        ImportColumn(
            "branch_code", gettext_lazy("Branch code"), help=gettext_lazy("Thailand: 00000 = head office")
        ),
        ImportColumn("country", gettext_lazy("Country"), help=gettext_lazy("Two letters: TH, KH...")),
        ImportColumn("email", gettext_lazy("Email")),
        ImportColumn("phone", gettext_lazy("Phone")),
        ImportColumn("is_customer", gettext_lazy("Customer")),
        ImportColumn("is_supplier", gettext_lazy("Supplier")),
        ImportColumn("street", gettext_lazy("Street")),
        ImportColumn("city", gettext_lazy("City / district")),
        ImportColumn("province", gettext_lazy("Province")),
        ImportColumn("postal_code", gettext_lazy("Postal code")),
        ImportColumn("tags", gettext_lazy("Tags"), help=gettext_lazy("Separated by commas")),
        ImportColumn("notes", gettext_lazy("Notes")),
        ImportColumn(
            "allow_duplicate",
            gettext_lazy("Import even if similar"),
            help=gettext_lazy("yes to import a row whose name is very similar to another party's"),
        ),
    ]

    def validate_row(self, row: dict[str, str], *, company: Any, seen: dict[str, Any]) -> dict[str, Any]:
        existing = _existing(seen, company)
        name = " ".join(row.get("name", "").split())
        if not name:
            raise RowError("name", _("Enter the name of the organisation or person."))
        if len(name) > 200:
            raise RowError("name", _("A name has at most 200 characters."))
        kind = _KINDS.get(row.get("kind", "").strip().casefold())
        if kind is None:
            raise RowError("kind", _("Write organisation or person."))
        country = _checked("country", clean_country, row.get("country", "") or company.country)
        tax_id = _checked("tax_id", clean_tax_id, row.get("tax_id", ""), country=country)
        branch_code = _checked(
            "branch_code",
            clean_branch_code,
            row.get("branch_code", ""),
            country=country,
            has_tax_id=bool(tax_id),
        )
        email = row.get("email", "").strip()
        normalized_email = _checked("email", clean_email, email).casefold() if email else ""
        phone = row.get("phone", "").strip()
        normalized_phone = _checked("phone", clean_phone, phone, country=country) if phone else ""
        code = row.get("code", "").strip()
        if len(code) > 40:
            raise RowError("code", _("A code has at most 40 characters."))
        cleaned = {
            "name": name,
            "kind": str(kind),
            "code": code,
            "tax_id": tax_id,
            "branch_code": branch_code,
            "country": country,
            "emails": [email] if email else [],
            "phones": [phone] if phone else [],
            "is_customer": _flag(row, "is_customer"),
            "is_supplier": _flag(row, "is_supplier"),
            "tags": [tag for tag in (part.strip() for part in row.get("tags", "").split(",")) if tag],
            "notes": row.get("notes", "").strip(),
        }
        street = row.get("street", "").strip()
        if street:
            cleaned["addresses"] = [
                {
                    "street": street,
                    "city": row.get("city", "").strip(),
                    "province": row.get("province", "").strip(),
                    "postal_code": row.get("postal_code", "").strip(),
                    "country": country,
                }
            ]
        elif any(row.get(column, "").strip() for column in ("city", "province", "postal_code")):
            raise RowError("street", _("An address needs its street."))
        # Uniqueness last, so a row is remembered only once it is otherwise valid.
        _unique(seen, existing, bucket="code", column="code", value=code.casefold())
        _unique(seen, existing, bucket="tax_id", column="tax_id", value=tax_id)
        _unique(seen, existing, bucket="contact", column="email", value=normalized_email)
        _unique(seen, existing, bucket="contact", column="phone", value=normalized_phone)
        key = name_key(name)
        if not _flag(row, "allow_duplicate"):
            _unique(seen, existing, bucket="name", column="name", value=key)
            _refuse_similar_name(seen, existing, key)
        seen["_similar_in_file"].add(key, name)
        return cleaned

    def write_batch(self, rows: list[dict[str, Any]], *, company: Any, by: Any, job_id: int) -> list[int]:
        return [party_create(company=company, by=by, allow_duplicate=True, **row).pk for row in rows]

    def undo(self, ids: list[int], *, company: Any, by: Any) -> None:
        for party in Party.all_companies.filter(company=company, pk__in=ids).order_by("-kind", "-pk"):
            party_delete(party=party, by=by)
