"""Demo customer service: the help articles (en/th/km), a support team with its SLA, and tickets.

Articles come from the assistant's evaluation set (the same help centre the chat assistant answers
from); tickets arrive by email, web form and API, some answered, some resolved. Everything goes
through the services; tickets are found again by their thread key ("demo:<company>:<n>").
"""

from __future__ import annotations

from concord.core.identity.models import Company, User
from concord.demo.steps import DemoContext, demo_step
from concord.modules.assistant.evaluation import eval_articles
from concord.modules.helpdesk.models import Team, Ticket
from concord.modules.helpdesk.services.settings import sla_policy_set, team_create
from concord.modules.helpdesk.services.tickets import ticket_open, ticket_reply, ticket_resolve
from concord.modules.knowledge.facade import articles_import
from concord.modules.parties.models import Party

_TICKETS = (
    ("The wok I received is scratched", "email", "high", "replied"),
    ("How do I get a tax invoice?", "web_form", "normal", "resolved"),
    ("Change the delivery address of my order", "email", "normal", "new"),
    ("ขอใบกำกับภาษีเต็มรูป", "api", "normal", "replied"),
    ("Can I pay by bank transfer?", "web_form", "low", "resolved"),
    ("The delivery is late", "email", "urgent", "new"),
)


def _agent(company: Company) -> User | None:
    return (
        User.objects.filter(memberships__company=company, memberships__role="support", is_active=True)
        .order_by("pk")
        .first()
    )


def _team(ctx: DemoContext, company: Company, agent: User | None) -> Team:
    team = Team.objects.filter(company=company, name="Customer support").first()
    if team is not None:
        return team
    team = team_create(
        company=company,
        name="Customer support",
        by=ctx.by,
        email_address=f"support@{company.code}.example",
        member_ids=[agent.pk] if agent else [],
    )
    for priority, first, resolution in (
        ("low", 480, 4320),
        ("normal", 240, 2880),
        ("high", 60, 960),
        ("urgent", 30, 480),
    ):
        sla_policy_set(
            team=team,
            priority=priority,
            first_response_minutes=first,
            resolution_minutes=resolution,
            by=ctx.by,
        )
    ctx.count("helpdesk teams")
    return team


@demo_step(order=250, key="helpdesk.tickets")
def helpdesk(ctx: DemoContext) -> None:
    """Each company's help articles, its support team with SLA policies, and tickets in several states."""
    for company in ctx.companies.values():
        articles_import(company=company, items=eval_articles(), by=ctx.by)  # idempotent by key and language
        agent = _agent(company)
        team = _team(ctx, company, agent)
        customers = list(
            Party.objects.filter(company=company, is_customer=True, is_active=True).order_by("code")[:6]
        )
        if not customers:
            continue
        for number, (subject, channel, priority, fate) in enumerate(_TICKETS, start=1):
            key = f"demo:{company.code}:{number}"
            if Ticket.objects.filter(company=company, thread_key=key).exists():
                continue
            customer = customers[number % len(customers)]
            ticket = ticket_open(
                company=company,
                subject=subject,
                message=f"{subject}. Please help, thank you.",
                channel=channel,
                by=None,
                name=customer.name,
                party_id=customer.pk,
                team_id=team.pk,
                priority=priority,
                thread_key=key,
            )
            if fate in ("replied", "resolved"):
                ticket_reply(ticket=ticket, text="Thank you, we are looking into it.", by=agent or ctx.by)
            if fate == "resolved":
                ticket_resolve(ticket=ticket, by=agent or ctx.by)
            ctx.count("helpdesk tickets")
