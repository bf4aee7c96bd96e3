"""Companies, users and memberships in the Django admin, written through the identity services.

The admin is a superuser's back door, but it still leaves the audit trail and publishes the events
(a company created here gets its defaults like any other): ``save_model`` calls the services instead of
``obj.save()``. Deleting is not offered: companies, users and roles are deactivated, never deleted.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import Company, Membership, User
from concord.core.identity.services import (
    COMPANY_UPDATABLE,
    USER_UPDATABLE,
    company_create,
    company_update,
    membership_grant,
    membership_revoke,
    user_create,
    user_set_password,
    user_update,
)

if TYPE_CHECKING:
    CompanyAdminBase = admin.ModelAdmin[Company]
    MembershipAdminBase = admin.ModelAdmin[Membership]
    UserAdminBase = DjangoUserAdmin[User]
    PasswordChangeFormBase = AdminPasswordChangeForm[User]
else:  # Django's classes are not subscriptable at run time (no django_stubs_ext.monkeypatch())
    CompanyAdminBase = MembershipAdminBase = admin.ModelAdmin
    UserAdminBase = DjangoUserAdmin
    PasswordChangeFormBase = AdminPasswordChangeForm

# The admin's password view calls ``form.save()`` without the request; the view sets the acting user here.
_acting_user: ContextVar[User | None] = ContextVar("concord_admin_acting_user", default=None)


def _adopt(target: models.Model, created: models.Model) -> None:
    """Make the admin's unsaved instance the row the service created, so the admin redirects to it."""
    target.__dict__.update({key: value for key, value in created.__dict__.items() if key != "_state"})
    target._state.adding = False
    target._state.db = created._state.db


def _changed(form: ModelForm[Any], allowed: frozenset[str]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}


def _acting(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


@admin.register(Company)
class CompanyAdmin(CompanyAdminBase):
    list_display = ("code", "name", "country", "currency", "is_active")
    list_filter = ("country", "currency", "is_active")
    search_fields = ("code", "name", "legal_name", "tax_id")
    readonly_fields = ("created_at",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Company, form: ModelForm[Any], change: bool) -> None:
        if change:
            original = Company.objects.get(pk=obj.pk)
            company_update(company=original, by=_acting(request), **_changed(form, COMPANY_UPDATABLE))
            _adopt(obj, original)
            return
        data = form.cleaned_data
        created = company_create(
            by=_acting(request),
            name=data["name"],
            code=data["code"],
            country=data["country"],
            currency=data["currency"],
            legal_name=data.get("legal_name", ""),
            tax_id=data.get("tax_id", ""),
            branch_code=data.get("branch_code") or "00000",
            address=data.get("address", ""),
            language=data.get("language") or "en",
            timezone=data.get("timezone") or "Asia/Bangkok",
        )
        _adopt(obj, created)


@admin.register(Membership)
class MembershipAdmin(MembershipAdminBase):
    list_display = ("user", "company", "role", "is_active", "created_at")
    list_filter = ("role", "is_active", "company")
    search_fields = ("user__username", "company__code", "company__name")
    list_select_related = ("user", "company")
    autocomplete_fields = ("user", "company")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # a role is granted or revoked, never turned into another one: that keeps the history readable
        return ("user", "company", "role", "created_at") if obj is not None else ("created_at",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Membership, form: ModelForm[Any], change: bool) -> None:
        by = _acting(request)
        if change:
            original = Membership.objects.get(pk=obj.pk)
            if obj.is_active and not original.is_active:
                original = membership_grant(
                    user=original.user, company=original.company, role=original.role, by=by
                )
            elif not obj.is_active and original.is_active:
                original = membership_revoke(membership=original, by=by)
            _adopt(obj, original)
            return
        granted = membership_grant(user=obj.user, company=obj.company, role=obj.role, by=by)
        _adopt(obj, granted)


class AuditedPasswordChangeForm(PasswordChangeFormBase):
    """The admin's password form, saving through ``user_set_password`` so the change is audited."""

    def save(self, commit: bool = True) -> Any:
        password = (
            self.cleaned_data["password1"] if self.cleaned_data.get("set_usable_password", True) else None
        )
        user_set_password(user=self.user, by=_acting_user.get(), password=password)
        return self.user


@admin.register(User)
class UserAdmin(UserAdminBase):
    change_password_form = AuditedPasswordChangeForm
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser")
    list_filter = ("is_active", "is_staff", "is_superuser")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language", "default_company")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()  # roles come from memberships; Django groups and permissions are unused

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:  # noqa: A002 - Django's signature
        token = _acting_user.set(_acting(request))
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting_user.reset(token)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        by = _acting(request)
        if change:
            original = User.objects.get(pk=obj.pk)
            user_update(user=original, by=by, **_changed(form, USER_UPDATABLE))
            _adopt(obj, original)
            return
        data = form.cleaned_data
        password = data.get("password1") if data.get("set_usable_password", True) else None
        created = user_create(by=by, username=data["username"], password=password or None)
        _adopt(obj, created)
