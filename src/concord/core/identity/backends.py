"""Authentication backend that answers ``has_perm`` from the user's roles in the active company."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from concord.core.identity.models import Company
from concord.core.identity.otp_middleware import OTP_ENROLLED_ATTRIBUTE, confirmed_device_expression
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

    def get_user(self, user_id: Any) -> Any:
        """The session's user, loaded with whether they have a confirmed two-factor device.

        The answer (``OTP_ENROLLED_ATTRIBUTE``) rides on the user query, so the 2FA check that runs
        on every request (``otp_middleware.needs_verification``) costs no query of its own.
        """
        user_model = get_user_model()
        try:
            user = user_model._default_manager.annotate(
                **{OTP_ENROLLED_ATTRIBUTE: confirmed_device_expression()}
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def _roles(self, user_obj: Any, company_id: int | None) -> set[str]:
        # One read of the user's memberships, reused for the rest of the request (see User).
        by_company = user_obj.active_memberships().roles
        if company_id is not None:
            return set(by_company.get(company_id, ()))
        scope = current_company_ids()
        return {
            role
            for held_in, roles in by_company.items()
            if scope is None or held_in in scope
            for role in roles
        }

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        company_id = _company_id_of(obj)
        scope = current_company_ids()
        # None (unscoped: every company) and an empty scope (no company) must not share an entry.
        scope_key = "all" if scope is None else "-".join(str(pk) for pk in sorted(scope))
        cache_name = f"_concord_perm_cache_{company_id}_{scope_key}"
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
