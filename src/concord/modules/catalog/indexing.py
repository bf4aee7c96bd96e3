"""How a product appears in the global search: its ``SearchDocument``, kept in sync by the services."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from concord.core.search.facade import SearchDocument, search_index, search_unindex
from concord.modules.catalog.models import Product

SEARCH_KIND = "catalog.product"

__all__ = [
    "SEARCH_KIND",
    "product_index",
    "product_search_document",
    "product_search_documents",
    "product_unindex",
]


def product_search_document(product: Product) -> SearchDocument:
    """Name as title, category path as subtitle, internal reference and barcode as codes."""
    return SearchDocument(
        kind=SEARCH_KIND,
        object_id=str(product.pk),
        company_id=product.company_id,
        title=product.name,
        subtitle=product.category.full_path if product.category_id and product.category else "",
        codes=tuple(code for code in (product.internal_ref, product.barcode) if code),
        text=product.description[:2000],
        url=reverse("catalog:detail", args=[product.pk]),
    )


def product_index(product: Product) -> None:
    """Upsert ``product``'s search document; call inside the writing service's transaction."""
    search_index(product_search_document(product))


def product_unindex(product_id: int) -> None:
    search_unindex(kind=SEARCH_KIND, object_id=str(product_id))


def product_search_documents() -> Iterator[SearchDocument]:
    """Every product of every company, for a full rebuild of the search index."""
    products = Product.all_companies.select_related("category").order_by("pk")
    for product in products.iterator(chunk_size=1000):
        yield product_search_document(product)
