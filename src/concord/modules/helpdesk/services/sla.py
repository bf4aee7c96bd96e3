"""SLA clocks: due times from the team's policy and calendar, and the worker's breach check.

``sla_apply`` sets a ticket's due times from its team's policy for its priority (counted from the
ticket's creation, in business time when the policy says so). ``sla_check`` (every minute, from the
worker's periodic tasks, or a manager's button) raises the near-breach warning, and on a breach sets the
target's flag, publishes ``SlaBreached`` once per ticket and target, and escalates as the policy says:
the team manager is notified (the event and the bell), or the ticket is reassigned to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.modules.helpdesk.business_hours import (
    BusinessCalendar,
    business_add,
    calendar_from_hours,
)
from concord.modules.helpdesk.events import SlaBreached
from concord.modules.helpdesk.models import (
    OPEN_STATUSES,
    Escalation,
    MessageKind,
    SlaPolicy,
    Team,
    TeamHoliday,
    Ticket,
    TicketMessage,
)
from concord.modules.helpdesk.services._support import publish_for_ticket

__all__ = ["SlaCheckReport", "sla_apply", "sla_check", "sla_policy_for", "team_calendar"]

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"


def team_calendar(team: Team) -> BusinessCalendar:
    """The team's working hours, time zone and holidays as a calendar."""
    holidays = TeamHoliday.all_companies.filter(team_id=team.pk).values_list("date", flat=True)
    try:
        return calendar_from_hours(team.working_hours, timezone=team.timezone, holidays=holidays)
    except (TypeError, ValueError, IndexError):  # malformed hours stored by hand: count every minute
        return BusinessCalendar(timezone=team.timezone, holidays=frozenset(holidays))


def sla_policy_for(ticket: Ticket) -> SlaPolicy | None:
    if ticket.team_id is None:
        return None
    return SlaPolicy.all_companies.filter(team_id=ticket.team_id, priority=ticket.priority).first()


def sla_apply(ticket: Ticket) -> list[str]:
    """Set the due times of ``ticket`` (not saved); return the changed field names."""
    policy = sla_policy_for(ticket)
    first: dt.datetime | None = None
    resolution: dt.datetime | None = None
    if policy is not None and ticket.team is not None:
        start = ticket.created_at
        calendar = team_calendar(ticket.team) if policy.business_hours else BusinessCalendar()
        first = business_add(start, policy.first_response_minutes, calendar)
        resolution = business_add(start, policy.resolution_minutes, calendar)
    changed: list[str] = []
    if ticket.first_response_due != first:
        ticket.first_response_due = first
        changed.append("first_response_due")
    if ticket.resolution_due != resolution:
        ticket.resolution_due = resolution
        changed.append("resolution_due")
    return changed


@dataclass
class SlaCheckReport:
    """What one pass of the SLA check did."""

    warned: list[int] = field(default_factory=list)
    breached: list[tuple[int, str]] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


def _candidates(now: dt.datetime, company_id: int | None) -> list[int]:
    soon = now + dt.timedelta(minutes=24 * 60)  # generous: each policy's own warning window is checked below
    due_first = Q(
        first_responded_at__isnull=True, first_response_breached=False, first_response_due__lte=soon
    )
    due_resolution = Q(resolution_breached=False, resolution_due__lte=soon)
    rows = Ticket.all_companies.filter(status__in=OPEN_STATUSES, merged_into__isnull=True).filter(
        due_first | due_resolution
    )
    if company_id is not None:
        rows = rows.filter(company_id=company_id)
    return list(rows.values_list("pk", flat=True))


def _breach(
    ticket: Ticket, policy: SlaPolicy | None, target: str, due: dt.datetime, report: SlaCheckReport
) -> None:
    team = ticket.team
    escalation = policy.escalation if policy is not None else Escalation.NOTIFY
    manager_id = team.manager_id if team is not None else None
    escalated_to: int | None = None
    if escalation == Escalation.REASSIGN and manager_id is not None and ticket.assignee_id != manager_id:
        ticket.assignee_id = manager_id
        escalated_to = manager_id
        report.escalated.append(ticket.pk)
    label = _("first response") if target == FIRST_RESPONSE else _("resolution")
    note = _("SLA breached: %(target)s was due %(due)s.") % {
        "target": label,
        "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
    }
    if escalated_to is not None:
        note += " " + _("Reassigned to the team manager.")
    TicketMessage.all_companies.create(
        company_id=ticket.company_id,
        ticket=ticket,
        kind=MessageKind.SYSTEM,
        body_text=note,
        channel=ticket.channel,
    )
    publish_for_ticket(
        SlaBreached(
            ticket_id=ticket.pk,
            company_id=ticket.company_id,
            number=ticket.number,
            party_id=ticket.party_id,
            target=target,
            due=due.isoformat(),
            escalation=str(escalation),
            escalated_to_id=escalated_to if escalated_to is not None else manager_id,
        ),
        by=None,
        company_id=ticket.company_id,
        party_id=ticket.party_id,
    )
    report.breached.append((ticket.pk, target))


def _check_one(ticket_id: int, now: dt.datetime, report: SlaCheckReport) -> None:
    with transaction.atomic():
        ticket = (
            Ticket.all_companies.select_for_update().filter(pk=ticket_id, status__in=OPEN_STATUSES).first()
        )
        if ticket is None:
            return
        policy = sla_policy_for(ticket)
        warn = dt.timedelta(minutes=policy.warn_before_minutes if policy is not None else 30)
        changes: dict[str, list[Any]] = {}
        targets: list[tuple[str, dt.datetime | None, str]] = [
            (RESOLUTION, ticket.resolution_due, "resolution_breached"),
        ]
        if ticket.first_responded_at is None:
            targets.insert(0, (FIRST_RESPONSE, ticket.first_response_due, "first_response_breached"))
        for target, due, flag in targets:
            if due is None or getattr(ticket, flag):
                continue
            if due <= now:
                setattr(ticket, flag, True)
                changes[flag] = [False, True]
                before = ticket.assignee_id
                _breach(ticket, policy, target, due, report)
                if ticket.assignee_id != before:
                    changes["assignee"] = [before, ticket.assignee_id]
            elif due - warn <= now and not ticket.sla_warning:
                ticket.sla_warning = True
                changes["sla_warning"] = [False, True]
                report.warned.append(ticket.pk)
        if not changes:
            return
        ticket.save(
            update_fields=[*(name if name != "assignee" else "assignee_id" for name in changes), "updated_at"]
        )
        audit_record(actor=None, action=AuditAction.UPDATE, obj=ticket, changes=changes)


def sla_check(*, now: dt.datetime | None = None, company_id: int | None = None) -> SlaCheckReport:
    """Warn on near breaches and flag, announce and escalate breaches (idempotent: run it as often as you like)."""
    now = now or timezone.now()
    report = SlaCheckReport()
    for ticket_id in _candidates(now, company_id):
        _check_one(ticket_id, now, report)
    return report
