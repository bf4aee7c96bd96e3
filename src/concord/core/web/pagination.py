"""Page-number pagination for the HTML list screens (the API has its own, in concord.core.api.pagination).

A view calls ``paginate(request, rows)`` and hands the page to its template as ``page``; the template
renders the pager with ``{% include "web/partials/pagination.html" %}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

if TYPE_CHECKING:  # the protocol lives only in django-stubs
    from django.core.paginator import _SupportsPagination

PAGE_SIZE = 50

_T = TypeVar("_T")


def paginate(
    request: HttpRequest, object_list: _SupportsPagination[_T], *, per_page: int = PAGE_SIZE
) -> Page[_T]:
    """The page of ``object_list`` that ``?page=`` names.

    A missing or non-numeric number gives the first page and one past the end gives the last, so a
    stale link or a list that shrank still shows rows instead of an error.
    """
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))
