"""The global search box's provider: the shell's /search/ page asks it through the registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from concord.core.search.facade import search_query
from concord.core.search.highlight import highlight_fragment, match_spans
from concord.core.search.models import SearchEntry
from concord.core.search.query import parse_query
from concord.core.web.search import SearchHit as ShellHit

__all__ = ["IndexedRecordsProvider", "RecordHit"]

_TITLE_MAX = SearchEntry._meta.get_field("title").max_length or 300


@dataclass(frozen=True)
class RecordHit(ShellHit):
    """A shell hit that also says which kind of record it is and where the query matched.

    ``detail`` reads "kind · subtitle", so the kind shows where a page prints only title and detail.
    The HTML-safe fields (escaped, matches in ``<mark>``): ``highlight`` (the matched fragment, as in
    the API), ``title_html`` (the title, marked when the match is in it) and ``snippet`` (the matched
    fragment when it is not in the title, else empty).
    """

    kind: str = ""
    kind_label: str = ""
    highlight: str = ""
    title_html: str = ""
    snippet: str = ""


class IndexedRecordsProvider:
    """Every kind in the search index (parties, products...), ranked together."""

    label = _("Records")

    def search(self, *, request: HttpRequest, query: str, limit: int) -> list[ShellHit]:
        parsed = parse_query(query)
        if parsed is None:
            return []
        terms = (parsed.text,) if parsed.prefix else parsed.terms
        results: list[ShellHit] = []
        for hit in search_query(query=query, user=getattr(request, "user", None), limit=limit):
            in_title = bool(match_spans(hit.title, terms, prefix_only=parsed.prefix))
            title_html = (
                highlight_fragment([hit.title], terms, prefix_only=parsed.prefix, max_length=_TITLE_MAX)
                if in_title
                else escape(hit.title)
            )
            results.append(
                RecordHit(
                    title=hit.title,
                    url=hit.url,
                    detail=" · ".join(part for part in (hit.kind_label, hit.subtitle) if part),
                    kind=hit.kind,
                    kind_label=hit.kind_label,
                    highlight=hit.highlight,
                    title_html=title_html,
                    snippet="" if in_title or "<mark>" not in hit.highlight else hit.highlight,
                )
            )
        return results
