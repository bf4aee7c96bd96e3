"""Writes to companies, users and memberships. Each function owns its transaction, validates, leaves an
audit entry and publishes an event through the outbox. Other code never saves these models directly.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import REDACTED, audit_record, audited_update, created_changes
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.errors import DuplicateIdentityError, IdentityError, WeakPasswordError
from concord.core.identity.events import (
    CompanyCreated,
    CompanyUpdated,
    MembershipGranted,
    MembershipRevoked,
    UserCreated,
    UserDeactivated,
    UserPasswordChanged,
    UserUpdated,
)
from concord.core.identity.models import AccessToken, Company, Membership, User
from concord.core.identity.roles import Role
from concord.core.outbox.facade import Event, publish

COMPANY_UPDATABLE = frozenset(
    {
        "name",
        "code",
        "legal_name",
        "country",
        "currency",
        "tax_id",
        "branch_code",
        "address",
        "language",
        "timezone",
        "is_active",
    }
)
USER_UPDATABLE = frozenset(
    {
        "username",
        "email",
        "first_name",
        "last_name",
        "language",
        "default_company",
        "default_company_id",
        "is_staff",
        "is_superuser",
        "is_active",
    }
)


def _publish(event: Event, *, by: User | None, about: Company | User | Membership) -> None:
    publish(event, actor_id=_by_id(by), aggregate=about)


def _by_id(by: User | None) -> int | None:
    return by.pk if by is not None and by.is_authenticated else None


def _check_language(language: str) -> None:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise IdentityError(_("Unsupported language: %(code)s") % {"code": language}, field="language")


def _check_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise IdentityError(_("Unknown time zone: %(name)s") % {"name": name}, field="timezone") from None


def _check_company_code_free(code: str, *, exclude_id: int | None = None) -> None:
    taken = Company.objects.filter(code__iexact=code)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise DuplicateIdentityError(
            _("A company with the code %(code)s already exists.") % {"code": code}, field="code"
        )


def _check_username_free(username: str, *, exclude_id: int | None = None) -> None:
    taken = User.objects.filter(username__iexact=username)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise DuplicateIdentityError(
            _("The username %(username)s is already taken.") % {"username": username}, field="username"
        )


def _full_clean(obj: Company | User | Membership) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise IdentityError.from_django(exc) from exc


def _update(
    obj: Company | User | Membership | AccessToken, *, by: User | None, changes: dict[str, Any]
) -> list[str]:
    """Apply ``changes`` through the audit helper; returns the names of the fields that changed."""
    try:
        recorded = audited_update(obj, by=by, **changes)
    except IdentityError:
        raise
    except ValidationFailed as exc:
        raise IdentityError(exc.message, field=exc.field, errors=exc.errors) from exc
    return sorted(recorded)


# --------------------------------------------------------------------------- companies
def company_create(
    *,
    by: User | None,
    name: str,
    code: str,
    country: str,
    currency: str,
    legal_name: str = "",
    tax_id: str = "",
    branch_code: str = "00000",
    language: str = "en",
    timezone: str = "Asia/Bangkok",
    address: str = "",
) -> Company:
    """Set up a new company; publishes ``CompanyCreated`` so modules can create its defaults."""
    company = Company(
        name=name.strip(),
        code=code.strip(),
        country=country.strip().upper(),
        currency=currency.strip().upper(),
        legal_name=legal_name.strip(),
        tax_id=tax_id.strip(),
        branch_code=branch_code.strip(),
        language=language,
        timezone=timezone,
        address=address.strip(),
    )
    _check_language(language)
    _check_timezone(timezone)
    with transaction.atomic():
        _check_company_code_free(company.code)
        _full_clean(company)
        try:
            with transaction.atomic():
                company.save(force_insert=True)
        except IntegrityError as exc:  # a concurrent create took the code between check and insert
            raise DuplicateIdentityError(
                _("A company with the code %(code)s already exists.") % {"code": company.code}, field="code"
            ) from exc
        audit_record(actor=by, action=AuditAction.CREATE, obj=company, changes=created_changes(company))
        if by is not None and not by.is_superuser:
            # Whoever sets a company up administers it; otherwise its creator could not even see it.
            membership_grant(user=by, company=company, role=Role.ADMIN, by=by)
        _publish(
            CompanyCreated(
                company_id=company.pk,
                code=company.code,
                country=company.country,
                currency=company.currency,
            ),
            by=by,
            about=company,
        )
    return company


def company_update(*, company: Company, by: User | None, **changes: Any) -> Company:
    """Change a company's details (name, tax id, language...); publishes ``CompanyUpdated``."""
    unknown = sorted(set(changes) - COMPANY_UPDATABLE)
    if unknown:
        raise IdentityError(
            _("This field cannot be changed here: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    for key in ("country", "currency"):
        if isinstance(changes.get(key), str):
            changes[key] = changes[key].strip().upper()
    if "language" in changes:
        _check_language(changes["language"])
    if "timezone" in changes:
        _check_timezone(changes["timezone"])
    with transaction.atomic():
        if "code" in changes:
            changes["code"] = str(changes["code"]).strip()
            _check_company_code_free(changes["code"], exclude_id=company.pk)
        changed = _update(company, by=by, changes=changes)
        if changed:
            _publish(CompanyUpdated(company_id=company.pk, fields=tuple(changed)), by=by, about=company)
    return company


# --------------------------------------------------------------------------- users
def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        messages = [str(message) for message in exc.messages]
        raise WeakPasswordError(" ".join(messages), field="password", errors={"password": messages}) from exc


def user_create(
    *,
    by: User | None,
    username: str,
    email: str = "",
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
    is_superuser: bool = False,
    is_staff: bool = False,
) -> User:
    """Create a user account; ``password=None`` leaves it unusable (set later, or single sign-on)."""
    user = User(
        username=username.strip(),
        email=User.objects.normalize_email(email.strip()),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
        is_superuser=is_superuser,
        is_staff=is_staff,
    )
    _check_language(language)
    if password is None:
        user.set_unusable_password()
    else:
        _check_password(password, user)
        user.set_password(password)
    with transaction.atomic():
        _check_username_free(user.username)
        _full_clean(user)
        try:
            with transaction.atomic():
                user.save(force_insert=True)
        except IntegrityError as exc:
            raise DuplicateIdentityError(
                _("The username %(username)s is already taken.") % {"username": user.username},
                field="username",
            ) from exc
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=user,
            changes=created_changes(user, fields=_USER_CREATE_AUDIT_FIELDS),
        )
        _publish(UserCreated(user_id=user.pk, username=user.username), by=by, about=user)
    return user


_USER_CREATE_AUDIT_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "language",
    "is_superuser",
    "is_staff",
    "is_active",
    "password",
)


def user_update(*, user: User, by: User | None, **changes: Any) -> User:
    """Change a user's profile or flags; the password goes through ``user_set_password``."""
    if "password" in changes:
        raise IdentityError(_("Use the password change to set a password."), field="password")
    unknown = sorted(set(changes) - USER_UPDATABLE)
    if unknown:
        raise IdentityError(
            _("This field cannot be changed here: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    if "language" in changes:
        _check_language(changes["language"])
    if isinstance(changes.get("email"), str):
        changes["email"] = User.objects.normalize_email(changes["email"].strip())
    default = changes.get("default_company", changes.get("default_company_id"))
    if default is not None and not (changes.get("is_superuser", user.is_superuser)):
        company_id = default.pk if isinstance(default, Company) else default
        if not user.memberships.filter(company_id=company_id, is_active=True).exists():
            raise IdentityError(
                _("The default company must be one the user is a member of."), field="default_company"
            )
    with transaction.atomic():
        if "username" in changes:
            changes["username"] = str(changes["username"]).strip()
            _check_username_free(changes["username"], exclude_id=user.pk)
        deactivating = changes.get("is_active") is False and user.is_active
        changed = _update(user, by=by, changes=changes)
        if deactivating:
            _revoke_tokens(user=user, by=by)
            _publish(UserDeactivated(user_id=user.pk), by=by, about=user)
        if changed:
            _publish(UserUpdated(user_id=user.pk, fields=tuple(changed)), by=by, about=user)
    return user


def user_set_password(*, user: User, by: User | None, password: str | None) -> None:
    """Set a new password after checking it against the password validators.

    ``password=None`` makes the password unusable (password sign-in disabled).
    """
    if password is not None:
        _check_password(password, user)
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=user, changes={"password": [REDACTED, REDACTED]}
        )
        _publish(UserPasswordChanged(user_id=user.pk), by=by, about=user)


def _revoke_tokens(*, user: User, by: User | None) -> None:
    revoked_at = now()
    for token in AccessToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        _update(token, by=by, changes={"revoked_at": revoked_at})


def user_deactivate(*, user: User, by: User | None) -> User:
    """Stop a user from signing in and revoke their access tokens (history stays: users are never deleted)."""
    if not user.is_active:
        return user
    return user_update(user=user, by=by, is_active=False)


# --------------------------------------------------------------------------- memberships
def membership_grant(*, user: User, company: Company, role: str, by: User | None) -> Membership:
    """Give ``user`` a role in ``company``; granting a role held before re-activates it (idempotent)."""
    if role not in Role.values:
        raise IdentityError(_("Unknown role: %(role)s") % {"role": role}, field="role")
    if not company.is_active:
        raise IdentityError(_("The company is not active."), field="company")
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(user=user, company=company, role=role).first()
        )
        if membership is not None and membership.is_active:
            return membership
        if membership is not None:
            _update(membership, by=by, changes={"is_active": True})
        else:
            membership = Membership(user=user, company=company, role=role)
            try:
                with transaction.atomic():
                    membership.save(force_insert=True)
            except IntegrityError:  # granted concurrently: the other grant stands
                return Membership.objects.get(user=user, company=company, role=role)
            audit_record(
                actor=by, action=AuditAction.CREATE, obj=membership, changes=created_changes(membership)
            )
        _publish(
            MembershipGranted(
                membership_id=membership.pk,
                user_id=user.pk,
                company_id=company.pk,
                role=role,
            ),
            by=by,
            about=membership,
        )
    return membership


def membership_revoke(*, membership: Membership, by: User | None) -> Membership:
    """Take a role away (the row stays, inactive, for history). A company keeps at least one admin."""
    if not membership.is_active:
        return membership
    with transaction.atomic():
        if membership.role == Role.ADMIN:
            other_admins = (
                Membership.objects.select_for_update(of=("self",))
                .filter(
                    company_id=membership.company_id, role=Role.ADMIN, is_active=True, user__is_active=True
                )
                .exclude(pk=membership.pk)
            )
            if not other_admins.exists():
                raise Conflict(
                    _("A company must keep at least one administrator."), field="role", code="last_admin"
                )
        _update(membership, by=by, changes={"is_active": False})
        _publish(
            MembershipRevoked(
                membership_id=membership.pk,
                user_id=membership.user_id,
                company_id=membership.company_id,
                role=membership.role,
            ),
            by=by,
            about=membership,
        )
    return membership


__all__ = [
    "company_create",
    "company_update",
    "membership_grant",
    "membership_revoke",
    "user_create",
    "user_deactivate",
    "user_set_password",
    "user_update",
]
