"""Small catalogs for parser tests: a product from its options, one variant per value
combination, stock enough for every test."""

from __future__ import annotations

from itertools import product as combinations

from commerce.catalog import Catalog, CatalogProduct, CatalogVariant


def product(
    sku: str,
    code: str,
    name: str,
    options: dict[str, tuple[str, ...]],
    aliases: tuple[str, ...] = (),
    price_minor: int = 5000,
) -> CatalogProduct:
    names = tuple(options)
    variants = tuple(
        CatalogVariant(f"{sku}-{n}", dict(zip(names, values, strict=True)), 5)
        for n, values in enumerate(combinations(*options.values()))
    )
    return CatalogProduct(sku, name, price_minor, code, tuple(aliases), options, variants)


def catalog(*products: CatalogProduct) -> Catalog:
    return Catalog("EUR", products)
