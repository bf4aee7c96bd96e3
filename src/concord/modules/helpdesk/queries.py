"""Reads of the helpdesk: the inbox, a ticket's thread, the dashboard numbers, a party's tickets."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from concord.modules.helpdesk.models import (
    OPEN_STATUSES,
    CannedReply,
    MessageKind,
    Team,
    Ticket,
    TicketMessage,
)

__all__ = [
    "DashboardStats",
    "InboxFilters",
    "canned_replies_for",
    "dashboard_stats",
    "inbox_tickets",
    "party_tickets",
    "sla_alert_tickets",
    "team_for_address",
    "ticket_thread",
]


def team_for_address(address: str) -> Team | None:
    """The active team whose email address this is (any company; the mail channel maps RCPT TO with it)."""
    text = (address or "").strip().strip("<>").lower()
    if not text or "@" not in text:
        return None
    return Team.all_companies.filter(email_address=text, is_active=True).select_related("company").first()


@dataclass(frozen=True)
class InboxFilters:
    """What the agents' inbox is narrowed to (empty: no filter)."""

    team_id: int | None = None
    status: str = ""  # a status, or "" for every open one, or "all"
    priority: str = ""
    assignee_id: int | None = None
    unassigned: bool = False
    channel: str = ""
    tag_id: int | None = None
    query: str = ""


def inbox_tickets(rows: QuerySet[Ticket], filters: InboxFilters) -> QuerySet[Ticket]:
    """``rows`` filtered and sorted by the SLA deadline that matters now (breached and soonest first)."""
    if filters.status == "all":
        pass
    elif filters.status:
        rows = rows.filter(status=filters.status)
    else:
        rows = rows.filter(status__in=OPEN_STATUSES)
    if filters.team_id is not None:
        rows = rows.filter(team_id=filters.team_id)
    if filters.priority:
        rows = rows.filter(priority=filters.priority)
    if filters.unassigned:
        rows = rows.filter(assignee__isnull=True)
    elif filters.assignee_id is not None:
        rows = rows.filter(assignee_id=filters.assignee_id)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.tag_id is not None:
        rows = rows.filter(tags__id=filters.tag_id)
    if filters.query.strip():
        text = filters.query.strip()
        rows = rows.filter(
            Q(number__icontains=text)
            | Q(subject__icontains=text)
            | Q(contact_email__icontains=text)
            | Q(contact_name__icontains=text)
        )
    due_now = Coalesce(
        # unanswered: the first response clock; answered: the resolution clock
        _when_unanswered(),
        F("resolution_due"),
    )
    return (
        rows.select_related("team", "assignee", "party")
        .prefetch_related("tags")
        .annotate(due_now=due_now)
        .order_by(F("due_now").asc(nulls_last=True), "-created_at", "-pk")
        .distinct()
    )


def _when_unanswered() -> Any:
    from django.db.models import Case, When

    return Case(When(first_responded_at__isnull=True, then=F("first_response_due")), default=None)


def ticket_thread(ticket: Ticket, *, include_internal: bool = True) -> list[TicketMessage]:
    """The ticket's messages, oldest first, with their files and authors (two queries)."""
    rows = TicketMessage.all_companies.filter(ticket_id=ticket.pk)
    if not include_internal:
        rows = rows.exclude(kind=MessageKind.INTERNAL_NOTE)
    return list(rows.select_related("author").prefetch_related("attachments").order_by("created_at", "pk"))


def canned_replies_for(ticket: Ticket) -> list[CannedReply]:
    """The company-wide canned replies and those of the ticket's team."""
    return list(
        CannedReply.all_companies.filter(company_id=ticket.company_id)
        .filter(Q(team__isnull=True) | Q(team_id=ticket.team_id))
        .order_by("title", "pk")
    )


def party_tickets(*, company_id: int | None, party_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """A customer's tickets, newest first, as plain rows (one query)."""
    rows = Ticket.all_companies.filter(party_id=party_id, merged_into__isnull=True)
    if company_id is not None:
        rows = rows.filter(company_id=company_id)
    return [
        dict(row)
        for row in rows.order_by("-created_at", "-pk").values(
            "id",
            "company_id",
            "number",
            "subject",
            "status",
            "priority",
            "channel",
            "created_at",
            "resolved_at",
            "first_response_due",
            "resolution_due",
            "first_responded_at",
            "first_response_breached",
            "resolution_breached",
            "sla_warning",
            "rating",
        )[:limit]
    ]


def sla_alert_tickets(*, user: Any, company_ids: list[int]) -> QuerySet[Ticket]:
    """Open tickets near or past an SLA target that are ``user``'s: assigned to them, or in a team they
    manage, or unassigned in one of their teams."""
    mine = (
        Q(assignee_id=user.pk) | Q(team__manager_id=user.pk) | Q(assignee__isnull=True, team__members=user.pk)
    )
    alert = Q(sla_warning=True) | Q(first_response_breached=True) | Q(resolution_breached=True)
    return (
        Ticket.all_companies.filter(company_id__in=company_ids, status__in=OPEN_STATUSES)
        .filter(alert)
        .filter(mine)
        .distinct()
    )


# --------------------------------------------------------------------------- dashboard
def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class DashboardStats:
    """The service dashboard's numbers over a period (minutes are wall-clock)."""

    since: dt.datetime
    open_by_team: dict[str, int] = field(default_factory=dict)
    open_by_priority: dict[str, int] = field(default_factory=dict)
    volume_by_channel: dict[str, int] = field(default_factory=dict)
    total: int = 0
    sla_measured: int = 0
    sla_met: int = 0
    first_response_median: float | None = None
    first_response_p90: float | None = None
    resolution_median: float | None = None
    resolution_p90: float | None = None
    rating_average: float | None = None
    rating_count: int = 0

    @property
    def sla_compliance(self) -> float | None:
        return round(100 * self.sla_met / self.sla_measured, 1) if self.sla_measured else None


def dashboard_stats(
    *, company_ids: list[int], days: int = 30, now: dt.datetime | None = None
) -> DashboardStats:
    """Open tickets by team and priority (now), and over the last ``days``: volume by channel, SLA
    compliance (tickets with a target, none missed), first-response and resolution times (median, p90)
    and the satisfaction average. Two queries, whatever the volume."""
    now = now or timezone.now()
    stats = DashboardStats(since=now - dt.timedelta(days=days))
    base = Ticket.all_companies.filter(company_id__in=company_ids, merged_into__isnull=True)
    by_team: Counter[str] = Counter()
    by_priority: Counter[str] = Counter()
    for team_name, priority in base.filter(status__in=OPEN_STATUSES).values_list("team__name", "priority"):
        by_team[team_name or "—"] += 1
        by_priority[priority] += 1
    stats.open_by_team = dict(sorted(by_team.items()))
    stats.open_by_priority = dict(by_priority)
    channels: Counter[str] = Counter()
    first_minutes: list[float] = []
    resolution_minutes: list[float] = []
    ratings: list[int] = []
    measured: defaultdict[str, int] = defaultdict(int)
    for row in base.filter(created_at__gte=stats.since).values_list(
        "channel",
        "created_at",
        "first_responded_at",
        "resolved_at",
        "first_response_due",
        "resolution_due",
        "first_response_breached",
        "resolution_breached",
        "rating",
    ):
        (
            channel,
            created,
            responded,
            resolved,
            first_due,
            resolution_due,
            first_late,
            resolution_late,
            rating,
        ) = row
        channels[channel] += 1
        stats.total += 1
        if responded is not None:
            first_minutes.append((responded - created).total_seconds() / 60)
        if resolved is not None:
            resolution_minutes.append((resolved - created).total_seconds() / 60)
        if rating is not None:
            ratings.append(rating)
        if first_due is not None or resolution_due is not None:
            late = first_late or resolution_late
            late = late or (first_due is not None and responded is None and first_due < now)
            late = late or (resolution_due is not None and resolved is None and resolution_due < now)
            finished = resolved is not None
            if late or finished:  # a ticket still within its targets is not counted yet
                measured["all"] += 1
                if not late:
                    measured["met"] += 1
    stats.volume_by_channel = dict(channels.most_common())
    stats.sla_measured, stats.sla_met = measured["all"], measured["met"]
    stats.first_response_median = statistics.median(first_minutes) if first_minutes else None
    stats.first_response_p90 = _percentile(first_minutes, 0.9)
    stats.resolution_median = statistics.median(resolution_minutes) if resolution_minutes else None
    stats.resolution_p90 = _percentile(resolution_minutes, 0.9)
    stats.rating_count = len(ratings)
    stats.rating_average = round(sum(ratings) / len(ratings), 2) if ratings else None
    return stats
