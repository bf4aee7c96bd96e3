"""REST endpoint of the global search: ``GET /api/v1/search?q=&kinds=&limit=``."""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from concord.core.api.errors import ErrorOut
from concord.core.search.facade import search_query
from concord.core.search.query import QUERY_MAX_LENGTH

router = Router(tags=["search"])

API_MAX_LIMIT = 50


class SearchParams(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=QUERY_MAX_LENGTH,
        description="Any part of a name, code, e-mail or phone, in any script. Under 3 characters: "
        "matches the start of codes and of words of the name.",
    )
    kinds: str = Field(
        "", description='Comma-separated kinds to search, e.g. "parties.party,catalog.product"; empty: all.'
    )
    limit: int = Field(20, ge=1, le=API_MAX_LIMIT)


class SearchHitOut(Schema):
    kind: str
    kind_label: str
    object_id: str
    title: str
    subtitle: str
    url: str
    highlight: str = Field(..., description="HTML: the matched fragment, escaped, matches in <mark>.")
    score: float = Field(..., description="Higher is better; comparable within one answer only.")


class SearchResultsOut(Schema):
    items: list[SearchHitOut]
    count: int


@router.get("", response={200: SearchResultsOut, frozenset({401, 422}): ErrorOut}, url_name="search")
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchResultsOut:
    """Records the caller may see whose name, codes or text contain the query, best first."""
    kinds = [kind.strip() for kind in params.kinds.split(",") if kind.strip()] or None
    hits = search_query(query=params.q, user=request.user, kinds=kinds, limit=params.limit)
    return SearchResultsOut(
        items=[SearchHitOut(**vars(hit)) for hit in hits],
        count=len(hits),
    )
