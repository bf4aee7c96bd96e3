"""Invitations to the portal: invite (or re-invite), accept with a new password, revoke.

An invitation is a signed token (``django.core.signing``, seven days) naming the access and the moment
it was issued; re-inviting moves ``invited_at``, which makes every earlier link void, and an accepted
invitation cannot be used twice.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, NotFound, ValidationFailed
from concord.core.identity import services as identity_services
from concord.core.identity.models import Company, Membership, User
from concord.core.identity.roles import Role
from concord.core.outbox.facade import publish
from concord.modules.parties.facade import party_summary
from concord.modules.portal.events import PortalInvitationSent
from concord.modules.portal.models import PortalAccess

__all__ = [
    "INVITATION_MAX_AGE_SECONDS",
    "invitation_access",
    "invitation_token",
    "portal_invitation_accept",
    "portal_invite",
    "portal_revoke",
]

INVITATION_MAX_AGE_SECONDS = 7 * 24 * 3600
_SALT = "concord.portal.invitation"


def _actor(by: Any) -> User | None:
    return by if isinstance(by, User) and by.is_authenticated else None


def invitation_token(access: PortalAccess) -> str:
    """The signed token of ``access``'s current invitation."""
    return signing.dumps({"access": access.pk, "at": access.invited_at.isoformat()}, salt=_SALT)


def invitation_access(token: str) -> PortalAccess:
    """The access a still valid, unused invitation token opens; ``NotFound`` for anything else."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=INVITATION_MAX_AGE_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one
        raise NotFound(_("This invitation link is not valid or has expired.")) from None
    access = (
        PortalAccess.all_companies.select_related("user", "company")
        .filter(pk=data.get("access"), active=True)
        .first()
    )
    if access is None or access.invited_at.isoformat() != data.get("at"):
        raise NotFound(_("This invitation link is not valid or has expired."))
    if access.accepted_at is not None and access.accepted_at >= access.invited_at:
        raise NotFound(_("This invitation was already used: sign in with your password."))
    return access


def _portal_user(*, company: Company, email: str, by: User | None) -> User:
    username = email
    if User.objects.filter(username__iexact=username).exists():
        username = f"{email}.{company.pk}"
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("A user named %(username)s already exists.") % {"username": username})
    return identity_services.user_create(by=by, username=username, email=email, password=None)


def portal_invite(
    *, company: Company, party_id: int, email: str, by: Any, link_base: str = ""
) -> PortalAccess:
    """Invite ``email`` to the portal as a contact of party ``party_id``; the email goes out after commit.

    A new address gets a user without a usable password and a ``portal`` membership; inviting an
    address again refreshes its invitation (and re-activates a revoked access).
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(_("Give a valid email address."), field="email") from None
    party = party_summary(party_id)
    if party is None or party.company_id != company.pk:
        raise ValidationFailed(
            _("The customer does not belong to %(company)s.") % {"company": company.name}, field="party_id"
        )
    actor = _actor(by)
    with transaction.atomic():
        access = PortalAccess.all_companies.select_for_update().filter(company=company, email=email).first()
        now = timezone.now()
        if access is None:
            user = _portal_user(company=company, email=email, by=actor)
            access = PortalAccess(company=company, party_id=party.id, user=user, email=email, invited_at=now)
            access.save(force_insert=True)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=access,
                changes={"party_id": [None, party.id], "email": [None, email]},
            )
        else:
            if access.party_id != party.id:
                raise Conflict(
                    _("%(email)s already has portal access for another customer.") % {"email": email}
                )
            changes: dict[str, list[Any]] = {"invited_at": [access.invited_at.isoformat(), now.isoformat()]}
            if not access.active:
                changes["active"] = [False, True]
            access.invited_at = now
            access.active = True
            access.save(update_fields=["invited_at", "active"])
            audit_record(actor=actor, action=AuditAction.UPDATE, obj=access, changes=changes)
        if not access.user.is_active:
            identity_services.user_update(user=access.user, by=actor, is_active=True)
        identity_services.membership_grant(user=access.user, company=company, role=Role.PORTAL, by=actor)
        publish(
            PortalInvitationSent(
                access_id=access.pk,
                company_id=company.pk,
                party_id=party.id,
                email=email,
                invited_at=access.invited_at.isoformat(),
                link_base=link_base.rstrip("/"),
            ),
            company_id=company.pk,
            actor_id=actor.pk if actor is not None else None,
            aggregate=("parties.party", party.id),
        )
    return access


def portal_invitation_accept(*, token: str, password: str) -> PortalAccess:
    """Set the invited user's password from a valid token and mark the invitation accepted."""
    access = invitation_access(token)
    with transaction.atomic():
        locked = PortalAccess.all_companies.select_for_update().select_related("user").get(pk=access.pk)
        if locked.accepted_at is not None and locked.accepted_at >= locked.invited_at:
            raise NotFound(_("This invitation was already used: sign in with your password."))
        identity_services.user_set_password(user=locked.user, by=locked.user, password=password)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        audit_record(
            actor=locked.user,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"accepted_at": [None, locked.accepted_at.isoformat()]},
        )
    return locked


def portal_revoke(*, access: PortalAccess, by: Any) -> PortalAccess:
    """Take the portal away: the access becomes inactive and so does the portal membership."""
    actor = _actor(by)
    with transaction.atomic():
        locked = PortalAccess.all_companies.select_for_update().get(pk=access.pk)
        if not locked.active:
            return locked
        locked.active = False
        locked.save(update_fields=["active"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes={"active": [True, False]})
        membership = Membership.objects.filter(
            user_id=locked.user_id, company_id=locked.company_id, role=Role.PORTAL, is_active=True
        ).first()
        if membership is not None:
            identity_services.membership_revoke(membership=membership, by=actor)
    return locked
