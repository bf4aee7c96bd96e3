"""What sales registers at start-up: permissions, navigation, API, panel, handlers, describers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _permissions() -> None:
    from concord.core.identity.permissions import PermissionArea, register_area
    from concord.core.identity.roles import Role

    actions = ("view", "add", "change", "confirm", "approve", "cancel", "settings")
    register_area(
        PermissionArea(
            area="sales",
            label=_("Sales"),
            actions=actions,
            grants={
                Role.MANAGER: frozenset(actions),
                Role.SALES: frozenset({"view", "add", "change", "confirm", "cancel"}),
                Role.ACCOUNTANT: frozenset({"view"}),
            },
        )
    )


def _navigation() -> None:
    from concord.core.registry import NavItem, registry

    items = [
        ("sales-dashboard", _("Sales dashboard"), "sales:dashboard", 10),
        ("sales-quotations", _("Quotations"), "sales:quotations", 11),
        ("sales-orders", _("Sales orders"), "sales:orders", 12),
        ("sales-pricelists", _("Price lists"), "sales:pricelists", 13),
        ("sales-settings", _("Sales settings"), "sales:settings", 14),
    ]
    for key, label, url_name, order in items:
        registry.nav_items.register(
            key, NavItem(office="front", label=label, url_name=url_name, permission="sales.view", order=order)
        )


def _panel() -> None:
    from concord.core.registry import PartyPanel, registry
    from concord.modules.sales.panels import panel_context, panel_data

    registry.party_panels.register(
        "sales.orders",
        PartyPanel(
            key="sales.orders",
            title=_("Sales"),
            template="sales/party_panel.html",
            context=panel_context,
            data=panel_data,
            permission="sales.view",
            order=35,
        ),
    )


def _event_describers() -> None:
    from concord.core.registry import registry
    from concord.modules.sales.describers import EVENT_DESCRIBERS

    for event_type, describe in EVENT_DESCRIBERS.items():
        registry.event_describers.register(event_type, describe)


def _handlers() -> None:
    from concord.core.outbox.facade import register_handler
    from concord.modules.accounting.events import (
        InvoiceCancelled,
        InvoicePaid,
        InvoicePosted,
        PaymentRegistered,
    )
    from concord.modules.inventory.events import DeliveryDone
    from concord.modules.sales.documents.sending import SEND_HANDLER_NAME, send_order_email
    from concord.modules.sales.events import QuotationSent
    from concord.modules.sales.handlers import (
        DELIVERY_HANDLER_NAME,
        INVOICE_HANDLER_NAME,
        PAYMENT_HANDLER_NAME,
        order_on_delivery_done,
        order_on_invoice_event,
        order_on_payment_registered,
    )

    register_handler(QuotationSent, SEND_HANDLER_NAME, send_order_email)
    register_handler(DeliveryDone, DELIVERY_HANDLER_NAME, order_on_delivery_done)
    for event in (InvoicePosted, InvoicePaid, InvoiceCancelled):
        register_handler(event, f"{INVOICE_HANDLER_NAME}.{event.__name__}", order_on_invoice_event)
    register_handler(PaymentRegistered, PAYMENT_HANDLER_NAME, order_on_payment_registered)


def _activity_targets() -> None:
    """Its records take activities and notes (the ``{% chatter %}`` card on their pages)."""
    from concord.core.registry import ActivityTarget, registry

    registry.activity_targets.register(
        "sales.saleorder",
        ActivityTarget(
            model_label="sales.saleorder", view_permission="sales.view", change_permission="sales.change"
        ),
    )


def register_all() -> None:
    """Called once from the app's ``ready()``."""
    from concord.core.registry import registry
    from concord.modules.sales.rest import router

    _permissions()
    _navigation()
    _panel()
    _event_describers()
    _activity_targets()
    _handlers()
    registry.api_routers.register("sales", router)
