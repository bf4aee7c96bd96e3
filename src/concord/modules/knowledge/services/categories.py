"""Article categories: create, rename and move, delete when empty."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.models import Company
from concord.modules.knowledge.models import Article, ArticleCategory

__all__ = ["category_create", "category_delete", "category_of", "category_update"]

_FIELDS = ("name", "name_th", "name_km", "description", "parent_id", "sequence")


def category_of(
    company: Company | int, category_id: int | None, *, field: str = "category_id"
) -> ArticleCategory | None:
    """The category ``category_id`` if it belongs to ``company`` (None for None; else a 422 on ``field``)."""
    if category_id is None:
        return None
    company_id = company if isinstance(company, int) else company.pk
    category = ArticleCategory.all_companies.filter(pk=category_id, company_id=company_id).first()
    if category is None:
        raise ValidationFailed(_("There is no such category in this company."), field=field)
    return category


def _check(company_id: int, values: dict[str, Any], category_id: int | None) -> None:
    name = values["name"]
    if not name:
        raise ValidationFailed(_("A category needs a name."), field="name")
    clash = ArticleCategory.all_companies.filter(company_id=company_id, name__iexact=name)
    if category_id is not None:
        clash = clash.exclude(pk=category_id)
    if clash.exists():
        raise ValidationFailed(_("A category with this name already exists."), field="name")
    if values["sequence"] is None or int(values["sequence"]) < 0:
        raise ValidationFailed(_("The sequence cannot be negative."), field="sequence")
    parent_id = values["parent_id"]
    seen: set[int] = set()
    while parent_id is not None:
        if parent_id == category_id or parent_id in seen:
            raise ValidationFailed(_("A category cannot be inside itself."), field="parent_id")
        seen.add(parent_id)
        parent = category_of(company_id, parent_id, field="parent_id")
        parent_id = parent.parent_id if parent is not None else None


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    return {name: (value.strip() if isinstance(value, str) else value) for name, value in values.items()}


def category_create(
    *,
    company: Company,
    name: str,
    by: Any,
    name_th: str = "",
    name_km: str = "",
    description: str = "",
    parent_id: int | None = None,
    sequence: int = 10,
) -> ArticleCategory:
    """Add a category (optionally inside ``parent_id``), named in English with Thai and Khmer names."""
    values = _cleaned(
        {
            "name": name,
            "name_th": name_th,
            "name_km": name_km,
            "description": description,
            "parent_id": parent_id,
            "sequence": sequence,
        }
    )
    _check(company.pk, values, None)
    with transaction.atomic():
        category = ArticleCategory.objects.create(company=company, **values)
        audit_record(actor=by, action=AuditAction.CREATE, obj=category)
    return category


def category_update(*, category: ArticleCategory, by: Any, **changes: Any) -> ArticleCategory:
    """Change the fields given (names, description, parent, sequence)."""
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        first = sorted(unknown)[0]
        raise ValidationFailed(_("Unknown or read-only field: %(name)s") % {"name": first}, field=first)
    values = {name: getattr(category, name) for name in _FIELDS}
    values.update(_cleaned(changes))
    _check(category.company_id, values, category.pk)
    with transaction.atomic():
        locked = ArticleCategory.all_companies.select_for_update().get(pk=category.pk)
        diff = {
            name: [str(getattr(locked, name)), str(value)]
            for name, value in values.items()
            if getattr(locked, name) != value
        }
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        if diff:
            audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=diff)
    return locked


def category_delete(*, category: ArticleCategory, by: Any) -> None:
    """Remove an empty category; one holding articles or sub-categories is a 409."""
    with transaction.atomic():
        if Article.all_companies.filter(category_id=category.pk).exists():
            raise Conflict(_("This category still holds articles: move or archive them first."))
        if ArticleCategory.all_companies.filter(parent_id=category.pk).exists():
            raise Conflict(_("This category still holds sub-categories."))
        audit_record(actor=by, action=AuditAction.DELETE, obj=category)
        category.delete()
