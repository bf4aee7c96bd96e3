"""Reads of the web chat: the agents' chat inbox and a conversation's messages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from concord.modules.helpdesk.models import ChatMessage, ChatStatus, Conversation

__all__ = ["conversation_messages", "inbox_conversations"]


def inbox_conversations(*, company_id: int, agent: Any) -> QuerySet[Conversation]:
    """Waiting for an agent (oldest first) and those this agent has, then the assistant's open ones."""
    return (
        Conversation.all_companies.filter(company_id=company_id)
        .filter(
            Q(status=ChatStatus.WAITING)
            | Q(status=ChatStatus.AGENT, assigned_agent=agent)
            | Q(status=ChatStatus.BOT)
        )
        .select_related("assigned_agent", "party", "ticket")
        .order_by("updated_at", "pk")
    )


def conversation_messages(conversation: Conversation, *, after_id: int = 0) -> QuerySet[ChatMessage]:
    """The conversation's messages after ``after_id``, oldest first."""
    return (
        ChatMessage.all_companies.filter(conversation=conversation, pk__gt=after_id)
        .select_related("author")
        .order_by("pk")
    )
