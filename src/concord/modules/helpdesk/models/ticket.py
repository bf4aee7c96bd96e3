"""Tickets, the messages of their conversation and the files attached to those messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.modules.helpdesk.models.team import Priority

__all__ = [
    "OPEN_STATUSES",
    "Channel",
    "MessageKind",
    "Ticket",
    "TicketAttachment",
    "TicketMessage",
    "TicketStatus",
]


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEB_FORM = "web_form", _("Web form")
    CHAT = "chat", _("Chat")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    PORTAL = "portal", _("Portal")
    MANUAL = "manual", _("Manual")


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING)


class MessageKind(models.TextChoices):
    PUBLIC_REPLY = "public_reply", _("Reply")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    CUSTOMER = "customer", _("Customer message")
    SYSTEM = "system", _("System")


class Ticket(CompanyOwned):
    """A customer's (or colleague's) request, followed from first message to resolution."""

    objects: CompanyScopedManager[Ticket]
    all_companies: models.Manager[Ticket]

    number = models.CharField(_("number"), max_length=40)
    subject = models.CharField(_("subject"), max_length=300)
    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.MANUAL)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    category = models.ForeignKey(
        "helpdesk.TicketCategory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    team = models.ForeignKey(
        "helpdesk.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    tags = models.ManyToManyField("helpdesk.Tag", blank=True, related_name="tickets", verbose_name=_("tags"))
    sales_order_id = models.PositiveBigIntegerField(_("sales order"), null=True, blank=True)
    sales_order_label = models.CharField(_("sales order number"), max_length=60, blank=True)
    invoice_id = models.PositiveBigIntegerField(_("invoice"), null=True, blank=True)
    invoice_label = models.CharField(_("invoice number"), max_length=60, blank=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    first_response_breached = models.BooleanField(_("first response late"), default=False)
    resolution_breached = models.BooleanField(_("resolution late"), default=False)
    sla_warning = models.BooleanField(_("SLA breach near"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_tickets",
        verbose_name=_("merged into"),
    )
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rating_token = models.CharField(_("rating key"), max_length=64, blank=True, db_index=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    thread_key = models.CharField(
        _("external thread"),
        max_length=200,
        blank=True,
        help_text=_("The conversation's id in the channel it came from (a chat or a LINE user)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                name="helpdesk_ticket_number_unique",
                violation_error_message=_("This ticket number is already used."),
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="helpdesk_ticket_rating_range",
                violation_error_message=_("A rating is from 1 to 5."),
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status", "resolution_due"], name="helpdesk_ticket_status_due"),
            models.Index(fields=["company", "party"], name="helpdesk_ticket_party"),
            models.Index(fields=["company", "thread_key"], name="helpdesk_ticket_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("helpdesk:ticket", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def sla_breached(self) -> bool:
        return self.first_response_breached or self.resolution_breached

    @property
    def next_due(self) -> object:
        """The SLA deadline that matters now: first response until answered, then resolution."""
        if not self.is_open:
            return None
        if self.first_responded_at is None and self.first_response_due is not None:
            return self.first_response_due
        return self.resolution_due


class TicketMessage(CompanyOwned):
    """One message of a ticket's conversation: a customer's, an agent's reply or note, or the system's."""

    objects: CompanyScopedManager[TicketMessage]
    all_companies: models.Manager[TicketMessage]

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=14, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    from_name = models.CharField(_("from (name)"), max_length=200, blank=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True, help_text=_("Sanitised when stored."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.MANUAL)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "message_id"],
                condition=~models.Q(message_id=""),
                name="helpdesk_message_id_unique",
                violation_error_message=_("This message was already received."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.INTERNAL_NOTE


class TicketAttachment(CompanyOwned):
    """A file that came with (or was sent in) a ticket message, kept in the storage backend."""

    objects: CompanyScopedManager[TicketAttachment]
    all_companies: models.Manager[TicketAttachment]

    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    file = models.FileField(_("file"), upload_to="helpdesk/%Y/%m/", max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename
