"""A small client of Shopify's GraphQL Admin API that honours its rate limits.

Shopify meters GraphQL by query cost in a leaky bucket per app and shop: every answer says
what the query cost and what is left (`extensions.cost.throttleStatus`), and a query that
does not fit is answered `THROTTLED` without running. The client waits for the bucket to
refill enough (from the restore rate) and asks again; it also waits out HTTP 429s. An
answer it cannot use raises: `ShopifyUnavailable` (try again later) or `ShopifyRefused`
(the request itself is wrong: retrying cannot help). The access token is never logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

log = logging.getLogger(__name__)

API_VERSION = "2025-01"
MAX_THROTTLED_WAITS = 20


class ShopifyUnavailable(RuntimeError):
    """Shopify could not answer now (network, 5xx, throttled for too long)."""


class ShopifyRefused(RuntimeError):
    """Shopify refused the request (bad token, bad query, user errors)."""


class ShopifyAdmin:
    """`execute(query, variables)` against one shop's Admin API."""

    def __init__(
        self,
        shop: str,
        token: str,
        *,
        api_version: str = API_VERSION,
        base_url: str | None = None,
        timeout_s: float = 20.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        shop = shop.strip().removeprefix("https://").rstrip("/")
        root = base_url.rstrip("/") if base_url else f"https://{shop}"
        self.url = f"{root}/admin/api/{api_version}/graphql.json"
        self.shop = shop
        self._headers = {"X-Shopify-Access-Token": token, "Content-Type": "application/json"}
        self._timeout_s = timeout_s
        self._sleep = sleep
        self.throttled_waits = 0  # how often the bucket made us wait (for reports)

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of the answer, after any waits the rate limit asks for."""
        payload = {"query": query, "variables": variables or {}}
        async with httpx.AsyncClient(timeout=self._timeout_s) as client:
            for _ in range(MAX_THROTTLED_WAITS):
                try:
                    answer = await client.post(self.url, json=payload, headers=self._headers)
                except httpx.HTTPError as exc:
                    raise ShopifyUnavailable(
                        f"Shopify unreachable ({type(exc).__name__})"
                    ) from None
                wait = self._wait_asked(answer)
                if wait is None:
                    return self._data(answer)
                self.throttled_waits += 1
                await self._sleep(wait)
        raise ShopifyUnavailable("Shopify kept throttling")

    @staticmethod
    def _wait_asked(answer: httpx.Response) -> float | None:
        """Seconds to wait before asking again, or None when the answer is final."""
        if answer.status_code == 429:
            retry_after = answer.headers.get("Retry-After", "")
            return float(retry_after) if retry_after.replace(".", "", 1).isdigit() else 2.0
        if answer.status_code != 200:
            return None
        body = _json(answer)
        errors = body.get("errors") or []
        throttled = any(
            isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED"
            for e in errors
        )
        if not throttled:
            return None
        cost = (body.get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        needed = float(cost.get("requestedQueryCost") or 1)
        available = float(status.get("currentlyAvailable") or 0)
        rate = float(status.get("restoreRate") or 50) or 50.0
        return max(0.05, (needed - available) / rate)

    @staticmethod
    def _data(answer: httpx.Response) -> dict[str, Any]:
        if answer.status_code in (401, 403):
            raise ShopifyRefused(f"Shopify refused the access token ({answer.status_code})")
        if answer.status_code >= 500:
            raise ShopifyUnavailable(f"Shopify answered {answer.status_code}")
        if answer.status_code != 200:
            raise ShopifyRefused(f"Shopify answered {answer.status_code}")
        body = _json(answer)
        errors = body.get("errors")
        if errors:
            messages = "; ".join(
                str(e.get("message")) if isinstance(e, dict) else str(e) for e in errors
            )
            raise ShopifyRefused(f"Shopify GraphQL errors: {messages[:300]}")
        data = body.get("data")
        if not isinstance(data, dict):
            raise ShopifyUnavailable("Shopify's answer has no data")
        return data


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        raise ShopifyUnavailable("Shopify's answer is not JSON") from None
    if not isinstance(body, dict):
        raise ShopifyUnavailable("Shopify's answer is not a JSON object")
    return body
