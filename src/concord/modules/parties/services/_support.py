"""Helpers the party services share: collecting field errors, auditing, publishing, indexing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from concord.core.errors import ValidationFailed
from concord.core.outbox.facade import Event, publish

T = TypeVar("T")


class FieldErrors:
    """Runs several checks and reports every failing field at once, not only the first."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def check(self, clean: Callable[[], T], *, field: str, default: T) -> T:
        """``clean()``'s result, or ``default`` after recording its ``ValidationFailed`` under ``field``."""
        try:
            return clean()
        except ValidationFailed as exc:
            for name, messages in exc.errors.items():
                target = name if name != "__all__" else field
                self.errors.setdefault(target, []).extend(messages)
            return default

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        fields = [name for name in self.errors if name != "__all__"]
        field = fields[0] if len(self.errors) == 1 and fields else None
        message = "; ".join(message for messages in self.errors.values() for message in messages)
        raise ValidationFailed(message, field=field, errors=self.errors)


@contextmanager
def django_errors_as_domain() -> Iterator[None]:
    """Turn a model's ``ValidationError`` (from ``full_clean``) into ``ValidationFailed``."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def actor_id(by: Any) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def publish_about(event: Event, *, by: Any, about: models.Model) -> None:
    publish(event, actor_id=actor_id(by), aggregate=about)
