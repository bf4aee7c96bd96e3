"""The web chat: a company's chat channel (the widget's token), its conversations and their messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["ChatChannel", "ChatMessage", "ChatSender", "ChatStatus", "Conversation"]


class ChatStatus(models.TextChoices):
    BOT = "bot", _("With the assistant")
    WAITING = "waiting", _("Waiting for an agent")
    AGENT = "agent", _("With an agent")
    CLOSED = "closed", _("Closed")


class ChatSender(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    BOT = "bot", _("Assistant")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class ChatChannel(CompanyOwned):
    """A company's web chat: the public token the embedded widget names, with its greeting."""

    objects: CompanyScopedManager[ChatChannel]
    all_companies: models.Manager[ChatChannel]

    token = models.CharField(_("token"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    greeting = models.CharField(_("greeting"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Conversation(CompanyOwned):
    """One visitor's chat: answered by the assistant first, then by an agent; its transcript goes to a ticket."""

    objects: CompanyScopedManager[Conversation]
    all_companies: models.Manager[Conversation]

    channel = models.ForeignKey(
        ChatChannel, on_delete=models.PROTECT, related_name="conversations", verbose_name=_("channel")
    )
    visitor_key = models.CharField(_("visitor key"), max_length=64, db_index=True)
    visitor_name = models.CharField(_("visitor name"), max_length=200, blank=True)
    visitor_email = models.EmailField(_("visitor email"), blank=True)
    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    status = models.CharField(_("status"), max_length=10, choices=ChatStatus.choices, default=ChatStatus.BOT)
    assigned_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    transcript_upto_id = models.PositiveBigIntegerField(
        _("transcript copied up to"), default=0, help_text=_("The last chat message copied to the ticket.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("chat conversation")
        verbose_name_plural = _("chat conversations")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["company", "status"], name="helpdesk_chat_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.visitor_name or self.visitor_email or _('visitor')}"


class ChatMessage(CompanyOwned):
    """One line of a chat: the visitor's, the assistant's, an agent's or the system's (plain text)."""

    objects: CompanyScopedManager[ChatMessage]
    all_companies: models.Manager[ChatMessage]

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", verbose_name=_("conversation")
    )
    sender = models.CharField(_("sender"), max_length=10, choices=ChatSender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"))
    skill = models.CharField(_("skill"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.text[:40]}"
