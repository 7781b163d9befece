"""Payment events from Stripe: verified, stored by id, applied once, in any order.

`checkout.session.completed` (paid) and `checkout.session.async_payment_succeeded` mark the
cart paid; `checkout.session.expired` and `checkout.session.async_payment_failed` release its
hold. A duplicate delivery changes nothing; an expiry after a payment changes nothing; a
payment after the hold ended locally re-takes the units if they are still free, and is
recorded for a refund when they are not.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commerce.carts import CommercePolicy, close_cart, promote_waitlist, release_line
from commerce.models import (
    OPEN_ORDER_STATUSES,
    LineStatus,
    Order,
    OrderStatus,
    PaymentEvent,
    Reservation,
    ReservationStatus,
)
from commerce.orders import mark_paid
from commerce.outcomes import Outcome
from commerce.stock import release_units, reserve_units

log = logging.getLogger(__name__)

PAID = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
RELEASED = {"checkout.session.expired", "checkout.session.async_payment_failed"}


class ForgedEvent(ValueError):
    """A webhook whose signature does not verify (forged, altered or stale)."""


def verify(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """The event, if Stripe signed this payload within the tolerance; else ForgedEvent."""
    if not signature:
        raise ForgedEvent("missing Stripe-Signature header")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=300)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise ForgedEvent(str(exc)) from exc
    return event.to_dict()


def _order_for(session: Session, obj: dict[str, Any]) -> Order | None:
    metadata = obj.get("metadata") or {}
    ref = metadata.get("order_id") or obj.get("client_reference_id")
    if ref and str(ref).isdigit():
        order = session.get(Order, int(ref))
        if order is not None:
            return order
    if obj.get("id"):
        return session.scalar(select(Order).where(Order.checkout_ref == obj["id"]))
    return None


def apply_event(
    session: Session, event: dict[str, Any], now: datetime, policy: CommercePolicy
) -> tuple[str, list[Outcome]]:
    """Store and apply one verified event; returns what happened and the outcomes to tell."""
    event_id, kind = str(event.get("id")), str(event.get("type"))
    obj = (event.get("data") or {}).get("object") or {}
    created = event.get("created")
    record = PaymentEvent(
        provider="stripe",
        event_id=event_id,
        type=kind,
        payload=event,
        created=datetime.fromtimestamp(created, UTC) if isinstance(created, int) else None,
        received_at=now,
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        return "duplicate", []
    order = _order_for(session, obj)
    record.order_id = order.id if order is not None else None
    if order is None:
        record.outcome = "ignored: no order" if kind in PAID | RELEASED else "ignored"
        return record.outcome, []
    outcomes: list[Outcome] = []
    if kind in PAID:
        if kind == "checkout.session.completed" and obj.get("payment_status") == "unpaid":
            record.outcome = "awaiting asynchronous payment"
        elif order.status in (OrderStatus.PAID, OrderStatus.HANDED_OFF):
            record.outcome = "already paid"
        elif order.status in OPEN_ORDER_STATUSES:
            outcomes.append(mark_paid(session, order, now))
            record.outcome = "paid"
        else:
            record.outcome = _late_payment(session, order, now, outcomes)
    elif kind in RELEASED:
        if order.status in OPEN_ORDER_STATUSES and order.checkout_ref == obj.get("id"):
            outcomes.extend(_release(session, order, now, policy))
            record.outcome = "hold released"
        else:
            record.outcome = f"nothing to release ({order.status})"
    else:
        record.outcome = "ignored"
    return record.outcome, outcomes


def _release(
    session: Session, order: Order, now: datetime, policy: CommercePolicy
) -> list[Outcome]:
    freed = []
    for line in order.lines:
        if line.status == LineStatus.ACTIVE:
            release_line(session, line, LineStatus.EXPIRED, now)
            freed.append(line.variant_id)
    close_cart(order, OrderStatus.EXPIRED, now)
    session.flush()
    outcomes: list[Outcome] = []
    for variant_id in dict.fromkeys(freed):
        outcomes.extend(promote_waitlist(session, variant_id, now, policy))
    return outcomes


def _late_payment(session: Session, order: Order, now: datetime, outcomes: list[Outcome]) -> str:
    """Paid after the hold ended here: take the units again if they are still free."""
    lines = [line for line in order.lines if line.status in (LineStatus.ACTIVE, LineStatus.EXPIRED)]
    taken: list[tuple[int, int]] = []
    for line in lines:
        if not reserve_units(session, line.variant_id, line.quantity):
            for variant_id, quantity in taken:
                release_units(session, variant_id, quantity)
            log.warning("order %s paid after its hold ended and stock is gone: refund", order.id)
            return "paid after expiry, stock gone: needs refund"
        taken.append((line.variant_id, line.quantity))
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
    order.status = OrderStatus.RESERVED
    session.flush()
    outcomes.append(mark_paid(session, order, now))
    return "paid after expiry, units re-taken"
