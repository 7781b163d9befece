"""Payments as use cases: the local checkout's pay button, a replayed `pay` line and the
payment provider's webhook all pay through `mark_paid`'s rules and publish `OrderPaid`, whose
handlers thank the viewer and hand the order to the brand."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from commerce.buyer import BuyerDetails, record_buyer
from commerce.carts import close_cart, open_cart, recompute_total, release_line
from commerce.checkout_service import (
    CartNotPayable,
    find_cart,
    pay_cart_locally,
    pay_locally,
    sold_out_lines,
)
from commerce.models import OPEN_ORDER_STATUSES, LineStatus, OrderStatus, PaymentEvent
from commerce.orders import SoldOutAtPayment
from commerce.outcomes import OrderPaid, Outcome
from commerce.sql_ports import SqlCommerce
from commerce.stripe_events import AppliedEvent, apply_event
from kernel.models import Viewer
from kernel.uow import UnitOfWorkProvider
from live.bus import publish
from live.events import Cause
from live.sessions import LiveInfo

# The provider name under which replayed payments keep their keys (payment_events).
PLAYBACK = "transcript"


def pay_with_local_checkout(
    database: UnitOfWorkProvider, token: str, now: datetime, *, buyer: BuyerDetails | None = None
) -> OrderPaid:
    """The local checkout's pay button, with what its form collected to ship the order.
    Raises `CartNotPayable` (unknown, closed, hold ended) or `SoldOutAtPayment`, and then
    nothing changed."""
    with database.unit_of_work() as uow:
        if buyer is not None:
            cart = find_cart(uow.session, token, lock=True)
            if cart is not None and cart.status in OPEN_ORDER_STATUSES:
                record_buyer(cart, buyer)
        paid = pay_locally(uow.session, token, now)
        publish(uow, [paid], Cause(key=f"local:{paid.order_id}", now=now))
        uow.commit()
    return paid


def pay_open_cart(
    database: UnitOfWorkProvider,
    live: LiveInfo,
    author_id: str,
    *,
    now: datetime,
    payment_key: str,
) -> list[Outcome]:
    """A viewer pays their open cart with the local checkout's rules, as its pay button
    does (a cart whose hold has ended cannot be paid). `payment_key` makes it happen once:
    a payment seen before (a replay run again, or resumed after a crash) pays nothing."""
    key = f"{live.id}:{payment_key}"
    with database.unit_of_work() as uow:
        session = uow.session
        if not record_payment_once(session, PLAYBACK, key, now):
            return []  # applied before, to whatever it paid then
        # The whole row: the announcement of the payment finds it loaded.
        viewer = session.scalar(
            select(Viewer).where(
                Viewer.platform == live.platform, Viewer.platform_user_id == author_id
            )
        )
        cart = open_cart(session, live.id, viewer.id, lock=True) if viewer else None
        paid: OrderPaid | None = None
        if cart is not None and any(line.status == "active" for line in cart.lines):
            try:
                paid = pay_cart_locally(session, cart, now)
            except CartNotPayable:
                paid = None  # nothing changed but the key
            except SoldOutAtPayment:
                uow.rollback()  # undo what was sold; the key alone is kept below
                record_payment_once(session, PLAYBACK, key, now)
        if paid is not None:
            publish(uow, [paid], Cause(key=f"local:{paid.order_id}", now=now))
        # Kept even when nothing was paid: replayed again, this line must not pay a cart
        # opened later in the transcript.
        uow.commit()
    return [paid] if paid is not None else []


def record_payment_once(session: Session, provider: str, key: str, now: datetime) -> bool:
    """Store a payment's key (one statement); False when it was stored before."""
    statement = _record_payment(session.get_bind().dialect.name)
    row = {
        "provider": provider,
        "event_id": key[:255],
        "type": "pay",
        "payload": {},
        "received_at": now,
        "outcome": "paid",
    }
    return session.execute(statement, row).first() is not None


@cache
def _record_payment(dialect: str) -> Any:
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert_for(PaymentEvent)
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(PaymentEvent.id)
    )


def apply_payment_event(
    database: UnitOfWorkProvider, event: dict[str, Any], now: datetime
) -> AppliedEvent:
    """A verified payment provider event, stored and applied once; its outcomes told."""
    with database.unit_of_work() as uow:
        applied = apply_event(uow.session, event, now)
        publish(uow, applied.outcomes, Cause(key=f"stripe:{event['id']}", now=now))
        uow.commit()
    return applied


def wait_for_sold_out(
    database: UnitOfWorkProvider, token: str, now: datetime
) -> list[tuple[str, int]]:
    """A "first paid" cart whose items sold out meanwhile: those lines leave the cart (no
    money moved) and the viewer joins their waitlists; each line's product name and place in
    its waitlist, for the page."""
    told: list[tuple[str, int]] = []
    with database.unit_of_work() as uow:
        session = uow.session
        order = find_cart(session, token, lock=True)
        if order is None or order.status not in OPEN_ORDER_STATUSES:
            return told
        waitlist = uow.port(SqlCommerce).waitlist
        for line in sold_out_lines(session, order):
            release_line(session, line, LineStatus.CANCELLED, now)
            entry = waitlist.waiting(order.session_id, order.viewer_id, line.variant_id)
            if entry is None:
                entry = waitlist.join(
                    session_id=order.session_id,
                    viewer_id=order.viewer_id,
                    variant_id=line.variant_id,
                    quantity=line.quantity,
                    comment_id=line.comment_id,
                    now=now,
                )
            told.append((line.product.name, waitlist.position(entry)))
        recompute_total(order)
        if not any(line.status == LineStatus.ACTIVE for line in order.lines):
            close_cart(order, OrderStatus.CANCELLED, now)
        uow.commit()
    return told
