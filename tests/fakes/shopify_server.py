"""A shop's GraphQL Admin API on 127.0.0.1, for the Shopify connector's tests.

It speaks Shopify's wire format: POST /admin/api/<version>/graphql.json with
`X-Shopify-Access-Token`, a `{"query", "variables"}` body, and answers
`{"data", "errors", "extensions": {"cost": ...}}`. It meters queries in a leaky bucket
as Shopify does (a query that does not fit is answered THROTTLED and does not run), keeps
products, variants with inventory and orders, and can lose its answer to an orderCreate
it performed (as a network cut would). Root fields are recognised by name; the queries'
selections are not interpreted (it answers what the connector asks for).
"""

from __future__ import annotations

import json
import re
import threading
import time
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "shpat_test_token"
COSTS = {"orderCreate": 10, "orders": 3, "productVariants": 3, "products": 20}
_ROOT = re.compile(r"\b(orderCreate|productVariants|products|orders)\s*\(")


class FakeShopify:
    def __init__(self, *, bucket: float = 1000.0, restore_rate: float = 50.0) -> None:
        self.maximum = bucket
        self.available = bucket
        self.restore_rate = restore_rate
        self._last = time.monotonic()
        self.products: list[dict[str, Any]] = []
        self.orders: list[dict[str, Any]] = []
        self.throttled = 0
        self.requests: list[dict[str, Any]] = []
        self.lose_next_create_answer = False
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if not re.fullmatch(r"/admin/api/[0-9-]+/graphql\.json", self.path):
                    return self._send(404, {"errors": "Not Found"})
                if self.headers.get("X-Shopify-Access-Token") != TOKEN:
                    return self._send(401, {"errors": "[API] Invalid API key or access token"})
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                status, answer = fake.handle(body)
                self._send(status, answer)

            def _send(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeShopify:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the shop ---------------------------------------------------------------------

    def add_product(
        self, handle: str, title: str, options: list[str], variants: list[dict[str, Any]]
    ) -> None:
        """`variants`: {"sku", "price" (string), "inventoryQuantity", "options": {name: value}}."""
        numbered = []
        known = sum(len(p["variants"]) for p in self.products)
        for v in variants:
            gid = f"gid://shopify/ProductVariant/{1000 + known + len(numbered)}"
            numbered.append({**v, "id": gid})
        self.products.append(
            {"handle": handle, "title": title, "tags": [], "options": options, "variants": numbered}
        )

    def variant(self, sku: str) -> dict[str, Any] | None:
        return next((v for p in self.products for v in p["variants"] if v["sku"] == sku), None)

    # -- the API ------------------------------------------------------------------------

    def _cost(self, requested: float) -> dict[str, Any]:
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": requested,
            "throttleStatus": {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": round(self.available, 1),
                "restoreRate": self.restore_rate,
            },
        }

    def handle(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        query, variables = str(body.get("query") or ""), body.get("variables") or {}
        match = _ROOT.search(query)
        if match is None:
            return 200, {"errors": [{"message": "Field doesn't exist on type 'QueryRoot'"}]}
        root = match.group(1)
        with self._lock:
            self.requests.append({"root": root, "variables": variables})
            now = time.monotonic()
            self.available = min(
                self.maximum, self.available + (now - self._last) * self.restore_rate
            )
            self._last = now
            cost = COSTS[root]
            if self.available < cost:
                self.throttled += 1
                return 200, {
                    "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                    "extensions": {"cost": self._cost(cost)},
                }
            self.available -= cost
            data = getattr(self, f"_{root}")(variables)
            if root == "orderCreate" and self.lose_next_create_answer:
                self.lose_next_create_answer = False
                return 502, {"errors": "Bad Gateway"}
            return 200, {"data": {root: data}, "extensions": {"cost": self._cost(cost)}}

    def _orders(self, variables: dict[str, Any]) -> dict[str, Any]:
        found = re.fullmatch(r"tag:'([^']+)'", str(variables.get("query") or ""))
        tag = found.group(1) if found else None
        nodes = [{"id": o["id"], "name": o["name"]} for o in self.orders if tag in o["tags"]]
        return {"nodes": nodes[:1]}

    def _productVariants(self, variables: dict[str, Any]) -> dict[str, Any]:
        found = re.fullmatch(r"sku:'([^']+)'", str(variables.get("query") or ""))
        variant = self.variant(found.group(1)) if found else None
        return {"nodes": [{"id": variant["id"], "sku": variant["sku"]}] if variant else []}

    def _products(self, variables: dict[str, Any]) -> dict[str, Any]:
        start = int(variables.get("after") or 0)
        page = self.products[start : start + 2]  # small pages: the client must follow them
        nodes = [
            {
                "handle": p["handle"],
                "title": p["title"],
                "tags": p["tags"],
                "options": [{"name": n} for n in p["options"]],
                "variants": {
                    "nodes": [
                        {
                            "sku": v["sku"],
                            "price": v["price"],
                            "inventoryQuantity": v["inventoryQuantity"],
                            "selectedOptions": [
                                {"name": k, "value": val} for k, val in v["options"].items()
                            ],
                        }
                        for v in p["variants"]
                    ]
                },
            }
            for p in page
        ]
        more = start + 2 < len(self.products)
        return {
            "nodes": nodes,
            "pageInfo": {"hasNextPage": more, "endCursor": str(start + 2) if more else None},
        }

    def _orderCreate(self, variables: dict[str, Any]) -> dict[str, Any]:
        order, options = variables.get("order") or {}, variables.get("options") or {}
        errors = []
        lines = order.get("lineItems") or []
        if not lines:
            errors.append({"field": ["order", "lineItems"], "message": "Line items are required"})
        for n, line in enumerate(lines):
            amount = ((line.get("priceSet") or {}).get("shopMoney") or {}).get("amount")
            if not isinstance(amount, str):
                errors.append({"field": ["order", "lineItems", str(n)], "message": "amount"})
                continue
            try:
                Decimal(amount)
            except InvalidOperation:
                errors.append({"field": ["order", "lineItems", str(n)], "message": "amount"})
            variant_id = line.get("variantId")
            if variant_id is None and not line.get("title"):
                errors.append({"field": ["order", "lineItems", str(n)], "message": "title"})
            if variant_id is not None:
                variant = next(
                    (v for p in self.products for v in p["variants"] if v["id"] == variant_id),
                    None,
                )
                if variant is None:
                    errors.append({"field": ["order", "lineItems", str(n)], "message": "variant"})
                elif (
                    options.get("inventoryBehaviour") == "DECREMENT_OBEYING_POLICY"
                    and variant["inventoryQuantity"] < line["quantity"]
                ):
                    errors.append(
                        {"field": ["order", "lineItems", str(n)], "message": "Not enough stock"}
                    )
        if errors:
            return {"order": None, "userErrors": errors}
        if options.get("inventoryBehaviour", "BYPASS") != "BYPASS":
            for line in lines:
                if line.get("variantId"):
                    variant = next(
                        v
                        for p in self.products
                        for v in p["variants"]
                        if v["id"] == line["variantId"]
                    )
                    variant["inventoryQuantity"] -= line["quantity"]
        created = {
            "id": f"gid://shopify/Order/{5000 + len(self.orders)}",
            "name": f"#{1001 + len(self.orders)}",
            **order,
        }
        self.orders.append(created)
        return {"order": {"id": created["id"], "name": created["name"]}, "userErrors": []}
