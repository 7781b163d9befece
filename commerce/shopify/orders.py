"""A paid Vitrine order becomes a Shopify order, once.

Idempotency: the order carries the tag `vitrine-order-<id>`; before creating, the shop is
asked for an order with that tag, so a retry after a lost answer (or a relay killed
mid-request) finds the first one instead of making a second. Lines are matched to the
shop's variants by SKU (a SKU the shop lacks becomes a custom line with its title and
price); Shopify keeps its own inventory (`DECREMENT_OBEYING_POLICY`). Money goes as
decimal strings, never floats.
"""

from __future__ import annotations

from typing import Any

from commerce.shopify.admin import ShopifyAdmin, ShopifyRefused
from kernel.money import format_money

FIND_ORDER = """
query VitrineFindOrder($query: String!) {
  orders(first: 1, query: $query) { nodes { id name } }
}
"""
FIND_VARIANT = """
query VitrineFindVariant($query: String!) {
  productVariants(first: 1, query: $query) { nodes { id sku } }
}
"""
CREATE_ORDER = """
mutation VitrineOrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name }
    userErrors { field message code }
  }
}
"""


def order_tag(order_id: int) -> str:
    return f"vitrine-order-{order_id}"


def _amount(minor: int, currency: str) -> str:
    return format_money(minor, currency).split()[0]


def order_input(document: dict[str, Any], variant_ids: dict[str, str]) -> dict[str, Any]:
    """`OrderCreateOrderInput` for an order document (`commerce.orders.order_document`)."""
    currency = document["currency"]
    lines = []
    for line in document["lines"]:
        item: dict[str, Any] = {
            "quantity": line["quantity"],
            "priceSet": {
                "shopMoney": {
                    "amount": _amount(line["unit_price_minor"], currency),
                    "currencyCode": currency,
                }
            },
        }
        variant = variant_ids.get(line["variant_sku"])
        if variant:
            item["variantId"] = variant
        else:
            options = " / ".join(str(v) for v in line["options"].values())
            item["title"] = f"{line['name']} - {options}" if options else line["name"]
            item["sku"] = line["variant_sku"]
        lines.append(item)
    buyer = document.get("buyer") or {}
    order: dict[str, Any] = {
        "currency": currency,
        "lineItems": lines,
        "tags": ["vitrine", order_tag(document["order_id"])],
        "note": f"Vitrine order {document['order_id']}, live {document.get('session') or ''}",
        "sourceIdentifier": f"vitrine-{document['order_id']}",
        "financialStatus": "PAID",
        "transactions": [
            {
                "kind": "SALE",
                "status": "SUCCESS",
                "gateway": (document.get("payment") or {}).get("provider") or "vitrine",
                "amountSet": {
                    "shopMoney": {
                        "amount": _amount(document["total_minor"], currency),
                        "currencyCode": currency,
                    }
                },
            }
        ],
    }
    if buyer.get("email"):
        order["email"] = buyer["email"]
        first, _, last = (buyer.get("full_name") or buyer.get("name") or "").partition(" ")
        order["customer"] = {
            "toUpsert": {"email": buyer["email"], "firstName": first, "lastName": last}
        }
    if buyer.get("phone"):
        order["phone"] = buyer["phone"]
    address = document.get("shipping_address")
    if address:
        first, _, last = (buyer.get("full_name") or buyer.get("name") or "").partition(" ")
        order["shippingAddress"] = {
            "firstName": first,
            "lastName": last,
            "address1": address.get("line1") or "",
            "address2": address.get("line2") or "",
            "zip": address.get("postal_code") or "",
            "city": address.get("city") or "",
            "provinceCode": address.get("state") or None,
            "countryCode": address.get("country") or None,
            "phone": buyer.get("phone") or None,
        }
    return order


class ShopifyOrders:
    """Pushes paid orders to one shop; remembers the shop's variant ids by SKU."""

    def __init__(self, admin: ShopifyAdmin) -> None:
        self.admin = admin
        self._variants: dict[str, str | None] = {}

    async def push(self, document: dict[str, Any]) -> str:
        """The Shopify order for this Vitrine order: found if it exists, else created.
        Raises `ShopifyRefused` with Shopify's user errors, `ShopifyUnavailable` to retry."""
        tag = order_tag(document["order_id"])
        found = await self.admin.execute(FIND_ORDER, {"query": f"tag:'{tag}'"})
        existing = (found.get("orders") or {}).get("nodes") or []
        if existing:
            return str(existing[0]["id"])
        variant_ids = {}
        for line in document["lines"]:
            variant = await self._variant(line["variant_sku"])
            if variant:
                variant_ids[line["variant_sku"]] = variant
        created = await self.admin.execute(
            CREATE_ORDER,
            {
                "order": order_input(document, variant_ids),
                "options": {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY", "sendReceipt": False},
            },
        )
        result = created.get("orderCreate") or {}
        errors = result.get("userErrors") or []
        if errors or not result.get("order"):
            text = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors)
            raise ShopifyRefused(f"orderCreate refused: {text or 'no order returned'}")
        return str(result["order"]["id"])

    async def _variant(self, sku: str) -> str | None:
        if sku not in self._variants:
            found = await self.admin.execute(FIND_VARIANT, {"query": f"sku:'{sku}'"})
            nodes = (found.get("productVariants") or {}).get("nodes") or []
            self._variants[sku] = str(nodes[0]["id"]) if nodes else None
        return self._variants[sku]
