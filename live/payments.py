"""Payments as use cases: the local checkout's pay button, a replayed `pay` line and the
payment provider's webhook all pay through `mark_paid`'s rules and publish `OrderPaid`, whose
handlers thank the viewer and hand the order to the brand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from commerce.carts import open_cart
from commerce.checkout_service import CartNotPayable, pay_cart_locally, pay_locally
from commerce.orders import SoldOutAtPayment
from commerce.outcomes import OrderPaid, Outcome
from commerce.payments import AppliedEvent, apply_event
from kernel.models import Viewer
from kernel.uow import UnitOfWorkProvider
from live.bus import publish
from live.events import Cause
from live.sessions import LiveInfo


def pay_with_local_checkout(database: UnitOfWorkProvider, token: str, now: datetime) -> OrderPaid:
    """The local checkout's pay button. Raises `CartNotPayable` (unknown, closed, hold
    ended) or `SoldOutAtPayment`, and then nothing changed."""
    with database.unit_of_work() as uow:
        paid = pay_locally(uow.session, token, now)
        publish(uow, [paid], Cause(key=f"local:{paid.order_id}", now=now))
        uow.commit()
    return paid


def pay_open_cart(
    database: UnitOfWorkProvider, live: LiveInfo, author_id: str, *, now: datetime
) -> list[Outcome]:
    """A viewer pays their open cart with the local checkout's rules, as its pay button
    does (a cart whose hold has ended cannot be paid)."""
    with database.unit_of_work() as uow:
        session = uow.session
        viewer_id = session.scalar(
            select(Viewer.id).where(
                Viewer.platform == live.platform, Viewer.platform_user_id == author_id
            )
        )
        cart = open_cart(session, live.id, viewer_id, lock=True) if viewer_id else None
        if cart is None or not any(line.status == "active" for line in cart.lines):
            return []
        try:
            paid = pay_cart_locally(session, cart, now)
        except (CartNotPayable, SoldOutAtPayment):
            return []  # leaving the unit of work rolls back whatever was sold
        publish(uow, [paid], Cause(key=f"local:{paid.order_id}", now=now))
        uow.commit()
    return [paid]


def apply_payment_event(
    database: UnitOfWorkProvider, event: dict[str, Any], now: datetime
) -> AppliedEvent:
    """A verified payment provider event, stored and applied once; its outcomes told."""
    with database.unit_of_work() as uow:
        applied = apply_event(uow.session, event, now)
        publish(uow, applied.outcomes, Cause(key=f"stripe:{event['id']}", now=now))
        uow.commit()
    return applied
