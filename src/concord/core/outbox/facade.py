"""The outbox's public face: what every other part of Concord imports to publish and react to events.

    from concord.core.outbox.facade import Event, publish, register_handler

    @dataclass(frozen=True)
    class OrderConfirmed(Event):
        order_id: int
        company_id: int

    def order_confirm(*, order, by):
        with transaction.atomic():
            ...
            publish(OrderConfirmed(order_id=order.pk, company_id=order.company_id), actor_id=by.pk)

    # in AppConfig.ready():
    register_handler(OrderConfirmed, "inventory.reserve_stock", reserve_stock_for_order)

``publish`` must run inside ``transaction.atomic()``; handlers are idempotent and receive a
``PublishedEvent`` (see ``subscriptions.py``); ``dispatch_pending`` is one pass of the worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from concord.core.outbox.dispatch import DispatchReport, dispatch_events, dispatch_pending
from concord.core.outbox.errors import PublishOutsideTransactionError, ReplayRefusedError
from concord.core.outbox.events import Event
from concord.core.outbox.services import Aggregate, outbox_event_publish, outbox_events_publish
from concord.core.outbox.subscriptions import (
    ALL_EVENTS,
    EventHandler,
    HandlerFunction,
    PublishedEvent,
    register_handler,
    temporary_handler,
)

__all__ = [
    "ALL_EVENTS",
    "DispatchReport",
    "Event",
    "EventHandler",
    "HandlerFunction",
    "PublishOutsideTransactionError",
    "PublishedEvent",
    "ReplayRefusedError",
    "dispatch_events",
    "dispatch_pending",
    "publish",
    "publish_many",
    "register_handler",
    "temporary_handler",
]


def publish(
    event: Event,
    *,
    company_id: int | None = None,
    actor_id: int | None = None,
    aggregate: Aggregate = None,
) -> int:
    """Write ``event`` to the outbox inside the caller's transaction; return its outbox id."""
    return outbox_event_publish(event=event, company_id=company_id, actor_id=actor_id, aggregate=aggregate)


def publish_many(
    events: Sequence[Event], *, company_id: int | None = None, actor_id: int | None = None
) -> list[int]:
    """Write many events at once inside the caller's transaction; return their outbox ids."""
    return outbox_events_publish(events=events, company_id=company_id, actor_id=actor_id)
