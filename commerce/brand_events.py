"""What the brand's shop hears of, and where: the webhook endpoints it registered and the
events (an order paid, cancelled, refunded; a payment to refund) queued for each.

An event is written to the outbox once per endpoint, in the transaction of its cause, so a
slow or broken endpoint never holds back another. Every copy carries the same event id
(the receiver's idempotency key). An event raised while no endpoint exists waits under
`UNROUTED` and goes to the first endpoint registered.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commerce.models import WebhookEndpoint
from kernel.models import OutboxMessage, OutboxStatus
from kernel.outbox import enqueue_many

BRAND_CHANNEL = "brand"
SHOPIFY_CHANNEL = "shopify"  # paid orders pushed to the brand's Shopify (commerce/shopify)
BRAND_CHANNELS = frozenset({BRAND_CHANNEL, SHOPIFY_CHANNEL})
WEBHOOK, SHOPIFY = "webhook", "shopify"  # kinds of endpoint
UNROUTED = "brand"  # the destination of events raised while no endpoint was registered
_COPY = "@"  # dedupe key of an endpoint's copy: "<event id>@<endpoint id>"

ORDER_PAID = "order_paid"
ORDER_CANCELLED = "order_cancelled"
ORDER_REFUNDED = "order_refunded"
PAYMENT_NEEDS_REFUND = "payment_needs_refund"


class BadEndpoint(ValueError):
    """A webhook URL we would not POST orders to."""


@dataclass(frozen=True, slots=True)
class AddedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once to the operator, then only used to sign
    routed: int  # events that waited for an endpoint and now go to this one


def destination(endpoint_id: int) -> str:
    return f"webhook:{endpoint_id}"


def endpoint_id_of(destination_: str) -> int | None:
    prefix, _, number = destination_.partition(":")
    return int(number) if prefix == "webhook" and number.isdigit() else None


def event_id_of(dedupe_key: str) -> str:
    """The event id an outbox row carries: the same for every endpoint's copy."""
    return dedupe_key.partition(_COPY)[0]


def enqueue_brand_event(
    session: Session,
    *,
    type: str,
    event_id: str,
    data: dict[str, Any],
    session_id: int | None,
    now: datetime,
) -> None:
    """Queue an event for every registered endpoint (or, with none, until one is)."""
    registered = list(
        session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.kind)
            .where(WebhookEndpoint.removed_at.is_(None))
            .order_by(WebhookEndpoint.id)
        )
    )
    base = {"kind": type, "payload": data, "session_id": session_id}
    hooks = [i for i, kind in registered if kind == WEBHOOK]
    if not hooks:
        rows = [base | {"channel": BRAND_CHANNEL, "destination": UNROUTED, "dedupe_key": event_id}]
    else:
        rows = [
            base
            | {
                "channel": BRAND_CHANNEL,
                "destination": destination(i),
                "dedupe_key": f"{event_id}{_COPY}{i}",
            }
            for i in hooks
        ]
    if type == ORDER_PAID:  # a shop takes paid orders; the rest is for people to handle
        rows += [
            base
            | {
                "channel": SHOPIFY_CHANNEL,
                "destination": destination(i),
                "dedupe_key": f"{event_id}{_COPY}{i}",
            }
            for i, kind in registered
            if kind == SHOPIFY
        ]
    enqueue_many(session, rows, now)


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadEndpoint(f"not an http(s) URL: {url!r}")
    if parts.username or parts.password:
        raise BadEndpoint("put no credentials in the URL: requests are signed instead")
    return url.strip()


def add_endpoint(
    session: Session, url: str, now: datetime, *, secret: str | None = None
) -> AddedEndpoint:
    """Register an endpoint with a new signing secret (or the one given); events that
    waited for an endpoint are routed to it."""
    endpoint = WebhookEndpoint(
        url=check_url(url), secret=secret or f"whsec_{secrets.token_urlsafe(32)}", created_at=now
    )
    session.add(endpoint)
    session.flush()
    return AddedEndpoint(endpoint, endpoint.secret, _route_waiting(session, endpoint.id))


def ensure_shopify(session: Session, shop: str, now: datetime) -> WebhookEndpoint:
    """The brand's Shopify, registered once (`VITRINE_SHOPIFY_SHOP`): paid orders from
    now on are also queued for it."""
    existing = session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.kind == SHOPIFY, WebhookEndpoint.removed_at.is_(None)
        )
    )
    if existing is not None and existing.url == shop:
        return existing
    if existing is not None:
        existing.removed_at = now  # another shop now
    endpoint = WebhookEndpoint(kind=SHOPIFY, url=shop, secret="", created_at=now)
    session.add(endpoint)
    session.flush()
    return endpoint


def ensure_endpoint(session: Session, url: str, secret: str, now: datetime) -> AddedEndpoint:
    """The endpoint of `VITRINE_BRAND_WEBHOOK_URL`: registered once, its secret kept in
    step with the setting."""
    url = check_url(url)
    existing = session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.url == url,
            WebhookEndpoint.kind == WEBHOOK,
            WebhookEndpoint.removed_at.is_(None),
        )
    )
    if existing is None:
        return add_endpoint(session, url, now, secret=secret)
    existing.secret = secret
    return AddedEndpoint(existing, secret, _route_waiting(session, existing.id))


def remove_endpoint(session: Session, endpoint_id: int, now: datetime) -> int:
    """Stop sending to an endpoint; its undelivered events fail (kept, replayable once it
    is back). How many were pending. Raises LookupError for an unknown id."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.removed_at is not None:
        raise LookupError(f"no webhook endpoint {endpoint_id}")
    endpoint.removed_at = now
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel.in_(BRAND_CHANNELS),
            OutboxMessage.destination == destination(endpoint_id),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.FAILED, last_error="endpoint removed")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def endpoints(
    session: Session, *, include_removed: bool = False, kind: str | None = WEBHOOK
) -> list[WebhookEndpoint]:
    """The registered endpoints of one kind (webhooks by default; None: every kind)."""
    query = select(WebhookEndpoint).order_by(WebhookEndpoint.id)
    if kind is not None:
        query = query.where(WebhookEndpoint.kind == kind)
    if not include_removed:
        query = query.where(WebhookEndpoint.removed_at.is_(None))
    return list(session.scalars(query))


def _route_waiting(session: Session, endpoint_id: int) -> int:
    """Give the events that waited for an endpoint to this one (their id unchanged)."""
    waiting = list(
        session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.channel == BRAND_CHANNEL,
                OutboxMessage.destination == UNROUTED,
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        )
    )
    for row in waiting:
        row.destination = destination(endpoint_id)
        row.dedupe_key = f"{row.dedupe_key}{_COPY}{endpoint_id}"
        row.next_attempt_at = min(row.next_attempt_at, row.created_at)
    session.flush()
    return len(waiting)
