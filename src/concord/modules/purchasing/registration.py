"""What purchasing registers at start-up: permissions, navigation, API, panel, handlers, describers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _permissions() -> None:
    from concord.core.identity.permissions import PermissionArea, register_area
    from concord.core.identity.roles import Role

    actions = ("view", "add", "change", "approve", "cancel", "settings")
    everyday = frozenset({"view", "add", "change"})
    register_area(
        PermissionArea(
            area="purchasing",
            label=_("Purchasing"),
            actions=actions,
            grants={
                Role.MANAGER: frozenset(actions),
                Role.WAREHOUSE: everyday,
                Role.ACCOUNTANT: everyday,
            },
        )
    )


def _navigation() -> None:
    from concord.core.registry import NavItem, registry

    items = [
        ("purchasing-orders", _("Purchasing"), "purchasing:orders", 30),
        ("purchasing-vendor-prices", _("Vendor price lists"), "purchasing:vendor-prices", 31),
        ("purchasing-settings", _("Purchasing settings"), "purchasing:settings", 32),
    ]
    for key, label, url_name, order in items:
        registry.nav_items.register(
            key,
            NavItem(office="back", label=label, url_name=url_name, permission="purchasing.view", order=order),
        )


def _panel() -> None:
    from concord.core.registry import PartyPanel, registry
    from concord.modules.purchasing.panels import panel_context, panel_data

    registry.party_panels.register(
        "purchasing.orders",
        PartyPanel(
            key="purchasing.orders",
            title=_("Purchases"),
            template="purchasing/party_panel.html",
            context=panel_context,
            data=panel_data,
            permission="purchasing.view",
            order=45,
        ),
    )


def _event_describers() -> None:
    from concord.core.registry import registry
    from concord.modules.purchasing.describers import EVENT_DESCRIBERS

    for event_type, describe in EVENT_DESCRIBERS.items():
        registry.event_describers.register(event_type, describe)


def _handlers() -> None:
    from concord.core.outbox.facade import register_handler
    from concord.modules.inventory.events import ReceiptDone, StockBelowMinimum
    from concord.modules.purchasing.documents.sending import SEND_HANDLER_NAME, send_order_email
    from concord.modules.purchasing.events import PurchaseOrderSent
    from concord.modules.purchasing.handlers import RECEIPT_HANDLER_NAME, order_on_receipt_done
    from concord.modules.purchasing.services.reorder import HANDLER_NAME, reorder_on_stock_below_minimum

    register_handler(PurchaseOrderSent, SEND_HANDLER_NAME, send_order_email)
    register_handler(StockBelowMinimum, HANDLER_NAME, reorder_on_stock_below_minimum)
    register_handler(ReceiptDone, RECEIPT_HANDLER_NAME, order_on_receipt_done)


def register_all() -> None:
    """Called once from the app's ``ready()``."""
    from concord.core.registry import registry
    from concord.modules.purchasing.rest import router

    _permissions()
    _navigation()
    _panel()
    _event_describers()
    _handlers()
    registry.api_routers.register("purchasing", router)
