"""The catalog as the parser and the importers see it: products, codes, options, variants.

Read from a file by commerce.catalog_formats (JSON, Shopify CSV) or from the database by
commerce.catalog_store.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class CatalogError(ValueError):
    """A catalog file that cannot be imported; `where` names the line and field."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True, slots=True)
class CatalogVariant:
    sku: str
    options: dict[str, str]
    stock: int
    price_minor: int | None = None  # None: the product's price


@dataclass(frozen=True, slots=True)
class CatalogProduct:
    sku: str
    name: str
    price_minor: int
    code: str | None = None
    aliases: tuple[str, ...] = ()
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    variants: tuple[CatalogVariant, ...] = ()

    def variant_for(self, options: dict[str, str]) -> CatalogVariant | None:
        """The variant matching every given option exactly (case-insensitive)."""
        wanted = {k: v.casefold() for k, v in options.items()}
        matches = [
            v
            for v in self.variants
            if all(v.options.get(k, "").casefold() == val for k, val in wanted.items())
        ]
        return matches[0] if len(matches) == 1 else None


@dataclass(frozen=True, slots=True)
class Catalog:
    currency: str
    products: tuple[CatalogProduct, ...]

    def by_sku(self, sku: str) -> CatalogProduct | None:
        for product in self.products:
            if product.sku == sku:
                return product
        return None
