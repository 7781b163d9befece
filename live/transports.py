"""A transport per outbox channel: a chat platform (through its adapter) or the brand's
webhook endpoint. A transport sends and says what became of each row; it never touches the
database (the relay records the results)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

import httpx

from commerce.brand_events import BRAND_CHANNEL, SHOPIFY_CHANNEL, event_id_of
from commerce.shopify.admin import ShopifyRefused, ShopifyUnavailable
from commerce.shopify.orders import ShopifyOrders
from live.deliveries import (
    BrandEvent,
    Delivery,
    ModerationCommand,
    PrivateReply,
    PublicReply,
)
from live.platform import ChatPlatform, CheckoutButtons, DeliveryError, PrivateChatClosed
from prompts.replies import render

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Vitrine-Signature"
_CLOSED = "private chat closed"


@dataclass(frozen=True, slots=True)
class Due:
    """An outbox row claimed by a relay, ready to send."""

    id: int
    kind: str
    channel: str
    destination: str
    dedupe_key: str
    delivery: Delivery
    attempts: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Sent:
    id: int


@dataclass(frozen=True, slots=True)
class Failed:
    id: int
    error: str
    retry_after: float | None = None
    permanent: bool = False


@dataclass(frozen=True, slots=True)
class Later:
    """Not sent yet, on purpose (the chat's next message slot is `wait_s` away): no
    attempt is counted, and the row comes back then, batched with what came meanwhile."""

    id: int
    wait_s: float


Result = Sent | Failed | Later


class Transport(Protocol):
    """Sends rows and yields what became of them as each send completes (the relay records
    each at once: a crash then resends at most the one request that was in flight)."""

    channel: str

    def deliver(self, due: list[Due]) -> AsyncIterator[list[Result]]: ...


def batch_texts(texts: list[str], max_chars: int) -> list[list[int]]:
    """Group message indexes into batches whose joined text fits one platform message."""
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, text in enumerate(texts):
        length = min(len(text), max_chars)
        if current and size + 1 + length > max_chars:
            batches.append(current)
            current, size = [], 0
        current.append(index)
        size += length + (1 if size else 0)
    if current:
        batches.append(current)
    return batches


def _failed(row: Due, exc: DeliveryError) -> Failed:
    return Failed(row.id, str(exc)[:500], exc.retry_after, exc.permanent)


class ChatTransport:
    """A chat platform: public replies batched per chat within its message size, DMs one
    by one, moderation actions at once."""

    def __init__(
        self, platform: ChatPlatform, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.platform = platform
        self.channel = platform.name
        self._clock = clock
        # A chat takes one public message per slot (Telegram: 20 a minute per group): what
        # comes in between waits and leaves in the next one, as few messages as fit.
        self._gap_s = 60.0 / max(1, platform.limits.public_messages_per_minute)
        self._next_slot: dict[str, float] = {}

    async def deliver(self, due: list[Due]) -> AsyncIterator[list[Result]]:
        public: dict[str, list[Due]] = {}
        for row in due:
            if isinstance(row.delivery, PublicReply):
                public.setdefault(row.destination, []).append(row)
                continue
            result = await self._send_one(row)
            link = self._private_link_instead(row, result)
            if link is not None:
                # Told in the live's chat, batched with its other replies: the row is
                # delivered once that line is.
                public.setdefault(f"chat:{self.channel}:{link.chat_id}", []).append(
                    replace(row, delivery=link)
                )
            else:
                yield [result]
        for rows in public.values():
            yield await self._send_public(rows)

    def _private_link_instead(self, row: Due, result: Result) -> PublicReply | None:
        """A DM the viewer's closed private chat refused: the line that gives them the
        link opening it, in the live's chat (None when there is no such link)."""
        delivery = row.delivery
        if not isinstance(result, Failed) or not result.error.startswith(_CLOSED):
            return None
        if not isinstance(delivery, PrivateReply) or not delivery.chat_id:
            return None
        url = self.platform.private_link(delivery.user_id)
        if url is None:
            return None
        name = delivery.user_name or delivery.user_id
        text = render("private_link", delivery.language or None, name=name, url=url)
        return PublicReply(delivery.chat_id, text, None, delivery.user_id)

    async def _send_one(self, row: Due) -> Result:
        delivery = row.delivery
        try:
            if isinstance(delivery, PrivateReply):
                if delivery.link and isinstance(self.platform, CheckoutButtons):
                    await self.platform.send_checkout(delivery)  # with a pay button
                else:
                    await self.platform.send_private(delivery.user_id, delivery.text)
            elif isinstance(delivery, ModerationCommand):
                await self.platform.moderate(delivery)
            else:
                return Failed(row.id, f"{row.kind} cannot go to a chat", permanent=True)
        except PrivateChatClosed as exc:
            return Failed(row.id, f"{_CLOSED}: {exc}"[:500], permanent=True)
        except DeliveryError as exc:
            return _failed(row, exc)
        return Sent(row.id)

    async def _send_public(self, rows: list[Due]) -> list[Result]:
        """One message for the chat if its slot has come (as many replies as fit); the
        others wait for the next slot."""
        limit = self.platform.limits.max_message_chars
        replies = [row.delivery for row in rows]
        texts = [reply.text for reply in replies if isinstance(reply, PublicReply)]
        first = replies[0]
        assert isinstance(first, PublicReply)
        chat = first.chat_id
        now = self._clock()
        slot = self._next_slot.get(chat, now)
        if now < slot:
            return [Later(row.id, slot - now) for row in rows]
        batches = batch_texts(texts, limit)
        batch = batches[0]
        group = [rows[i] for i in batch]
        text = "\n".join(texts[i] for i in batch)[:limit]
        reply_to = first.reply_to if len(group) == 1 else None
        self._next_slot[chat] = now + self._gap_s
        results: list[Result] = [Later(rows[i].id, self._gap_s) for b in batches[1:] for i in b]
        try:
            await self.platform.send_public(chat, text, reply_to)
        except DeliveryError as exc:
            return [*results, *(_failed(row, exc) for row in group)]
        return [*results, *(Sent(row.id) for row in group)]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: HMAC-SHA256 over "timestamp.body", Stripe's scheme."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


@dataclass(frozen=True, slots=True)
class BrandEndpoint:
    """Where one copy of the brand's events goes, and the secret it is signed with."""

    url: str
    secret: str = field(repr=False)


# Destination of an outbox row -> its endpoint, read afresh for each batch (endpoints are
# added and removed while `vitrine run` runs). A destination it lacks waits.
EndpointDirectory = Callable[[], Mapping[str, BrandEndpoint]]


class BrandWebhookTransport:
    """POSTs each brand event as signed JSON to its endpoint: 2xx is delivered, 408/429/5xx
    or no answer is retried, any other answer is a permanent failure. Every copy of an
    event carries the event's id, as its `id` and as the `Idempotency-Key` header."""

    channel = BRAND_CHANNEL

    def __init__(
        self,
        directory: EndpointDirectory,
        *,
        timeout_s: float = 10.0,
        clock: Callable[[], float] = time.time,
        unrouted_wait_s: float = 30.0,
    ) -> None:
        self._directory = directory
        self._timeout_s = timeout_s
        self._clock = clock
        self._unrouted_wait_s = unrouted_wait_s
        self._warned_at: float | None = None

    @classmethod
    def single(cls, url: str, secret: str, **options: Any) -> BrandWebhookTransport:
        """One endpoint for every brand row (tests, and tools that post to one URL)."""
        endpoint = BrandEndpoint(url, secret)
        return cls(lambda: _Everywhere(endpoint), **options)

    def body(self, row: Due) -> bytes:
        delivery = row.delivery
        assert isinstance(delivery, BrandEvent)
        event = {
            "id": event_id_of(row.dedupe_key),
            "type": delivery.type,
            "created": int(row.created_at.timestamp()),
            "data": delivery.data,
        }
        return json.dumps(event, ensure_ascii=False, sort_keys=True).encode()

    async def deliver(self, due: list[Due]) -> AsyncIterator[list[Result]]:
        directory = await asyncio.to_thread(self._directory)
        unrouted = [row for row in due if directory.get(row.destination) is None]
        if unrouted:
            self._warn(len(unrouted))
            yield [Later(row.id, self._unrouted_wait_s) for row in unrouted]
        async with httpx.AsyncClient(timeout=self._timeout_s) as client:
            for row in due:
                endpoint = directory.get(row.destination)
                if endpoint is not None:
                    yield [await self._post(client, endpoint, row)]

    def _warn(self, waiting: int) -> None:
        now = time.monotonic()
        if self._warned_at is None or now - self._warned_at >= 60:
            self._warned_at = now
            log.warning(
                "%d brand event(s) wait for an endpoint: add one with `vitrine webhook add "
                "URL` (or set VITRINE_BRAND_WEBHOOK_URL)",
                waiting,
            )

    async def _post(self, client: httpx.AsyncClient, endpoint: BrandEndpoint, row: Due) -> Result:
        body = self.body(row)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(endpoint.secret, int(self._clock()), body),
            "Idempotency-Key": event_id_of(row.dedupe_key),
        }
        try:
            answer = await client.post(endpoint.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Failed(row.id, f"brand endpoint unreachable ({type(exc).__name__})")
        if 200 <= answer.status_code < 300:
            return Sent(row.id)
        error = f"brand endpoint answered {answer.status_code}"
        if answer.status_code in (408, 429) or answer.status_code >= 500:
            retry_after = answer.headers.get("Retry-After", "")
            wait = float(retry_after) if retry_after.isdigit() else None
            return Failed(row.id, error, retry_after=wait)
        return Failed(row.id, error, permanent=True)


class _Everywhere(Mapping[str, BrandEndpoint]):
    """Every destination maps to one endpoint."""

    def __init__(self, endpoint: BrandEndpoint) -> None:
        self._endpoint = endpoint

    def __getitem__(self, key: str) -> BrandEndpoint:
        return self._endpoint

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class ShopifyTransport:
    """Paid orders to the brand's Shopify (`commerce.shopify`): each becomes a Shopify
    order once; Shopify down or throttling for too long is retried, a refusal (a bad
    token, user errors) fails for good and shows in `vitrine outbox list --dead`."""

    channel = SHOPIFY_CHANNEL

    def __init__(self, orders: ShopifyOrders) -> None:
        self.orders = orders

    async def deliver(self, due: list[Due]) -> AsyncIterator[list[Result]]:
        for row in due:
            delivery = row.delivery
            assert isinstance(delivery, BrandEvent)
            try:
                await self.orders.push(delivery.data)
            except ShopifyUnavailable as exc:
                yield [Failed(row.id, str(exc))]
            except ShopifyRefused as exc:
                yield [Failed(row.id, str(exc), permanent=True)]
            else:
                yield [Sent(row.id)]
