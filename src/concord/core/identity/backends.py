"""Authentication backend that answers ``has_perm`` from the user's roles in the active company."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from concord.core.identity.models import Company
from concord.core.identity.permissions import object_rules, permissions_for_roles
from concord.core.identity.scope import current_company_ids


def _model_label(obj: Any) -> str:
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}"


def _company_id_of(obj: Any) -> int | None:
    """The company an object belongs to; a Company is its own."""
    if obj is None:
        return None
    if isinstance(obj, Company):
        return int(obj.pk)
    return getattr(obj, "company_id", None)


class RoleBackend(ModelBackend):
    """Username/password login plus role-based, company-aware permissions.

    ``user.has_perm("sales.view")`` is true when one of the user's roles grants it in any company of
    the current scope; ``user.has_perm("sales.view", obj)`` checks the roles in ``obj.company`` and then
    the record-level rule registered for ``obj``'s model, if any.
    """

    def _roles(self, user_obj: Any, company_id: int | None) -> set[str]:
        memberships = user_obj.memberships.filter(is_active=True, company__is_active=True)
        if company_id is not None:
            memberships = memberships.filter(company_id=company_id)
        else:
            scope = current_company_ids()
            if scope is not None:
                memberships = memberships.filter(company_id__in=scope)
        return set(memberships.values_list("role", flat=True))

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        company_id = _company_id_of(obj)
        cache_name = f"_concord_perm_cache_{company_id}_{sorted(current_company_ids() or [])}"
        if not hasattr(user_obj, cache_name):
            setattr(user_obj, cache_name, permissions_for_roles(self._roles(user_obj, company_id)))
        return set(getattr(user_obj, cache_name))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active:
            return False
        allowed = user_obj.is_superuser or perm in self.get_all_permissions(user_obj, obj)
        if allowed and obj is not None:
            label = _model_label(obj)
            if label in object_rules:
                return bool(object_rules.get(label)(user_obj, perm, obj))
        return allowed
