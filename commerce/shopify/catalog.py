"""Pull a catalog from the shop (`vitrine catalog import --shopify`): products, their
options, and each variant's SKU, price and stock, a page at a time. The rows go through
the same reader as Shopify's products CSV export, so both imports agree."""

from __future__ import annotations

from typing import Any

from commerce.catalog import Catalog
from commerce.catalog_formats.shopify_csv import catalog_from_rows
from commerce.shopify.admin import ShopifyAdmin

PRODUCTS = """
query VitrineProducts($after: String) {
  products(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      handle title tags
      options { name }
      variants(first: 100) {
        nodes { sku price inventoryQuantity selectedOptions { name value } }
      }
    }
  }
}
"""


async def pull_catalog(admin: ShopifyAdmin, currency: str) -> Catalog:
    rows: list[tuple[dict[str, Any], int]] = []
    after: str | None = None
    while True:
        data = await admin.execute(PRODUCTS, {"after": after})
        page = data.get("products") or {}
        for product in page.get("nodes") or []:
            rows.extend((row, len(rows) + n + 1) for n, row in enumerate(_rows(product)))
        info = page.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            break
        after = info.get("endCursor")
    return catalog_from_rows(rows, currency, f"shopify:{admin.shop}")


def _rows(product: dict[str, Any]) -> list[dict[str, Any]]:
    """A product as the CSV export's rows: one per variant."""
    names = [o.get("name") or "" for o in product.get("options") or []][:3]
    tags = product.get("tags") or []
    rows = []
    for variant in (product.get("variants") or {}).get("nodes") or []:
        values = {o.get("name"): o.get("value") for o in variant.get("selectedOptions") or []}
        row: dict[str, Any] = {
            "Handle": product.get("handle") or "",
            "Title": product.get("title") or "",
            "Tags": ", ".join(tags) if isinstance(tags, list) else str(tags),
            "Variant SKU": variant.get("sku") or "",
            "Variant Price": str(variant.get("price") or ""),
            "Variant Inventory Qty": str(variant.get("inventoryQuantity") or 0),
        }
        for i, name in enumerate(names, start=1):
            row[f"Option{i} Name"] = name
            row[f"Option{i} Value"] = values.get(name) or ""
        rows.append(row)
    return rows
