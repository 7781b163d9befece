"""A catalog file, read with the format its extension names."""

from __future__ import annotations

from pathlib import Path

from commerce.catalog import Catalog, CatalogError
from commerce.catalog_formats.json_format import parse_catalog_json
from commerce.catalog_formats.shopify_csv import parse_shopify_csv


def load_catalog_file(path: Path, currency: str = "EUR") -> Catalog:
    """Load a catalog from a JSON or Shopify CSV file, chosen by its extension."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError("the file is not UTF-8 text", where=str(path)) from exc
    if path.suffix.lower() == ".csv":
        return parse_shopify_csv(text, currency, source=path.name)
    return parse_catalog_json(text, source=path.name)
