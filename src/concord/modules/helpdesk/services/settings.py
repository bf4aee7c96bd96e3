"""Helpdesk settings: teams (calendar, holidays, members), SLA policies, categories, tags, canned replies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, audited_update, created_changes, deleted_changes
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company, User
from concord.modules.helpdesk.business_hours import parse_hhmm
from concord.modules.helpdesk.models import (
    CannedReply,
    Escalation,
    Priority,
    SlaPolicy,
    Tag,
    Team,
    TeamHoliday,
    TeamKind,
    Ticket,
    TicketCategory,
)
from concord.modules.helpdesk.services._support import actor

__all__ = [
    "canned_reply_create",
    "canned_reply_delete",
    "canned_reply_render",
    "canned_reply_update",
    "category_create",
    "category_delete",
    "holiday_add",
    "holiday_remove",
    "sla_policy_set",
    "tag_create",
    "team_create",
    "team_members_set",
    "team_update",
    "working_hours_clean",
]

_TEAM_FIELDS = (
    "name",
    "kind",
    "email_address",
    "timezone",
    "working_hours",
    "manager",
    "form_enabled",
    "auto_reply",
)


def working_hours_clean(value: Any) -> list[list[list[str]]]:
    """7 lists (Monday first) of ``["HH:MM", "HH:MM"]``; a 422 on ``working_hours`` otherwise."""
    if not isinstance(value, list | tuple) or len(value) != 7:
        raise ValidationFailed(_("Give the working hours of the seven weekdays."), field="working_hours")
    days: list[list[list[str]]] = []
    for day in value:
        pairs: list[list[str]] = []
        for pair in day or []:
            try:
                start, end = str(pair[0]), str(pair[1])
                begin, finish = parse_hhmm(start), parse_hhmm(end)
            except (TypeError, ValueError, IndexError):
                raise ValidationFailed(
                    _("Working hours are intervals such as 09:00-18:00."), field="working_hours"
                ) from None
            if begin == finish:
                raise ValidationFailed(_("An interval cannot be empty."), field="working_hours")
            pairs.append([f"{begin // 60:02d}:{begin % 60:02d}", f"{finish // 60:02d}:{finish % 60:02d}"])
        days.append(pairs)
    return days


def parse_hours_text(text: str) -> list[list[str]]:
    """``"09:00-12:00, 13:00-18:00"`` -> pairs; empty text is a closed day (for the settings form)."""
    pairs: list[list[str]] = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        start, sep, end = part.partition("-")
        if not sep:
            raise ValidationFailed(
                _("Working hours are intervals such as 09:00-18:00."), field="working_hours"
            )
        pairs.append([start, end])
    return pairs


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        raise ValidationFailed(_("Unknown time zone."), field="timezone") from None
    return name


def _check_user(company: Company, user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True, memberships__company_id=company.pk).first()
    if user is None:
        raise ValidationFailed(_("This person is not a member of the company."), field=field)
    return user


def _created(obj: Model, by: Any) -> None:
    audit_record(actor=actor(by), action=AuditAction.CREATE, obj=obj, changes=created_changes(obj))


def team_create(
    *,
    company: Company,
    name: str,
    by: Any,
    kind: str = TeamKind.SUPPORT,
    email_address: str = "",
    timezone: str = "Asia/Bangkok",
    working_hours: Sequence[Any] | None = None,
    manager_id: int | None = None,
    member_ids: Iterable[int] = (),
) -> Team:
    """A new team (Monday-Friday 09:00-18:00 unless ``working_hours`` says otherwise)."""
    if not name.strip():
        raise ValidationFailed(_("This field is required."), field="name")
    if kind not in TeamKind.values:
        raise ValidationFailed(_("Unknown team kind."), field="kind")
    email = email_address.strip().lower()
    if email and Team.all_companies.filter(email_address=email).exists():
        raise ValidationFailed(_("Another team already receives this address."), field="email_address")
    manager = _check_user(company, manager_id, "manager_id")
    with transaction.atomic():
        team = Team(
            company=company,
            name=name.strip()[:120],
            kind=kind,
            email_address=email,
            timezone=_check_timezone(timezone),
            manager=manager,
        )
        if working_hours is not None:
            team.working_hours = working_hours_clean(list(working_hours))
        if Team.all_companies.filter(company=company, name__iexact=team.name).exists():
            raise ValidationFailed(_("A team with this name already exists."), field="name")
        team.save(force_insert=True)
        members = [m for m in (_check_user(company, pk, "member_ids") for pk in member_ids) if m is not None]
        team.members.set(members)
        _created(team, by)
    return team


def team_update(*, team: Team, by: Any, **changes: Any) -> Team:
    """Change the fields given (``manager_id`` for the manager, ``working_hours`` as 7 lists of pairs)."""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "manager_id":
            values["manager"] = _check_user(team.company, value, "manager_id")
        elif name == "working_hours":
            values["working_hours"] = working_hours_clean(value)
        elif name == "timezone":
            values["timezone"] = _check_timezone(str(value))
        elif name == "email_address":
            email = str(value or "").strip().lower()
            if email and Team.all_companies.filter(email_address=email).exclude(pk=team.pk).exists():
                raise ValidationFailed(
                    _("Another team already receives this address."), field="email_address"
                )
            values["email_address"] = email
        elif name in _TEAM_FIELDS or name == "is_active":
            values[name] = value
        else:
            raise ValidationFailed(_("Unknown or read-only field: %(name)s") % {"name": name}, field=name)
    with transaction.atomic():
        audited_update(team, by=actor(by), **values)
    return team


def team_members_set(*, team: Team, member_ids: Iterable[int], by: Any) -> Team:
    members = [m for m in (_check_user(team.company, pk, "member_ids") for pk in member_ids) if m is not None]
    with transaction.atomic():
        before = sorted(team.members.values_list("pk", flat=True))
        team.members.set(members)
        after = sorted(member.pk for member in members)
        if before != after:
            audit_record(
                actor=actor(by), action=AuditAction.UPDATE, obj=team, changes={"members": [before, after]}
            )
    return team


def holiday_add(*, team: Team, date: dt.date, by: Any, name: str = "") -> TeamHoliday:
    if TeamHoliday.all_companies.filter(team=team, date=date).exists():
        raise ValidationFailed(_("This day is already a holiday of the team."), field="date")
    with transaction.atomic():
        holiday = TeamHoliday.all_companies.create(
            company_id=team.company_id, team=team, date=date, name=name[:120]
        )
        _created(holiday, by)
    return holiday


def holiday_remove(*, holiday: TeamHoliday, by: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor(by), action=AuditAction.DELETE, obj=holiday, changes=deleted_changes(holiday)
        )
        holiday.delete()


def sla_policy_set(
    *,
    team: Team,
    priority: str,
    first_response_minutes: int,
    resolution_minutes: int,
    by: Any,
    business_hours: bool = True,
    warn_before_minutes: int = 30,
    escalation: str = Escalation.NOTIFY,
) -> SlaPolicy:
    """Create or change the team's policy for ``priority``; open tickets keep the due times they got."""
    if priority not in Priority.values:
        raise ValidationFailed(_("Unknown priority."), field="priority")
    if escalation not in Escalation.values:
        raise ValidationFailed(_("Unknown escalation."), field="escalation")
    for field, value in (
        ("first_response_minutes", first_response_minutes),
        ("resolution_minutes", resolution_minutes),
    ):
        if int(value) <= 0:
            raise ValidationFailed(_("SLA targets must be at least one minute."), field=field)
    if int(first_response_minutes) > int(resolution_minutes):
        raise ValidationFailed(
            _("The first response cannot be due after the resolution."), field="first_response_minutes"
        )
    values = {
        "first_response_minutes": int(first_response_minutes),
        "resolution_minutes": int(resolution_minutes),
        "business_hours": bool(business_hours),
        "warn_before_minutes": max(0, int(warn_before_minutes)),
        "escalation": escalation,
    }
    with transaction.atomic():
        policy = SlaPolicy.all_companies.filter(team=team, priority=priority).first()
        if policy is None:
            policy = SlaPolicy.all_companies.create(
                company_id=team.company_id, team=team, priority=priority, **values
            )
            _created(policy, by)
        else:
            audited_update(policy, by=actor(by), **values)
    return policy


def category_create(*, company: Company, name: str, by: Any, team_id: int | None = None) -> TicketCategory:
    if not name.strip():
        raise ValidationFailed(_("This field is required."), field="name")
    team = Team.all_companies.filter(pk=team_id, company=company).first() if team_id is not None else None
    if team_id is not None and team is None:
        raise ValidationFailed(_("There is no such team."), field="team_id")
    if TicketCategory.all_companies.filter(company=company, name__iexact=name.strip()).exists():
        raise ValidationFailed(_("A category with this name already exists."), field="name")
    with transaction.atomic():
        category = TicketCategory.all_companies.create(company=company, name=name.strip()[:120], team=team)
        _created(category, by)
    return category


def category_delete(*, category: TicketCategory, by: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor(by), action=AuditAction.DELETE, obj=category, changes=deleted_changes(category)
        )
        category.delete()


def tag_create(*, company: Company, name: str, by: Any) -> Tag:
    if not name.strip():
        raise ValidationFailed(_("This field is required."), field="name")
    try:
        with transaction.atomic():
            tag = Tag.all_companies.create(company=company, name=name.strip()[:60])
            _created(tag, by)
    except IntegrityError:
        raise ValidationFailed(_("This tag already exists."), field="name") from None
    return tag


def canned_reply_create(
    *, company: Company, title: str, body: str, by: Any, team_id: int | None = None
) -> CannedReply:
    if not title.strip():
        raise ValidationFailed(_("This field is required."), field="title")
    if not body.strip():
        raise ValidationFailed(_("This field is required."), field="body")
    team = Team.all_companies.filter(pk=team_id, company=company).first() if team_id is not None else None
    if team_id is not None and team is None:
        raise ValidationFailed(_("There is no such team."), field="team_id")
    with transaction.atomic():
        reply = CannedReply.all_companies.create(
            company=company, team=team, title=title.strip()[:120], body=body
        )
        _created(reply, by)
    return reply


def canned_reply_update(
    *, reply: CannedReply, by: Any, title: str, body: str, team_id: int | None
) -> CannedReply:
    team = Team.all_companies.filter(pk=team_id, company_id=reply.company_id).first() if team_id else None
    if team_id is not None and team is None:
        raise ValidationFailed(_("There is no such team."), field="team_id")
    with transaction.atomic():
        audited_update(reply, by=actor(by), title=title.strip()[:120], body=body, team=team)
    return reply


def canned_reply_delete(*, reply: CannedReply, by: Any) -> None:
    with transaction.atomic():
        audit_record(actor=actor(by), action=AuditAction.DELETE, obj=reply, changes=deleted_changes(reply))
        reply.delete()


_PLACEHOLDER = re.compile(r"{{\s*([a-z_]+)\s*}}")


def canned_reply_render(*, reply: CannedReply, ticket: Ticket, agent: Any = None) -> str:
    """The reply's text for ``ticket``: known placeholders filled in, as plain text (no template code runs:
    a placeholder is a name, never an expression); unknown placeholders are left as written."""
    values = {
        "customer_name": ticket.contact_name or (ticket.party.name if ticket.party is not None else ""),
        "ticket_number": ticket.number,
        "ticket_subject": ticket.subject,
        "agent_name": (agent.get_full_name() or agent.get_username()) if isinstance(agent, User) else "",
        "company_name": ticket.company.name,
    }
    return _PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), reply.body)
