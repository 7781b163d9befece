"""What a payment means for a cart, whichever provider took it.

A payment for an open cart sells its units; one for a cart already paid, or of another
amount, or after the hold ended here when the units are gone, is money taken for nothing:
it is flagged for a refund (a `payment_needs_refund` row in the brand's outbox). A provider's
session that ends releases the hold, unless it ended well before the hold does.
The provider's own event format stays in its module (`commerce.stripe_events`), which
hands these rules a `ProviderPayment`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce.brand_events import PAYMENT_NEEDS_REFUND, enqueue_brand_event
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
from commerce.outcomes import Event, RefundDue, UnitsReleased
from commerce.stock import reserve_units

log = logging.getLogger(__name__)

# A session that the provider ends this long before our hold does (Stripe's 24-hour cap, or
# ended in its dashboard) leaves the hold running; closer than that, it is the hold ending.
EARLY_END = timedelta(minutes=2)

PAID_AFTER_EXPIRY_NEEDS_REFUND = "paid_after_expiry_needs_refund"
AMOUNT_MISMATCH_NEEDS_REFUND = "amount_mismatch_needs_refund"
PAID_TWICE_NEEDS_REFUND = "paid_twice_needs_refund"
SOLD_OUT_NEEDS_REFUND = "paid_but_sold_out_needs_refund"


@dataclass(frozen=True, slots=True)
class ProviderPayment:
    """A payment as the rules need it, from any provider's event."""

    provider: str
    reference: str  # the provider's session (or payment) id
    amount_minor: int | None
    currency: str | None
    payment_intent: str | None
    event_id: str


def record_payment(
    session: Session, order: Order, paid: ProviderPayment, now: datetime, outcomes: list[Event]
) -> str:
    """Apply a payment to its cart; the outcome stored with the provider's event."""
    if order.paid_at is not None:  # paid already (maybe cancelled or refunded since)
        if paid.reference and order.checkout_ref and paid.reference != order.checkout_ref:
            return needs_refund(session, order, paid, PAID_TWICE_NEEDS_REFUND, now, outcomes)
        return "already_paid"
    amount, currency = paid.amount_minor, paid.currency
    if (amount is not None and amount != order.total_minor) or (
        currency is not None and str(currency).upper() != order.currency.upper()
    ):
        # A session made for an earlier content of the cart: the money is not this cart's price.
        return needs_refund(session, order, paid, AMOUNT_MISMATCH_NEEDS_REFUND, now, outcomes)
    if order.status in OPEN_ORDER_STATUSES:
        try:
            with session.begin_nested():
                outcomes.append(mark_paid(session, order, now))
        except SoldOutAtPayment:
            return needs_refund(session, order, paid, SOLD_OUT_NEEDS_REFUND, now, outcomes)
        return "paid"
    return _late_payment(session, order, paid, now, outcomes)


class _StockGone(Exception):
    """Rolls back a late payment's savepoint when a unit can no longer be taken."""


def _late_payment(
    session: Session, order: Order, paid: ProviderPayment, now: datetime, outcomes: list[Event]
) -> str:
    """Paid after the hold ended here: take the units again if they are all still free."""
    lines = [line for line in order.lines if line.status == LineStatus.EXPIRED]
    if order.status != OrderStatus.EXPIRED or not lines:
        return needs_refund(session, order, paid, PAID_AFTER_EXPIRY_NEEDS_REFUND, now, outcomes)
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
        return needs_refund(session, order, paid, PAID_AFTER_EXPIRY_NEEDS_REFUND, now, outcomes)
    return "paid_after_expiry"


def needs_refund(
    session: Session,
    order: Order,
    paid: ProviderPayment,
    reason: str,
    now: datetime,
    outcomes: list[Event],
) -> str:
    """Flag money we took for nothing: the brand's outbox gets it, to refund by hand, and
    the viewer is told (`RefundDue`) that they will be refunded."""
    reference = paid.reference or paid.event_id
    currency = str(paid.currency or order.currency).upper()
    outcomes.append(
        RefundDue(order.viewer_id, order.id, reference, reason, paid.amount_minor, currency)
    )
    log.warning("order %s: payment needs a refund (%s)", order.id, reason)
    enqueue_brand_event(
        session,
        type=PAYMENT_NEEDS_REFUND,
        event_id=f"payment_needs_refund:{paid.provider}:{reference}",
        data={
            "order_id": order.id,
            "reason": reason,
            "provider": paid.provider,
            "checkout_ref": reference,
            "payment_intent": paid.payment_intent,
            "event_id": paid.event_id,
            "amount_minor": paid.amount_minor,
            "currency": currency,
        },
        session_id=order.session_id,
        now=now,
    )
    return reason


def release_or_reset(
    session: Session,
    order: Order,
    reference: str | None,
    *,
    expired: bool,
    now: datetime,
    outcomes: list[Event],
) -> str:
    """The provider's session ended (`expired`) or its payment failed: release the hold,
    or keep it when the session ended well before the hold does."""
    if order.status not in OPEN_ORDER_STATUSES or order.checkout_ref != reference:
        return "nothing_to_release"  # paid, already closed, or an older session of the cart
    if expired and (order.expires_at is None or order.expires_at - now > EARLY_END):
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
