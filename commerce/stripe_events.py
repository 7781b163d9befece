"""Payment events from Stripe: verified, stored by id, applied once, in any order.

`checkout.session.completed` (paid) and `checkout.session.async_payment_succeeded` mark the
cart paid and keep what Checkout collected to ship it; `checkout.session.expired` and
`checkout.session.async_payment_failed` release its hold; `charge.refunded` (in full)
marks the paid order refunded. A duplicate delivery changes nothing; an expiry after a
payment changes nothing.
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

from commerce.buyer import BuyerDetails, record_buyer
from commerce.models import (
    Order,
    OrderStatus,
    PaymentEvent,
)
from commerce.orders import InvalidTransition, close_paid_order
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
REFUNDED = "charge.refunded"  # a full refund made in Stripe's dashboard or API
WEBHOOK_TOLERANCE_S = 300


class ForgedEvent(ValueError):
    """A webhook whose signature does not verify (forged, altered, stale or missing)."""


class UnreadableEvent(ValueError):
    """A signed body that is no JSON object (a list, a string, nesting too deep to read):
    nothing in it can be stored by id."""


# The latest moment an event can honestly say it was created at (year 9999).
_LAST_CREATED = 253_402_300_799
_MAX_ID = 255


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
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature, secret, tolerance)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise ForgedEvent(type(exc).__name__) from exc
    try:
        event = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UnreadableEvent(f"not JSON ({type(exc).__name__})") from exc
    if not isinstance(event, dict):
        raise UnreadableEvent(f"the body is a JSON {type(event).__name__}, not an object")
    return event


def event_problem(event: dict[str, Any]) -> str | None:
    """Why a signed event cannot be applied as Stripe documents it (None: it can). Each
    field this module stores or looks orders up by is checked, so that no odd value (a NUL,
    an id too long, a date past year 9999) reaches the database as an error."""
    if not _clean(event.get("id"), _MAX_ID):
        return "'id' is not a string of 1 to 255 printable characters"
    if not _clean(event.get("type"), 100):
        return "'type' is not a string of 1 to 100 printable characters"
    created = event.get("created")
    if created is not None and (
        not isinstance(created, int)
        or isinstance(created, bool)
        or not 0 <= created <= _LAST_CREATED
    ):
        return "'created' is not a Unix time"
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return "'data.object' is not an object"
    obj = data["object"]
    for key in ("id", "client_reference_id", "payment_intent", "payment_status", "currency"):
        if obj.get(key) is not None and not _clean(obj[key], _MAX_ID):
            return f"'data.object.{key}' is not a string of printable characters"
    metadata = obj.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "'data.object.metadata' is not an object"
    for key in ("order_id", "order_token"):
        value = (metadata or {}).get(key)
        if value is not None and not _clean(value, _MAX_ID):
            return f"'data.object.metadata.{key}' is not a string of printable characters"
    return None


def _clean(value: object, max_length: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= max_length and value.isprintable()


def malformed_record(event: dict[str, Any], problem: str, now: datetime) -> PaymentEvent | None:
    """The row that keeps a signed event we cannot apply, with why; None when even its id
    cannot be stored (then only the log line records it)."""
    event_id = event.get("id")
    if not _clean(event_id, _MAX_ID):
        return None
    kind = event.get("type")
    return PaymentEvent(
        provider=PROVIDER,
        event_id=str(event_id),
        type=str(kind)[:100] if _clean(kind, 10_000) else "?",
        payload=event,
        created=None,
        received_at=now,
        outcome=f"ignored_malformed: {problem}",
    )


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
    problem = event_problem(event)
    if problem is not None:
        return _malformed(session, event, problem, now)
    event_id, kind = str(event["id"]), str(event["type"])
    obj: dict[str, Any] = event["data"]["object"]
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
    if kind == REFUNDED and obj.get("object") == "charge":
        return _refunded(session, record, obj, now)
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


def _refunded(
    session: Session, record: PaymentEvent, charge: dict[str, Any], now: datetime
) -> AppliedEvent:
    """A charge refunded in full: the paid order it paid for is refunded (the brand's
    endpoints hear of it). A partial refund changes nothing here."""
    intent = charge.get("payment_intent")
    if charge.get("refunded") is not True or not isinstance(intent, str) or not intent:
        record.outcome = "ignored_partial_refund" if intent else "ignored"
        return AppliedEvent(record.outcome)
    order = session.scalar(select(Order).where(Order.payment_intent == intent))
    if order is None:
        record.outcome = "ignored_not_our_order"
        return AppliedEvent(record.outcome)
    record.order_id = order.id
    if order.status == OrderStatus.REFUNDED:
        record.outcome = "already_refunded"
        return AppliedEvent(record.outcome, order.id)
    try:
        closed = close_paid_order(order, OrderStatus.REFUNDED, now)
    except InvalidTransition:
        record.outcome = "ignored_not_paid"
        return AppliedEvent(record.outcome, order.id)
    record.outcome = "refunded"
    log.info("stripe refund for order %s", order.id)
    return AppliedEvent(record.outcome, order.id, [closed])


def buyer_details(obj: dict[str, Any]) -> BuyerDetails:
    """What Checkout collected: the customer's e-mail, name and phone, and the shipping
    address (`collected_information.shipping_details`, `shipping_details` before)."""
    details = obj.get("customer_details")
    customer: dict[str, Any] = details if isinstance(details, dict) else {}
    collected = obj.get("collected_information")
    shipping = collected.get("shipping_details") if isinstance(collected, dict) else None
    if not isinstance(shipping, dict):
        shipping = obj.get("shipping_details")
    address = shipping.get("address") if isinstance(shipping, dict) else None
    return BuyerDetails(
        name=_text(shipping.get("name") if isinstance(shipping, dict) else None)
        or _text(customer.get("name")),
        email=_text(customer.get("email")) or _text(obj.get("customer_email")),
        phone=_text(customer.get("phone")),
        address=(
            {
                key: _text(address.get(key))
                for key in ("line1", "line2", "postal_code", "city", "state", "country")
            }
            if isinstance(address, dict)
            else None
        ),
    )


def _text(value: object) -> str | None:
    return value.strip()[:254] if isinstance(value, str) and value.strip() else None


def _malformed(
    session: Session, event: dict[str, Any], problem: str, now: datetime
) -> AppliedEvent:
    """A signed event we cannot apply: kept with why (when its id can be stored) and
    answered as handled, since Stripe would otherwise retry it for days."""
    log.warning("stripe event ignored, malformed: %s", problem)
    record = malformed_record(event, problem, now)
    if record is None:
        return AppliedEvent("ignored_malformed")
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        return AppliedEvent("duplicate")
    return AppliedEvent("ignored_malformed")


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
    record_buyer(order, buyer_details(obj))
    if malformed:
        # Signed, yet no amount we can compare with the cart: never taken as its payment,
        # and flagged so that whatever was charged reaches the brand to refund.
        return needs_refund(session, order, paid, AMOUNT_MISMATCH_NEEDS_REFUND, now, outcomes)
    outcome = record_payment(session, order, paid, now, outcomes)
    if order.paid_at is not None and paid.payment_intent and not order.payment_intent:
        order.payment_intent = paid.payment_intent  # how a later refund finds the order
    return outcome
