"""The JSON catalog format of docs/formats.md: `currency`, and `products[]` with their
options and variants."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from commerce.catalog import Catalog, CatalogError, CatalogProduct, CatalogVariant
from kernel.money import to_minor


@dataclass(slots=True)
class _Seen:
    """What the products read so far use: a sku, a code or a variant sku is used once."""

    skus: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    variant_skus: set[str] = field(default_factory=set)


def parse_catalog_json(text: str, source: str = "catalog") -> Catalog:
    """Parse and validate the JSON catalog format of docs/formats.md."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"not valid JSON: {exc.msg}", where=f"{source}:{exc.lineno}") from exc
    if not isinstance(data, dict):
        raise CatalogError("the catalog must be a JSON object", where=f"{source}:1")
    currency = _currency(data, source)
    raw_products = _require(data, "products", list, f"{source}:1")
    lines = _line_of_products(text)
    seen = _Seen()
    products: list[CatalogProduct] = []
    for index, raw in enumerate(raw_products):
        line = lines[index] if index < len(lines) else 1
        products.append(_product(raw, f"{source}:{line}", index, currency, seen))
    return Catalog(currency=currency, products=tuple(products))


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


def _currency(data: dict[str, Any], source: str) -> str:
    currency = _require(data, "currency", str, f"{source}:1")
    if len(currency) != 3 or not currency.isalpha():
        raise CatalogError(f"currency must be an ISO code, got {currency!r}", where=f"{source}:1")
    return str(currency.upper())


def _product(raw: object, at: str, index: int, currency: str, seen: _Seen) -> CatalogProduct:
    """One product object; `at` is the source and line it starts on."""
    where = f"{at} (product #{index + 1})"
    if not isinstance(raw, dict):
        raise CatalogError("each product must be an object", where=where)
    sku = _require(raw, "sku", str, where).strip()
    if not sku:
        raise CatalogError("field 'sku' is empty", where=where)
    where = f"{at} (product {sku})"
    if sku in seen.skus:
        raise CatalogError(f"duplicate sku {sku!r}", where=where)
    seen.skus.add(sku)
    name = _require(raw, "name", str, where)
    code = _code(raw, where, seen)
    price = _require(raw, "price", (str, int), where)
    try:
        price_minor = to_minor(price, currency)
    except (ValueError, TypeError) as exc:
        raise CatalogError(f"field 'price': {exc}", where=where) from exc
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise CatalogError("field 'aliases' must be a list of strings", where=where)
    options = _options(raw, where)
    return CatalogProduct(
        sku=sku,
        name=name,
        price_minor=price_minor,
        code=code,
        aliases=tuple(aliases),
        options=options,
        variants=_variants(raw, sku, options, where, seen, currency),
    )


def _code(raw: dict[str, Any], where: str, seen: _Seen) -> str | None:
    code = raw.get("code")
    if code is None:
        return None
    if not isinstance(code, str | int) or isinstance(code, bool):
        raise CatalogError("field 'code' must be a string", where=where)
    code = str(code).strip()
    if code.casefold() in seen.codes:
        raise CatalogError(f"duplicate code {code!r}", where=where)
    seen.codes.add(code.casefold())
    return code


def _options(raw: dict[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    raw_options = raw.get("options", {})
    if not isinstance(raw_options, dict):
        raise CatalogError("field 'options' must be an object", where=where)
    options: dict[str, tuple[str, ...]] = {}
    for opt_name, values in raw_options.items():
        if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
            raise CatalogError(f"field 'options.{opt_name}' must be a list", where=where)
        options[str(opt_name)] = tuple(str(v) for v in values)
    return options


def _variants(
    raw: dict[str, Any],
    sku: str,
    options: dict[str, tuple[str, ...]],
    where: str,
    seen: _Seen,
    currency: str,
) -> tuple[CatalogVariant, ...]:
    raw_variants = raw.get("variants", [])
    if not isinstance(raw_variants, list):
        raise CatalogError("field 'variants' must be a list", where=where)
    variants = [
        _variant(raw_variant, f"{where}, variant #{v_index + 1}", options, seen, currency)
        for v_index, raw_variant in enumerate(raw_variants)
    ]
    if not variants:
        # A product without variants is sold as one default variant.
        stock = raw.get("stock", 0)
        if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
            raise CatalogError("field 'stock' must be an integer >= 0", where=where)
        variants.append(CatalogVariant(sku=sku, options={}, stock=stock))
    return tuple(variants)


def _variant(
    raw_variant: object,
    v_where: str,
    options: dict[str, tuple[str, ...]],
    seen: _Seen,
    currency: str,
) -> CatalogVariant:
    if not isinstance(raw_variant, dict):
        raise CatalogError("each variant must be an object", where=v_where)
    v_sku = _require(raw_variant, "sku", str, v_where).strip()
    if v_sku in seen.variant_skus:
        raise CatalogError(f"duplicate variant sku {v_sku!r}", where=v_where)
    seen.variant_skus.add(v_sku)
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
    price_minor = None
    if "price" in raw_variant:
        price = _require(raw_variant, "price", (str, int), v_where)
        try:
            price_minor = to_minor(price, currency)
        except (ValueError, TypeError) as exc:
            raise CatalogError(f"field 'price': {exc}", where=v_where) from exc
    return CatalogVariant(sku=v_sku, options=v_options, stock=stock, price_minor=price_minor)
