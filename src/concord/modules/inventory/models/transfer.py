"""Transfers (receipts, deliveries, internal moves, adjustments, production) and the stock moves in them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW
from concord.modules.inventory.models.quant import QTY_FIELD_KW

__all__ = ["Move", "MoveLine", "MoveState", "Reservation", "Transfer", "TransferKind", "TransferState"]


class TransferKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    DELIVERY = "delivery", _("Delivery")
    INTERNAL = "internal", _("Internal transfer")
    ADJUSTMENT = "adjustment", _("Inventory adjustment")
    CONSUME = "consume", _("Production: components")
    PRODUCE = "produce", _("Production: finished goods")


# Prefix of each kind's numbers after the warehouse code: WH/IN/2026/00001.
KIND_PREFIX = {
    TransferKind.RECEIPT: "IN",
    TransferKind.DELIVERY: "OUT",
    TransferKind.INTERNAL: "INT",
    TransferKind.ADJUSTMENT: "ADJ",
    TransferKind.CONSUME: "MC",
    TransferKind.PRODUCE: "MP",
}


class TransferState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    WAITING = "waiting", _("Waiting for stock")
    READY = "ready", _("Ready")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Transfer(CompanyOwned):
    """A transfer: one document moving products between two locations (a receipt, a delivery...)."""

    objects: CompanyScopedManager[Transfer]
    all_companies: models.Manager[Transfer]

    kind = models.CharField(_("kind"), max_length=12, choices=TransferKind.choices)
    number = models.CharField(_("number"), max_length=40)
    state = models.CharField(
        _("state"), max_length=10, choices=TransferState.choices, default=TransferState.DRAFT
    )
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="transfers")
    partner = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    source_location = models.ForeignKey(
        "inventory.Location", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    dest_location = models.ForeignKey(
        "inventory.Location", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    scheduled_date = models.DateField(_("scheduled date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    allow_backorder = models.BooleanField(
        _("allow backorder"), default=False, help_text=_("Confirm even when not everything is in stock.")
    )
    backorder_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="backorders"
    )
    origin = models.CharField(_("source document"), max_length=80, blank=True)
    source_key = models.CharField(_("source key"), max_length=120, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                name="inventory_transfer_unique_number",
                violation_error_message=_("A transfer with this number already exists."),
            ),
            models.UniqueConstraint(
                fields=["company", "source_key"],
                condition=~Q(source_key=""),
                name="inventory_transfer_unique_source",
            ),
        ]
        indexes = [models.Index(fields=["company", "kind", "state"], name="inventory_transfer_kind_state")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state not in (TransferState.DONE, TransferState.CANCELLED)


class MoveState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    WAITING = "waiting", _("Waiting for stock")
    PARTIAL = "partial", _("Partially available")
    ASSIGNED = "assigned", _("Available")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Move(CompanyOwned):
    """A stock move: a quantity of one product to go from one location to another, as part of a transfer."""

    objects: CompanyScopedManager[Move]
    all_companies: models.Manager[Move]

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="moves")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(_("demand"), **QTY_FIELD_KW)
    quantity_reserved = models.DecimalField(_("reserved"), default=0, **QTY_FIELD_KW)
    quantity_done = models.DecimalField(_("done"), default=0, **QTY_FIELD_KW)
    source_location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    dest_location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=MoveState.choices, default=MoveState.DRAFT)
    lot_name = models.CharField(
        _("lot / serial"), max_length=80, blank=True, help_text=_("For receipts of tracked products.")
    )
    unit_cost = models.DecimalField(_("unit cost"), null=True, blank=True, **AMOUNT_FIELD_KW)
    value = models.DecimalField(_("value"), default=0, **AMOUNT_FIELD_KW)
    origin_key = models.CharField(_("origin line"), max_length=120, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["transfer_id", "sequence", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="inventory_move_positive",
                violation_error_message=_("A quantity must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(quantity_reserved__gte=0) & Q(quantity_done__gte=0),
                name="inventory_move_counts_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "product", "state"], name="inventory_move_product_state"),
            models.Index(fields=["company", "origin_key"], name="inventory_move_origin"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.quantity}"

    @property
    def quantity_open(self) -> Decimal:
        return self.quantity - self.quantity_done


class Reservation(CompanyOwned):
    """Part of a quant set aside for a move (released when the move is cancelled, used when it is done)."""

    objects: CompanyScopedManager[Reservation]
    all_companies: models.Manager[Reservation]

    move = models.ForeignKey(Move, on_delete=models.CASCADE, related_name="reservations")
    quant = models.ForeignKey("inventory.Quant", on_delete=models.PROTECT, related_name="reservations")
    quantity = models.DecimalField(**QTY_FIELD_KW)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_reservation_positive")
        ]


class MoveLine(CompanyOwned):
    """What a done move actually moved: a quantity of a lot from one location to another (the stock history)."""

    objects: CompanyScopedManager[MoveLine]
    all_companies: models.Manager[MoveLine]

    move = models.ForeignKey(Move, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    source_location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    dest_location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY_FIELD_KW)
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["done_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_moveline_positive")
        ]
        indexes = [models.Index(fields=["company", "product", "done_at"], name="inventory_moveline_product")]
