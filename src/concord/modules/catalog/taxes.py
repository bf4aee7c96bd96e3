"""Default taxes of a product: a hook that accounting fills; the catalog keeps no tax table.

Decision: taxes are accounting's data (rates, accounts, validity dates, the Thai VAT and Cambodian VAT
rules), so the catalog neither defines a ``Tax`` model nor stores tax codes it cannot check. When
accounting arrives it owns the tax table *and* the product-to-tax link (a table with a foreign key to
``catalog.Product``, which is master data it may point at), and registers from its ``ready()`` a
provider answering "which tax codes apply to this product by default"::

    product_tax_provider_register("accounting", lambda product_id: ["VAT7"])

``product_default_taxes`` (re-exported by ``facade``) asks every provider and merges their answers;
until a provider exists every product has no default taxes. The catalog imports nothing of accounting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from concord.core.registry import ExtensionPoint

__all__ = [
    "ProductTaxProvider",
    "product_default_taxes",
    "product_tax_provider_register",
    "product_tax_providers",
]

ProductTaxProvider = Callable[[int], Sequence[str]]  # product id -> tax codes

product_tax_providers: ExtensionPoint[ProductTaxProvider] = ExtensionPoint("catalog_product_tax_providers")


def product_tax_provider_register(key: str, provider: ProductTaxProvider) -> ProductTaxProvider:
    """Let ``provider`` answer the default taxes of products (accounting, from its ``ready()``)."""
    return product_tax_providers.register(key, provider)


def product_default_taxes(product_id: int) -> list[str]:
    """The codes of the taxes a new document line for this product gets by default ([] until accounting)."""
    codes: list[str] = []
    for provider in product_tax_providers.values():
        codes.extend(code for code in provider(product_id) if code not in codes)
    return codes
