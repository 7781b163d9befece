"""The catalog as the parser and the importers see it: products, codes, options, variants.

Loaded from the JSON catalog format of spec/intents.md, from a Shopify products CSV
export, or from the database. Loading validates everything first, so a bad file is
rejected whole with an error naming the line and field.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel.money import to_minor


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


def _require(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise CatalogError(f"missing field '{key}'", where=where)
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise CatalogError(f"field '{key}' must be {names}, got {value!r}", where=where)
    return value


def _line_of_products(text: str) -> list[int]:
    """Best-effort line numbers of each product object, for error messages."""
    lines: list[int] = []
    depth = 0
    in_products = False
    in_string = escaped = False
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if in_products and depth == 3 and ch == "{":
                lines.append(line)
            if ch == "[" and depth == 2:
                in_products = True
        elif ch in "]}":
            if ch == "]" and depth == 2:
                in_products = False
            depth -= 1
    return lines


def parse_catalog_json(text: str, source: str = "catalog") -> Catalog:
    """Parse and validate the JSON catalog format of spec/intents.md."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"not valid JSON: {exc.msg}", where=f"{source}:{exc.lineno}") from exc
    if not isinstance(data, dict):
        raise CatalogError("the catalog must be a JSON object", where=f"{source}:1")
    currency = _require(data, "currency", str, f"{source}:1")
    if len(currency) != 3 or not currency.isalpha():
        raise CatalogError(f"currency must be an ISO code, got {currency!r}", where=f"{source}:1")
    currency = currency.upper()
    raw_products = _require(data, "products", list, f"{source}:1")
    lines = _line_of_products(text)
    products: list[CatalogProduct] = []
    seen_skus: set[str] = set()
    seen_codes: set[str] = set()
    seen_variant_skus: set[str] = set()
    for index, raw in enumerate(raw_products):
        line = lines[index] if index < len(lines) else 1
        where = f"{source}:{line} (product #{index + 1})"
        if not isinstance(raw, dict):
            raise CatalogError("each product must be an object", where=where)
        sku = _require(raw, "sku", str, where).strip()
        if not sku:
            raise CatalogError("field 'sku' is empty", where=where)
        where = f"{source}:{line} (product {sku})"
        if sku in seen_skus:
            raise CatalogError(f"duplicate sku {sku!r}", where=where)
        seen_skus.add(sku)
        name = _require(raw, "name", str, where)
        code = raw.get("code")
        if code is not None:
            if not isinstance(code, str | int) or isinstance(code, bool):
                raise CatalogError("field 'code' must be a string", where=where)
            code = str(code).strip()
            if code.casefold() in seen_codes:
                raise CatalogError(f"duplicate code {code!r}", where=where)
            seen_codes.add(code.casefold())
        price = _require(raw, "price", (str, int), where)
        try:
            price_minor = to_minor(price, currency)
        except (ValueError, TypeError) as exc:
            raise CatalogError(f"field 'price': {exc}", where=where) from exc
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise CatalogError("field 'aliases' must be a list of strings", where=where)
        raw_options = raw.get("options", {})
        if not isinstance(raw_options, dict):
            raise CatalogError("field 'options' must be an object", where=where)
        options: dict[str, tuple[str, ...]] = {}
        for opt_name, values in raw_options.items():
            if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
                raise CatalogError(f"field 'options.{opt_name}' must be a list", where=where)
            options[str(opt_name)] = tuple(str(v) for v in values)
        raw_variants = raw.get("variants", [])
        if not isinstance(raw_variants, list):
            raise CatalogError("field 'variants' must be a list", where=where)
        variants: list[CatalogVariant] = []
        for v_index, raw_variant in enumerate(raw_variants):
            v_where = f"{where}, variant #{v_index + 1}"
            if not isinstance(raw_variant, dict):
                raise CatalogError("each variant must be an object", where=v_where)
            v_sku = _require(raw_variant, "sku", str, v_where).strip()
            if v_sku in seen_variant_skus:
                raise CatalogError(f"duplicate variant sku {v_sku!r}", where=v_where)
            seen_variant_skus.add(v_sku)
            v_options = raw_variant.get("options", {})
            if not isinstance(v_options, dict):
                raise CatalogError("field 'options' must be an object", where=v_where)
            v_options = {str(k): str(val) for k, val in v_options.items()}
            for opt_name, value in v_options.items():
                if opt_name not in options or value not in options[opt_name]:
                    raise CatalogError(
                        f"option {opt_name}={value!r} is not among the product's options",
                        where=v_where,
                    )
            stock = _require(raw_variant, "stock", int, v_where)
            if stock < 0:
                raise CatalogError(f"field 'stock' must be >= 0, got {stock}", where=v_where)
            variants.append(CatalogVariant(sku=v_sku, options=v_options, stock=stock))
        if not variants:
            # A product without variants is sold as one default variant.
            stock = raw.get("stock", 0)
            if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
                raise CatalogError("field 'stock' must be an integer >= 0", where=where)
            variants.append(CatalogVariant(sku=sku, options={}, stock=stock))
        products.append(
            CatalogProduct(
                sku=sku,
                name=name,
                price_minor=price_minor,
                code=code,
                aliases=tuple(aliases),
                options=options,
                variants=tuple(variants),
            )
        )
    return Catalog(currency=currency, products=tuple(products))


SHOPIFY_REQUIRED = ("Handle", "Title", "Variant Price")


def parse_shopify_csv(text: str, currency: str, source: str = "products.csv") -> Catalog:
    """Parse a Shopify products CSV export: one row per variant, product fields on the first.

    Columns used: Handle, Title, Option1..3 Name/Value, Variant SKU, Variant Price,
    Variant Inventory Qty. The product's code is its position in the file (1, 2, ...)
    unless a `Code` column or a `code:` tag gives one.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None:
        raise CatalogError("the file is empty", where=f"{source}:1")
    missing = [c for c in SHOPIFY_REQUIRED if c not in reader.fieldnames]
    if missing:
        raise CatalogError(f"missing column(s): {', '.join(missing)}", where=f"{source}:1")
    order: list[str] = []
    heads: dict[str, dict[str, Any]] = {}
    seen_variant_skus: set[str] = set()
    for row in reader:
        line = reader.line_num
        where = f"{source}:{line}"
        if None in row:
            raise CatalogError("more fields than columns", where=where)
        handle = (row.get("Handle") or "").strip()
        if not handle:
            raise CatalogError("field 'Handle' is empty", where=where)
        head = heads.get(handle)
        if head is None:
            title = (row.get("Title") or "").strip()
            if not title:
                raise CatalogError("field 'Title' is empty on the product's first row", where=where)
            option_names = [(row.get(f"Option{i} Name") or "").strip() for i in (1, 2, 3)]
            code = (row.get("Code") or "").strip() or None
            tags = [t.strip() for t in (row.get("Tags") or "").split(",")]
            for tag in tags:
                if tag.lower().startswith("code:"):
                    code = tag.split(":", 1)[1].strip() or code
            head = {
                "title": title,
                "option_names": option_names,
                "code": code,
                "options": {},
                "variants": [],
                "price": None,
                "line": line,
            }
            heads[handle] = head
            order.append(handle)
        price_text = (row.get("Variant Price") or "").strip()
        if not price_text:
            if any((row.get(f"Option{i} Value") or "").strip() for i in (1, 2, 3)):
                raise CatalogError("field 'Variant Price' is empty", where=where)
            continue  # an image-only row
        try:
            price_minor = to_minor(price_text, currency)
        except ValueError as exc:
            raise CatalogError(f"field 'Variant Price': {exc}", where=where) from exc
        if head["price"] is None:
            head["price"] = price_minor
        qty_text = (row.get("Variant Inventory Qty") or "0").strip() or "0"
        try:
            stock = int(qty_text)
        except ValueError as exc:
            raise CatalogError(
                f"field 'Variant Inventory Qty' must be an integer, got {qty_text!r}", where=where
            ) from exc
        stock = max(stock, 0)  # Shopify allows negative inventory; we hold none of it
        options: dict[str, str] = {}
        for i, name in enumerate(head["option_names"], start=1):
            value = (row.get(f"Option{i} Value") or "").strip()
            if not name or not value or (name == "Title" and value == "Default Title"):
                continue
            key = _option_key(name)
            options[key] = value
            values = head["options"].setdefault(key, [])
            if value not in values:
                values.append(value)
        v_sku = (row.get("Variant SKU") or "").strip()
        if not v_sku:
            suffix = "-".join(options.values())
            v_sku = f"{handle}-{suffix}" if suffix else handle
        if v_sku in seen_variant_skus:
            raise CatalogError(f"duplicate 'Variant SKU' {v_sku!r}", where=where)
        seen_variant_skus.add(v_sku)
        head["variants"].append(CatalogVariant(sku=v_sku, options=options, stock=stock))
    if not order:
        raise CatalogError("no products in the file", where=f"{source}:2")
    products = []
    seen_codes: set[str] = set()
    for position, handle in enumerate(order, start=1):
        head = heads[handle]
        if head["price"] is None:
            raise CatalogError("product has no priced variant", where=f"{source}:{head['line']}")
        code = head["code"] or str(position)
        if code.casefold() in seen_codes:
            raise CatalogError(f"duplicate code {code!r}", where=f"{source}:{head['line']}")
        seen_codes.add(code.casefold())
        products.append(
            CatalogProduct(
                sku=handle,
                name=head["title"],
                price_minor=head["price"],
                code=code,
                options={k: tuple(v) for k, v in head["options"].items()},
                variants=tuple(head["variants"]),
            )
        )
    return Catalog(currency=currency.upper(), products=tuple(products))


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


def _option_key(name: str) -> str:
    return _OPTION_KEYS.get(name.strip().casefold(), name.strip().casefold())


def load_catalog_file(path: Path, currency: str = "EUR") -> Catalog:
    """Load a catalog from a JSON or Shopify CSV file, chosen by its extension."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError("the file is not UTF-8 text", where=str(path)) from exc
    if path.suffix.lower() == ".csv":
        return parse_shopify_csv(text, currency, source=path.name)
    return parse_catalog_json(text, source=path.name)
