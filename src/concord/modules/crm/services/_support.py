"""Helpers the CRM services share: who acts, company membership, field errors, publishing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company, User
from concord.core.outbox.facade import Event, publish
from concord.modules.parties.facade import PartySummary, party_summary

__all__ = [
    "FieldErrors",
    "actor",
    "actor_id",
    "clean_email",
    "clean_text",
    "member_of",
    "party_of",
    "publish_crm",
]

T = TypeVar("T")
_email_validator = EmailValidator()


class FieldErrors:
    """Collects every failing field of a form or payload, so all are reported at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def check(self, clean: Callable[[], T], *, field: str, default: T) -> T:
        try:
            return clean()
        except ValidationFailed as exc:
            for name, messages in exc.errors.items():
                self.errors.setdefault(field if name == "__all__" else name, []).extend(messages)
            return default

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        fields = [name for name in self.errors if name != "__all__"]
        field = fields[0] if len(self.errors) == 1 and fields else None
        message = "; ".join(message for messages in self.errors.values() for message in messages)
        raise ValidationFailed(message, field=field, errors=self.errors)


def actor_id(by: Any) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def actor(by: Any) -> Any:
    """The user to store as author (None for the system or an anonymous visitor)."""
    return by if actor_id(by) is not None else None


def clean_text(value: Any, *, max_length: int) -> str:
    """One line of text, inner whitespace collapsed, cut to ``max_length``."""
    return " ".join(str(value or "").split())[:max_length]


def clean_email(value: Any, *, field: str = "email") -> str:
    """The address stripped and lower-cased (how leads are matched), or ``ValidationFailed``."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        _email_validator(text)
    except ValidationError:
        raise ValidationFailed(
            _("“%(value)s” is not a valid email address.") % {"value": text}, field=field
        ) from None
    return text.casefold()


def member_of(company: Company, user: User | None, *, field: str) -> User | None:
    """``user`` if it is an active member of ``company`` (None stays None), else a 422 on ``field``."""
    if user is None:
        return None
    if not user.memberships.filter(company=company, is_active=True).exists():
        raise ValidationFailed(
            _("%(user)s is not a member of %(company)s.") % {"user": user, "company": company.name},
            field=field,
        )
    return user


def party_of(company: Company, party_id: int | None, *, field: str = "party_id") -> PartySummary:
    """The customer as parties' facade sees it: of ``company`` and active (else a 422 on ``field``)."""
    party = party_summary(party_id) if party_id is not None else None
    if party is None or party.company_id != company.pk:
        raise ValidationFailed(
            _("Choose a customer of %(company)s.") % {"company": company.name}, field=field
        )
    if not party.is_active:
        raise ValidationFailed(_("%(name)s is archived.") % {"name": party.name}, field=field)
    return party


def publish_crm(event: Event, *, by: Any, company_id: int, party_id: int | None, about: Any = None) -> None:
    """Publish ``event`` with the party as aggregate (or ``about`` when there is no party yet)."""
    aggregate = ("parties.party", party_id) if party_id is not None else about
    publish(event, company_id=company_id, actor_id=actor_id(by), aggregate=aggregate)
