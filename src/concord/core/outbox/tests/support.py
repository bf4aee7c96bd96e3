"""Events and a recording handler shared by the outbox tests."""

from __future__ import annotations

import datetime
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from concord.core.outbox.events import Event
from concord.core.outbox.subscriptions import PublishedEvent


@dataclass(frozen=True)
class InvoiceIssued(Event):
    """Test event with every awkward JSON type."""

    event_type = "test.InvoiceIssued"

    invoice_id: int
    company_id: int | None
    total: Decimal
    due: datetime.date
    issued_at: datetime.datetime
    reference: uuid.UUID


@dataclass(frozen=True)
class PingSent(Event):
    """Test event with one field."""

    event_type = "test.PingSent"

    number: int


def invoice_issued(*, company_id: int | None = None, invoice_id: int = 1) -> InvoiceIssued:
    return InvoiceIssued(
        invoice_id=invoice_id,
        company_id=company_id,
        total=Decimal("1234.50"),
        due=datetime.date(2026, 12, 31),
        issued_at=datetime.datetime(2026, 11, 1, 9, 30, tzinfo=datetime.UTC),
        reference=uuid.UUID("12345678-1234-5678-1234-567812345678"),
    )


class Recorder:
    """A handler that remembers what it received; ``fail_with`` makes it raise instead."""

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.fail_with = fail_with
        self.events: list[PublishedEvent] = []
        self.calls: Counter[int] = Counter()
        self._lock = threading.Lock()

    def __call__(self, event: PublishedEvent) -> None:
        with self._lock:
            self.calls[event.id] += 1
            self.events.append(event)
        if self.fail_with is not None:
            raise self.fail_with
