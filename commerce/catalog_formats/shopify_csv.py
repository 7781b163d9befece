"""A Shopify products CSV export: one row per variant, the product's fields on its first row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from commerce.catalog import Catalog, CatalogError, CatalogProduct, CatalogVariant
from kernel.money import to_minor

# Without its SKUs an import cannot recognise the same variants next time (it would add a
# second set and count stock twice); without quantities it would zero real stock; without
# option values every variant of a product would look the same.
SHOPIFY_REQUIRED = (
    "Handle",
    "Title",
    "Option1 Value",
    "Variant SKU",
    "Variant Price",
    "Variant Inventory Qty",
)

_OPTION_KEYS = {
    "size": "size",
    "taille": "size",
    "talla": "size",
    "größe": "size",
    "grösse": "size",
    "groesse": "size",
    "taglia": "size",
    "pointure": "size",
    "color": "color",
    "colour": "color",
    "couleur": "color",
    "color ": "color",
    "farbe": "color",
    "colore": "color",
}


@dataclass(slots=True)
class _ProductRows:
    """One product as its rows are read: its first row's fields, then a variant per row."""

    title: str
    option_names: list[str]
    code: str | None
    line: int
    options: dict[str, list[str]] = field(default_factory=dict)
    variants: list[CatalogVariant] = field(default_factory=list)
    price: int | None = None


def parse_shopify_csv(text: str, currency: str, source: str = "products.csv") -> Catalog:
    """Parse a Shopify products CSV export: one row per variant, product fields on the first.

    Columns used: Handle, Title, Option1..3 Name/Value, Variant SKU, Variant Price,
    Variant Inventory Qty (all required but Option2/3). The product's code is its position
    in the file (1, 2, ...) unless a `Code` column or a `code:` tag gives one.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None:
        raise CatalogError("the file is empty", where=f"{source}:1")
    missing = [c for c in SHOPIFY_REQUIRED if c not in reader.fieldnames]
    if missing:
        raise CatalogError(f"missing column(s): {', '.join(missing)}", where=f"{source}:1")
    rows = ((row, reader.line_num) for row in reader)
    return catalog_from_rows(rows, currency, source)


def catalog_from_rows(
    rows: Iterable[tuple[dict[str | Any, str | Any], int]], currency: str, source: str
) -> Catalog:
    """A catalog from rows in the export's columns, each with where it came from (a line
    of the file, or a variant's position when the rows come from Shopify's API)."""
    heads: dict[str, _ProductRows] = {}  # by handle, in the order of the rows
    seen_variant_skus: set[str] = set()
    for row, line in rows:
        _read_row(row, line, source, currency, heads, seen_variant_skus)
    if not heads:
        raise CatalogError("no products", where=f"{source}:2")
    return Catalog(currency=currency.upper(), products=_products(heads, source))


def _read_row(
    row: dict[str | Any, str | Any],
    line: int,
    source: str,
    currency: str,
    heads: dict[str, _ProductRows],
    seen_variant_skus: set[str],
) -> None:
    """One row: a product's first row opens it; a priced row adds a variant to it."""
    where = f"{source}:{line}"
    if None in row:
        raise CatalogError("more fields than columns", where=where)
    handle = (row.get("Handle") or "").strip()
    if not handle:
        raise CatalogError("field 'Handle' is empty", where=where)
    head = heads.get(handle)
    if head is None:
        head = heads[handle] = _first_row(row, line, where)
    price_text = (row.get("Variant Price") or "").strip()
    if not price_text:
        if any((row.get(f"Option{i} Value") or "").strip() for i in (1, 2, 3)):
            raise CatalogError("field 'Variant Price' is empty", where=where)
        return  # an image-only row
    try:
        price_minor = to_minor(price_text, currency)
    except ValueError as exc:
        raise CatalogError(f"field 'Variant Price': {exc}", where=where) from exc
    if head.price is None:
        head.price = price_minor
    stock = _stock(row, where)
    options = _variant_options(row, head)
    v_sku = (row.get("Variant SKU") or "").strip()
    if not v_sku:
        raise CatalogError("field 'Variant SKU' is empty", where=where)
    if v_sku in seen_variant_skus:
        raise CatalogError(f"duplicate 'Variant SKU' {v_sku!r}", where=where)
    seen_variant_skus.add(v_sku)
    head.variants.append(
        CatalogVariant(sku=v_sku, options=options, stock=stock, price_minor=price_minor)
    )


def _first_row(row: dict[str | Any, str | Any], line: int, where: str) -> _ProductRows:
    title = (row.get("Title") or "").strip()
    if not title:
        raise CatalogError("field 'Title' is empty on the product's first row", where=where)
    option_names = [(row.get(f"Option{i} Name") or "").strip() for i in (1, 2, 3)]
    code = (row.get("Code") or "").strip() or None
    tags = [t.strip() for t in (row.get("Tags") or "").split(",")]
    for tag in tags:
        if tag.lower().startswith("code:"):
            code = tag.split(":", 1)[1].strip() or code
    return _ProductRows(title=title, option_names=option_names, code=code, line=line)


def _stock(row: dict[str | Any, str | Any], where: str) -> int:
    qty_text = (row.get("Variant Inventory Qty") or "0").strip() or "0"
    try:
        stock = int(qty_text)
    except ValueError as exc:
        raise CatalogError(
            f"field 'Variant Inventory Qty' must be an integer, got {qty_text!r}", where=where
        ) from exc
    return max(stock, 0)  # Shopify allows negative inventory; we hold none of it


def _variant_options(row: dict[str | Any, str | Any], head: _ProductRows) -> dict[str, str]:
    """The row's option values, each also recorded among its product's options."""
    options: dict[str, str] = {}
    for i, name in enumerate(head.option_names, start=1):
        value = (row.get(f"Option{i} Value") or "").strip()
        if not name or not value or (name == "Title" and value == "Default Title"):
            continue
        key = _option_key(name)
        options[key] = value
        values = head.options.setdefault(key, [])
        if value not in values:
            values.append(value)
    return options


def _option_key(name: str) -> str:
    return _OPTION_KEYS.get(name.strip().casefold(), name.strip().casefold())


def _products(heads: dict[str, _ProductRows], source: str) -> tuple[CatalogProduct, ...]:
    products = []
    seen_codes: set[str] = set()
    for position, (handle, head) in enumerate(heads.items(), start=1):
        if head.price is None:
            raise CatalogError("product has no priced variant", where=f"{source}:{head.line}")
        code = head.code or str(position)
        if code.casefold() in seen_codes:
            raise CatalogError(f"duplicate code {code!r}", where=f"{source}:{head.line}")
        seen_codes.add(code.casefold())
        products.append(
            CatalogProduct(
                sku=handle,
                name=head.title,
                price_minor=head.price,
                code=code,
                options={k: tuple(v) for k, v in head.options.items()},
                variants=tuple(head.variants),
            )
        )
    return tuple(products)
