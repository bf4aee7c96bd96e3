"""Fixtures for the search tests: test-only kinds of record and a way to index documents quickly."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from concord.core.registry import temporary_registration
from concord.core.search.facade import SearchDocument, SearchKind, search_index, search_kinds

# A kind readable with "currencies.view" (sales, managers, accountants hold it) and one readable only
# with "audit.view" (sales does not): real permission areas, so the role checks run as in production.
PRODUCT = "testsearch.product"
SECRET = "testsearch.secret"


class Documents:
    """The documents each test kind's ``reindex()`` returns (tests fill them)."""

    def __init__(self) -> None:
        self.by_kind: dict[str, list[SearchDocument]] = {PRODUCT: [], SECRET: []}


@pytest.fixture
def reindex_source() -> Documents:
    return Documents()


@pytest.fixture
def test_kinds(reindex_source: Documents) -> Iterator[None]:
    product = SearchKind(
        kind=PRODUCT,
        label="Test products",
        permission="currencies.view",
        reindex=lambda: list(reindex_source.by_kind[PRODUCT]),
    )
    secret = SearchKind(
        kind=SECRET,
        label="Test secrets",
        permission="audit.view",
        reindex=lambda: list(reindex_source.by_kind[SECRET]),
    )
    with (
        temporary_registration(search_kinds, PRODUCT, product),
        temporary_registration(search_kinds, SECRET, secret),
    ):
        yield


@pytest.fixture
def index_doc(test_kinds: None) -> Callable[..., SearchDocument]:
    counter = {"n": 0}

    def index(*, company: Any, title: str, kind: str = PRODUCT, **fields: Any) -> SearchDocument:
        counter["n"] += 1
        fields.setdefault("object_id", str(counter["n"]))
        fields.setdefault("url", f"/test/{kind}/{fields['object_id']}/")
        doc = SearchDocument(kind=kind, company_id=company.pk, title=title, **fields)
        search_index(doc)
        return doc

    return index
