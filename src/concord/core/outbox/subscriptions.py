"""Who reacts to which event: handlers registered in ``AppConfig.ready()``, and what they receive.

A handler is ``fn(event: PublishedEvent) -> None``, registered under a unique name per event type in
``registry.event_handlers`` (key ``"<event_type>:<name>"``). The name is what the outbox records per
event, so renaming a handler makes it look new (it would run again for events still being retried).
``event_type="*"`` subscribes to every event (webhooks, automation rules).

Handlers receive the stored JSON payload, not the original dataclass: an event row may outlive the
code that wrote it, and a plain mapping keeps old rows readable after the class changes. Decimals,
dates and UUIDs arrive as strings (``Decimal(event.payload["total"])``). Delivery is at least once,
so a handler must be idempotent (``event.uuid`` is a stable key for that).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from concord.core.outbox.events import Event
from concord.core.registry import registry, temporary_registration

ALL_EVENTS = "*"


@dataclass(frozen=True)
class PublishedEvent:
    """An event as a handler sees it: the stored row's data, after commit."""

    id: int
    uuid: str
    event_type: str
    payload: dict[str, Any]
    company_id: int | None
    actor_id: int | None
    aggregate_type: str
    aggregate_id: str
    created_at: datetime.datetime
    attempt: int  # 1 on the first delivery attempt


HandlerFunction = Callable[[PublishedEvent], object]


@dataclass(frozen=True)
class EventHandler:
    """A named reaction to one event type (or to every event, with ``"*"``)."""

    event_type: str
    name: str
    function: HandlerFunction

    @property
    def key(self) -> str:
        return f"{self.event_type}:{self.name}"


def _event_type_name(event_type: str | type[Event]) -> str:
    if isinstance(event_type, str):
        if not event_type:
            raise ValueError("event_type must not be empty")
        return event_type
    return event_type.event_type


def register_handler(event_type: str | type[Event], name: str, function: HandlerFunction) -> EventHandler:
    """Subscribe ``function`` to ``event_type`` under ``name``; call it from ``AppConfig.ready()``."""
    handler = EventHandler(event_type=_event_type_name(event_type), name=name, function=function)
    registry.event_handlers.register(handler.key, handler)
    return handler


@contextmanager
def temporary_handler(
    event_type: str | type[Event], name: str, function: HandlerFunction
) -> Iterator[EventHandler]:
    """Subscribe a handler for the duration of a test (the registry is frozen after start-up)."""
    handler = EventHandler(event_type=_event_type_name(event_type), name=name, function=function)
    with temporary_registration(registry.event_handlers, handler.key, handler):
        yield handler


def handlers_for(event_type: str) -> list[EventHandler]:
    """The handlers an event of ``event_type`` goes to, in registration order."""
    return [
        handler
        for handler in registry.event_handlers.values()
        if isinstance(handler, EventHandler) and handler.event_type in (event_type, ALL_EVENTS)
    ]
