"""Payment events from Stripe: verified, stored by id, applied once, in any order.

`checkout.session.completed` (paid) and `checkout.session.async_payment_succeeded` mark the
cart paid; `checkout.session.expired` and `checkout.session.async_payment_failed` release
its hold. A duplicate delivery changes nothing; an expiry after a payment changes nothing;
a payment after the hold ended here re-takes the units if they are still free, and is
flagged for a refund (outcome `paid_after_expiry_needs_refund`, a `payment_needs_refund`
message in the brand's outbox) when they are not. Money that does not match the cart is
never taken as payment for it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commerce.models import (
    OPEN_ORDER_STATUSES,
    LineStatus,
    Order,
    OrderStatus,
    PaymentEvent,
    Reservation,
    ReservationStatus,
)
from commerce.orders import SoldOutAtPayment, expire_cart, mark_paid
from commerce.outcomes import Event, UnitsReleased
from commerce.stock import reserve_units
from kernel.outbox import enqueue

log = logging.getLogger(__name__)

PROVIDER = "stripe"
PAID = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
RELEASED = frozenset({"checkout.session.expired", "checkout.session.async_payment_failed"})
WEBHOOK_TOLERANCE_S = 300
# A session that Stripe ends this long before our hold does (its 24-hour cap, or ended in
# the dashboard) leaves the hold running; closer than that, it is the hold ending.
EARLY_END = timedelta(minutes=2)

PAID_AFTER_EXPIRY_NEEDS_REFUND = "paid_after_expiry_needs_refund"
AMOUNT_MISMATCH_NEEDS_REFUND = "amount_mismatch_needs_refund"
PAID_TWICE_NEEDS_REFUND = "paid_twice_needs_refund"
SOLD_OUT_NEEDS_REFUND = "paid_but_sold_out_needs_refund"


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
        record.outcome = _release_or_reset(session, order, obj, kind, now, outcomes)
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
    if kind == "checkout.session.completed" and obj.get("payment_status") != "paid":
        if obj.get("payment_status") == "unpaid":
            return "awaiting_async_payment"  # a bank debit or voucher: wait for its outcome
        return "ignored"
    if order.status in (OrderStatus.PAID, OrderStatus.HANDED_OFF):
        if obj.get("id") and order.checkout_ref and obj.get("id") != order.checkout_ref:
            return _needs_refund(session, order, obj, PAID_TWICE_NEEDS_REFUND, event_id, now)
        return "already_paid"
    amount, currency = obj.get("amount_total"), obj.get("currency")
    if (amount is not None and amount != order.total_minor) or (
        currency is not None and str(currency).upper() != order.currency.upper()
    ):
        # A session made for an earlier content of the cart: the money is not this cart's price.
        return _needs_refund(session, order, obj, AMOUNT_MISMATCH_NEEDS_REFUND, event_id, now)
    if order.status in OPEN_ORDER_STATUSES:
        try:
            with session.begin_nested():
                outcomes.append(mark_paid(session, order, now))
        except SoldOutAtPayment:
            return _needs_refund(session, order, obj, SOLD_OUT_NEEDS_REFUND, event_id, now)
        return "paid"
    return _late_payment(session, order, obj, event_id, now, outcomes)


class _StockGone(Exception):
    """Rolls back a late payment's savepoint when a unit can no longer be taken."""


def _late_payment(
    session: Session,
    order: Order,
    obj: dict[str, Any],
    event_id: str,
    now: datetime,
    outcomes: list[Event],
) -> str:
    """Paid after the hold ended here: take the units again if they are all still free."""
    lines = [line for line in order.lines if line.status == LineStatus.EXPIRED]
    if order.status != OrderStatus.EXPIRED or not lines:
        return _needs_refund(session, order, obj, PAID_AFTER_EXPIRY_NEEDS_REFUND, event_id, now)
    try:
        with session.begin_nested():
            for line in lines:
                if not reserve_units(session, line.variant_id, line.quantity):
                    raise _StockGone
                line.status = LineStatus.ACTIVE
                session.add(
                    Reservation(
                        line=line,
                        variant_id=line.variant_id,
                        quantity=line.quantity,
                        status=ReservationStatus.ACTIVE,
                        created_at=now,
                    )
                )
            # Expired is final for a cart; a payment that still finds its units is the one
            # exception, so the status is set here rather than through `transition`.
            order.status = OrderStatus.RESERVED
            session.flush()
            outcomes.append(mark_paid(session, order, now))
    except (_StockGone, SoldOutAtPayment):
        session.expire(order)  # reload what the savepoint rolled back
        return _needs_refund(session, order, obj, PAID_AFTER_EXPIRY_NEEDS_REFUND, event_id, now)
    return "paid_after_expiry"


def _needs_refund(
    session: Session, order: Order, obj: dict[str, Any], reason: str, event_id: str, now: datetime
) -> str:
    """Flag money we took for nothing: the brand's outbox gets it, to refund by hand."""
    reference = str(obj.get("id") or event_id)
    log.warning("order %s: payment needs a refund (%s)", order.id, reason)
    enqueue(
        session,
        kind="payment_needs_refund",
        channel="brand",
        destination="brand",
        payload={
            "order_id": order.id,
            "reason": reason,
            "provider": PROVIDER,
            "checkout_ref": reference,
            "payment_intent": obj.get("payment_intent"),
            "event_id": event_id,
            "amount_minor": obj.get("amount_total"),
            "currency": str(obj.get("currency") or order.currency).upper(),
        },
        dedupe_key=f"payment_needs_refund:{PROVIDER}:{reference}",
        session_id=order.session_id,
        now=now,
    )
    return reason


def _release_or_reset(
    session: Session,
    order: Order,
    obj: dict[str, Any],
    kind: str,
    now: datetime,
    outcomes: list[Event],
) -> str:
    if order.status not in OPEN_ORDER_STATUSES or order.checkout_ref != obj.get("id"):
        return "nothing_to_release"  # paid, already closed, or an older session of the cart
    if kind == "checkout.session.expired" and (
        order.expires_at is None or order.expires_at - now > EARLY_END
    ):
        # Stripe ended the session before the hold ends: keep the hold, and the next visit
        # to the checkout page makes a new session.
        order.status = OrderStatus.RESERVED
        order.checkout_ref = None
        order.checkout_url = None
        order.updated_at = now
        return "checkout_reset"
    outcomes.extend(release_hold(session, order, now))
    order.checkout_url = None  # the session has ended: nothing left to expire
    return "hold_released"


def release_hold(session: Session, order: Order, now: datetime) -> list[Event]:
    """Give an open cart's units back and close it as expired."""
    expired, freed = expire_cart(session, order, now)
    session.flush()
    return [expired, *(UnitsReleased(variant_id) for variant_id in dict.fromkeys(freed))]


def payments_needing_refund(session: Session) -> list[PaymentEvent]:
    """Payments we could not honour, oldest first, for the brand to refund."""
    return list(
        session.scalars(
            select(PaymentEvent)
            .where(PaymentEvent.outcome.like("%needs_refund"))
            .order_by(PaymentEvent.id)
        )
    )
