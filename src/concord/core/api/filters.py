"""Filtering and ordering for list endpoints.

Pattern: a list endpoint takes ``filters: Query[SomeFilters]`` where ``SomeFilters`` subclasses
``ListFilters`` (a ninja ``FilterSchema``), declares its filter fields with ``FilterLookup`` and the
public names it may be ordered by, and returns ``filters.apply(queryset)``; ``@paginated`` then pages
the result. ``?ordering=name,-created_at`` accepts only whitelisted names, anything else is a 422.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema
from pydantic import PlainValidator, WithJsonSchema

from concord.core.errors import ValidationFailed

__all__ = ["DateOrDateTime", "ListFilters", "ordering_apply"]

M = TypeVar("M", bound=Model)


def _date_or_datetime(value: Any) -> dt.date | dt.datetime:
    """``2026-01-31`` -> a date (a whole day to the selectors); anything longer -> an ISO 8601 moment."""
    if isinstance(value, dt.date):  # datetime is a date too
        return value
    if not isinstance(value, str):
        raise ValueError(_("Give a date (YYYY-MM-DD) or an ISO 8601 date and time."))  # noqa: TRY004 - pydantic turns ValueError into a 422 naming the field
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(_("Give a date (YYYY-MM-DD) or an ISO 8601 date and time.")) from None


# A query value that is a date or a date and time. One validator instead of a ``date | datetime``
# union, whose errors pydantic would report under per-branch names instead of the field's own.
DateOrDateTime = Annotated[
    dt.date | dt.datetime,
    PlainValidator(_date_or_datetime),
    WithJsonSchema({"type": "string", "description": "YYYY-MM-DD, or an ISO 8601 date and time"}),
]


def ordering_apply(
    queryset: QuerySet[M],
    ordering: str | None,
    *,
    allowed: Mapping[str, str],
    default: Sequence[str],
) -> QuerySet[M]:
    """Order ``queryset`` by a client's ``ordering`` (``"name,-created_at"``) from ``allowed``.

    ``allowed`` maps the public names to model lookups, so clients never order by a field we do not
    mean to expose. ``pk`` is always the last key: pages stay stable when the chosen keys tie.
    """
    terms: list[str] = []
    if ordering:
        for raw in ordering.split(","):
            term = raw.strip()
            if not term:
                continue
            descending = term.startswith("-")
            name = term.lstrip("-")
            if name not in allowed:
                raise ValidationFailed(
                    _("Cannot order by “%(name)s”; choose from: %(allowed)s.")
                    % {"name": name, "allowed": ", ".join(sorted(allowed))},
                    field="ordering",
                )
            terms.append(f"-{allowed[name]}" if descending else allowed[name])
    if not terms:
        terms = list(default)
    if not any(term.lstrip("-") in {"pk", "id"} for term in terms):
        terms.append("-pk" if terms and terms[0].startswith("-") else "pk")
    return queryset.order_by(*terms)


class ListFilters(FilterSchema):
    """Base of every list endpoint's query filters: its own fields plus ``?ordering=``."""

    ordering: str | None = Field(None, description="Comma-separated names; prefix '-' to reverse.")

    ordering_fields: ClassVar[Mapping[str, str]] = {"id": "pk"}
    default_ordering: ClassVar[Sequence[str]] = ("-pk",)

    def filter_ordering(self, value: Any) -> Q:
        return Q()  # ordering is not a filter; apply() uses it

    def order(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """Order ``queryset`` by ``?ordering=`` (for querysets a selector already filtered)."""
        return ordering_apply(
            queryset, self.ordering, allowed=self.ordering_fields, default=self.default_ordering
        )

    def apply(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """Filter, then order, ``queryset``."""
        return self.order(self.filter(queryset))
