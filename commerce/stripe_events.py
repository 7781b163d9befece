"""Payment events from Stripe: verified, stored by id, applied once, in any order.

`checkout.session.completed` (paid) and `checkout.session.async_payment_succeeded` mark the
cart paid; `checkout.session.expired` and `checkout.session.async_payment_failed` release
its hold. A duplicate delivery changes nothing; an expiry after a payment changes nothing.
What a payment means for the cart is `commerce.payment_rules`'s, which this module feeds
with a provider-neutral `ProviderPayment`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commerce.models import (
    Order,
    PaymentEvent,
)
from commerce.outcomes import Event
from commerce.payment_rules import (
    AMOUNT_MISMATCH_NEEDS_REFUND,
    ProviderPayment,
    needs_refund,
    record_payment,
    release_or_reset,
)

log = logging.getLogger(__name__)

PROVIDER = "stripe"
PAID = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
RELEASED = frozenset({"checkout.session.expired", "checkout.session.async_payment_failed"})
WEBHOOK_TOLERANCE_S = 300


class ForgedEvent(ValueError):
    """A webhook whose signature does not verify (forged, altered, stale or missing)."""


@dataclass(frozen=True, slots=True)
class AppliedEvent:
    """What one delivery did: `outcome` is also stored on the PaymentEvent."""

    outcome: str
    order_id: int | None = None
    outcomes: list[Event] = field(default_factory=list)


def verify(
    payload: bytes, signature: str | None, secret: str, *, tolerance: int = WEBHOOK_TOLERANCE_S
) -> dict[str, Any]:
    """The event, if Stripe signed exactly this payload within the tolerance; else ForgedEvent."""
    if not signature:
        raise ForgedEvent("missing Stripe-Signature header")
    try:
        stripe.Webhook.construct_event(payload, signature, secret, tolerance=tolerance)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise ForgedEvent(type(exc).__name__) from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise ForgedEvent("not an event")
    return event


def _order_for(session: Session, obj: dict[str, Any]) -> Order | None:
    """The cart a Checkout Session was made for, locked; None if it is not one of ours
    (an account can serve several shops, whose order ids overlap: the token must match)."""
    metadata = obj.get("metadata") or {}
    ref = metadata.get("order_id") or obj.get("client_reference_id")
    order: Order | None = None
    if ref and str(ref).isdigit():
        order = session.get(Order, int(ref))
    if order is None and obj.get("id"):
        order = session.scalar(select(Order).where(Order.checkout_ref == str(obj["id"])))
    if order is None:
        return None
    ours = metadata.get("order_token") == order.public_token or (
        obj.get("id") is not None and order.checkout_ref == obj.get("id")
    )
    if not ours:
        return None
    if session.get_bind().dialect.name == "postgresql":
        session.refresh(order, with_for_update=True)  # one event per cart at a time
    return order


def apply_event(session: Session, event: dict[str, Any], now: datetime) -> AppliedEvent:
    """Store a verified event and apply it once, inside the caller's transaction; the
    returned outcomes are for the viewers (`live.announce.notify`)."""
    event_id, kind = str(event["id"]), str(event["type"])
    data = event.get("data")
    obj: dict[str, Any] = (data.get("object") if isinstance(data, dict) else None) or {}
    created = event.get("created")
    record = PaymentEvent(
        provider=PROVIDER,
        event_id=event_id,
        type=kind[:100],
        payload=event,
        created=datetime.fromtimestamp(created, UTC) if isinstance(created, int) else None,
        received_at=now,
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        return AppliedEvent("duplicate")
    if kind not in PAID | RELEASED or obj.get("object") not in (None, "checkout.session"):
        record.outcome = "ignored"
        return AppliedEvent(record.outcome)
    order = _order_for(session, obj)
    if order is None:
        record.outcome = "ignored_not_our_order"
        return AppliedEvent(record.outcome)
    record.order_id = order.id
    outcomes: list[Event] = []
    if kind in PAID:
        record.outcome = _payment(session, order, obj, kind, event_id, now, outcomes)
    else:
        expired = kind == "checkout.session.expired"
        reference = None if obj.get("id") is None else str(obj["id"])
        record.outcome = release_or_reset(
            session, order, reference, expired=expired, now=now, outcomes=outcomes
        )
    log.info("stripe event %s (%s) for order %s: %s", event_id, kind, order.id, record.outcome)
    return AppliedEvent(record.outcome, order.id, outcomes)


def _payment(
    session: Session,
    order: Order,
    obj: dict[str, Any],
    kind: str,
    event_id: str,
    now: datetime,
    outcomes: list[Event],
) -> str:
    """Stripe's side of a payment: a completed session not paid yet waits for its async
    outcome; otherwise the provider-neutral rules apply."""
    if kind == "checkout.session.completed" and obj.get("payment_status") != "paid":
        if obj.get("payment_status") == "unpaid":
            return "awaiting_async_payment"  # a bank debit or voucher: wait for its outcome
        return "ignored"
    amount = obj.get("amount_total")
    malformed = amount is not None and (not isinstance(amount, int) or isinstance(amount, bool))
    paid = ProviderPayment(
        provider=PROVIDER,
        reference=str(obj.get("id") or ""),
        amount_minor=None if malformed else amount,
        currency=None if obj.get("currency") is None else str(obj["currency"]),
        payment_intent=None if obj.get("payment_intent") is None else str(obj["payment_intent"]),
        event_id=event_id,
    )
    if malformed:
        # Signed, yet no amount we can compare with the cart: never taken as its payment,
        # and flagged so that whatever was charged reaches the brand to refund.
        return needs_refund(session, order, paid, AMOUNT_MISMATCH_NEEDS_REFUND, now)
    return record_payment(session, order, paid, now, outcomes)
