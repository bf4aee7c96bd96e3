"""Events: frozen dataclasses naming something that happened, and how they become JSON.

A module declares its events in its own ``events.py``::

    @dataclass(frozen=True)
    class InvoicePosted(Event):
        invoice_id: int
        company_id: int
        total: Decimal
        currency: str

``event_type`` is derived from the module and class name (``"accounting.InvoicePosted"`` for a class in
``concord.modules.accounting.events``) unless the class sets it explicitly; it is what handlers
subscribe to and what the outbox row stores, so renaming an event class is a data migration.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any, ClassVar

from django.core.serializers.json import DjangoJSONEncoder

_PACKAGE_PREFIXES = ("concord.modules.", "concord.core.")


def _derived_event_type(cls: type) -> str:
    module = cls.__module__
    for prefix in _PACKAGE_PREFIXES:
        if module.startswith(prefix):
            return f"{module[len(prefix) :].split('.')[0]}.{cls.__name__}"
    return f"{module}.{cls.__name__}"


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of every domain event: a fact, named in the past tense, that other code may react to."""

    event_type: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__ or not cls.__dict__["event_type"]:
            cls.event_type = _derived_event_type(cls)

    def payload(self) -> dict[str, Any]:
        """The event's fields as a JSON-ready mapping (values encoded by ``OutboxJSONEncoder``)."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


class OutboxJSONEncoder(DjangoJSONEncoder):
    """JSON for event payloads: Decimal, date, datetime, time, UUID (via Django), plus dataclasses,
    enums and sets."""

    def default(self, o: Any) -> Any:
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return {field.name: getattr(o, field.name) for field in dataclasses.fields(o)}
        if isinstance(o, enum.Enum):
            return o.value
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        return super().default(o)
