"""Sets the company scope for each authenticated request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase

from concord.core.identity.scope import company_scope, memberships_remembered


def _scoped_chunks(chunks: Iterable[object], company_ids: list[int]) -> Iterator[object]:
    """Produce each chunk inside the scope: a streamed body is read after the middleware returned."""
    iterator = iter(chunks)
    while True:
        with company_scope(company_ids):
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


async def _scoped_async_chunks(
    chunks: AsyncIterator[object], company_ids: list[int]
) -> AsyncIterator[object]:
    iterator = chunks.__aiter__()
    while True:
        with company_scope(company_ids):
            try:
                chunk = await iterator.__anext__()
            except StopAsyncIteration:
                return
        yield chunk


class CompanyScopeMiddleware:
    """Scope company-owned querysets to the signed-in user's companies for the whole request.

    The user's memberships are read once for the request (``memberships_remembered``). Superusers
    and anonymous requests run unscoped (anonymous views only show public data). A streamed
    body is produced after this middleware has returned, so each of its chunks is made in the scope
    too: outside it the default managers would show every company's rows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_superuser:
            return self.get_response(request)
        # The user's memberships are read once here and reused by permission checks, the navigation
        # and the company switcher for the rest of the request.
        with memberships_remembered(user.pk):
            company_ids = user.company_ids()
            with company_scope(company_ids):
                response = self.get_response(request)
        # A file is sent as it is (and keeps the server's sendfile path); it reads no company rows.
        if isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse):
            content = response.streaming_content
            if isinstance(content, AsyncIterator):
                response.streaming_content = _scoped_async_chunks(content, company_ids)
            else:
                response.streaming_content = _scoped_chunks(content, company_ids)
        return response
