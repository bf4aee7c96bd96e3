"""Page-number pagination for every list endpoint: ``?page=&page_size=``.

The answer is ``{"items": [...], "count": N, "page": p, "page_size": s}``. A ``page_size`` above
``settings.CONCORD_API_MAX_PAGE_SIZE`` is refused with 422 rather than silently cut, so a client that
asks for 10,000 rows learns at once that it gets at most the maximum per page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

from concord.core.errors import ValidationFailed

__all__ = ["PageNumberPagination", "paginated"]

# Keeps OFFSET inside a 64-bit integer whatever page_size is; nobody pages a billion pages deep.
MAX_PAGE = 1_000_000_000


class PageNumberPagination(PaginationBase):
    """``?page=`` (from 1) and ``?page_size=`` (default CONCORD_API_PAGE_SIZE, max CONCORD_API_MAX_PAGE_SIZE)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
        page_size: int | None = Field(
            None,
            ge=1,
            description="Items per page; the server's default when absent, at most its maximum "
            "(CONCORD_API_MAX_PAGE_SIZE, 500 unless configured).",
        )

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        maximum: int = settings.CONCORD_API_MAX_PAGE_SIZE
        page_size: int = pagination.page_size or settings.CONCORD_API_PAGE_SIZE
        if page_size > maximum:
            raise ValidationFailed(
                _("page_size may be at most %(max)d.") % {"max": maximum}, field="page_size"
            )
        offset = (pagination.page - 1) * page_size
        return {
            "items": queryset[offset : offset + page_size],
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": page_size,
        }


# Decorate a list endpoint (response=list[Schema]) with ``@paginated`` below the router decorator.
paginated = paginate(PageNumberPagination)
