"""A cart meets its checkout: build the request, open (or reuse) the link, pay locally, and
end the provider's sessions of carts that closed.

The chat pipeline never calls a payment provider: replies link to our own
`/checkout/{token}`, and that page calls `checkout_link` here. Provider calls happen
outside any database transaction (SQLite takes its write lock at BEGIN), and every
create carries an idempotency key, so a retried or doubled request makes one session.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from commerce.checkout.port import CheckoutLine, CheckoutLink, CheckoutProvider, CheckoutRequest
from commerce.models import (
    OPEN_ORDER_STATUSES,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentEvent,
)
from commerce.orders import mark_paid, transition
from commerce.outcomes import OrderPaid
from commerce.stock import available_units
from kernel.uow import UnitOfWorkProvider

log = logging.getLogger(__name__)

CLOSED_ORDER_STATUSES = (OrderStatus.EXPIRED, OrderStatus.CANCELLED)
_ATTACH_ATTEMPTS = 3


class CartNotPayable(LookupError):
    """No open cart behind this link (unknown, paid, expired or cancelled)."""

    def __init__(self, token: str, status: str | None) -> None:
        self.token, self.status = token, status
        super().__init__(f"cart is {status or 'unknown'}")


class PaymentPending(RuntimeError):
    """The provider says the cart was paid; its webhook has not reached us yet."""


class CheckoutUnavailable(RuntimeError):
    """The provider handed back a session that can no longer be paid; try again shortly."""


@runtime_checkable
class InspectableCheckout(Protocol):
    """A provider that can tell whether an existing session still fits the cart."""

    def checkout_state(self, reference: str, request: CheckoutRequest) -> str: ...


def find_cart(session: Session, token: str, *, lock: bool = False) -> Order | None:
    """The cart behind a public token; `lock` takes its row lock (PostgreSQL) before a change."""
    query = select(Order).where(Order.public_token == token)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalar(query)


def _is_payable(order: Order | None, now: datetime) -> bool:
    return (
        order is not None
        and order.status in OPEN_ORDER_STATUSES
        and (order.expires_at is None or order.expires_at > now)
    )


def _payable(session: Session, token: str, now: datetime, *, lock: bool = False) -> Order:
    order = find_cart(session, token, lock=lock)
    _check_payable(order, token, now)
    assert order is not None
    return order


def _check_payable(order: Order | None, token: str, now: datetime) -> None:
    if order is None or not _is_payable(order, now):
        status = None if order is None else order.status
        if order is not None and status in OPEN_ORDER_STATUSES:
            status = OrderStatus.EXPIRED  # the hold ended; the scheduler has not run yet
        raise CartNotPayable(token, status)


def checkout_attempt(session: Session, order: Order) -> int:
    """Changes whenever the cart's content changes (a line added, cancelled or expired) or the
    provider ended its session early, so the idempotency key changes with it."""
    changes = len(order.lines) + sum(1 for line in order.lines if line.status != LineStatus.ACTIVE)
    ended = session.scalar(
        select(func.count())
        .select_from(PaymentEvent)
        .where(PaymentEvent.order_id == order.id, PaymentEvent.type == "checkout.session.expired")
    )
    return max(1, changes + (ended or 0))


def checkout_request(order: Order, attempt: int | None = None) -> CheckoutRequest:
    """What a provider needs to charge for the cart's active lines, in integer minor units."""
    lines = tuple(
        CheckoutLine(
            name=line.product.name,
            quantity=line.quantity,
            unit_amount_minor=line.unit_price_minor,
            description=", ".join(str(v) for v in line.variant.options.values()),
        )
        for line in order.lines
        if line.status == LineStatus.ACTIVE
    )
    return CheckoutRequest(
        order_id=order.id,
        order_token=order.public_token,
        currency=order.currency,
        lines=lines,
        hold_expires_at=order.expires_at,
        customer_ref=str(order.viewer_id),
        attempt=attempt if attempt is not None else max(1, len(order.lines)),
    )


def attach_checkout(order: Order, link: CheckoutLink, now: datetime) -> None:
    """Remember the provider's session on the cart, which now awaits payment."""
    if order.status == OrderStatus.RESERVED:
        transition(order, OrderStatus.AWAITING_PAYMENT, now)
    order.checkout_provider = link.provider
    order.checkout_ref = link.reference
    order.checkout_url = link.url
    order.updated_at = now


def _current_session(order: Order, provider: CheckoutProvider) -> tuple[str, str] | None:
    if (
        order.status == OrderStatus.AWAITING_PAYMENT
        and order.checkout_provider == provider.name
        and order.checkout_ref
        and order.checkout_url
    ):
        return order.checkout_ref, order.checkout_url
    return None


def checkout_link(
    database: UnitOfWorkProvider, token: str, provider: CheckoutProvider, now: datetime
) -> str:
    """The payment URL for a cart: its open session if it still fits the cart, else a new
    one. Raises CartNotPayable, PaymentPending or CheckoutUnavailable; provider errors
    (network, API) propagate and change nothing."""
    for _ in range(_ATTACH_ATTEMPTS):
        with database.unit_of_work() as uow:
            order = _payable(uow.session, token, now)
            attempt = checkout_attempt(uow.session, order)
            request = checkout_request(order, attempt)
            current = _current_session(order, provider)
        if current is not None:
            reference, url = current
            state = (
                provider.checkout_state(reference, request)
                if isinstance(provider, InspectableCheckout)
                else "open"
            )
            if state == "open":
                return url
            if state == "complete":
                raise PaymentPending(token)
            if state == "stale":
                provider.expire_checkout(reference)  # it must not be paid for the old cart
        link = provider.create_checkout(request)
        if current is not None and link.reference == current[0]:
            # The provider replayed the ended session for the same idempotency key.
            raise CheckoutUnavailable(token)
        with database.unit_of_work() as uow:
            order = _payable(uow.session, token, now, lock=True)
            if checkout_attempt(uow.session, order) == attempt:
                attach_checkout(order, link, now)
                uow.commit()
                return link.url
        # The cart changed while the session was being made: that session is for the old
        # content, so end it and make another.
        provider.expire_checkout(link.reference)
    raise CheckoutUnavailable(token)


def open_checkout(session: Session, token: str, provider: CheckoutProvider, now: datetime) -> str:
    """`checkout_link` inside the caller's transaction (the provider is called while it is
    open: fine for the local checkout and for tests, prefer `checkout_link` for Stripe)."""
    order = _payable(session, token, now, lock=True)
    current = _current_session(order, provider)
    if current is not None:
        return current[1]
    link = provider.create_checkout(checkout_request(order, checkout_attempt(session, order)))
    attach_checkout(order, link, now)
    return link.url


def pay_locally(session: Session, token: str, now: datetime) -> OrderPaid:
    """The local test checkout's pay button: the cart is paid through `mark_paid`."""
    order = _payable(session, token, now, lock=True)
    return mark_paid(session, order, now)


def pay_cart_locally(session: Session, order: Order, now: datetime) -> OrderPaid:
    """The pay button's rules for a cart already read (and locked, on PostgreSQL)."""
    _check_payable(order, order.public_token, now)
    return mark_paid(session, order, now)


def end_closed_checkouts(
    database: UnitOfWorkProvider, provider: CheckoutProvider, *, limit: int = 200
) -> int:
    """Scheduler job, to run after `expire_holds`: end the provider sessions of carts that
    expired or were cancelled, so a closed cart cannot be paid. A session is ended once
    (its `checkout_url` is cleared, its reference kept to match late events); one the
    provider could not be reached for is tried again on the next run. Returns how many."""
    if provider.name == "local":
        return 0
    with database.unit_of_work() as uow:
        rows: Sequence[tuple[int, str]] = uow.session.execute(
            select(Order.id, Order.checkout_ref)
            .where(
                Order.status.in_(list(CLOSED_ORDER_STATUSES)),
                Order.checkout_provider == provider.name,
                Order.checkout_ref.is_not(None),
                Order.checkout_url.is_not(None),
            )
            .order_by(Order.id)
            .limit(limit)
        ).all()  # type: ignore[assignment]
    ended: list[int] = []
    for order_id, reference in rows:
        try:
            provider.expire_checkout(reference)
        except Exception as exc:  # one unreachable session must not stop the rest
            log.warning(
                "could not end the checkout of order %s (%s); will retry",
                order_id,
                type(exc).__name__,
            )
            continue
        ended.append(order_id)
    if ended:
        with database.unit_of_work() as uow:
            uow.session.execute(
                update(Order)
                .where(Order.id.in_(ended), Order.status.in_(list(CLOSED_ORDER_STATUSES)))
                .values(checkout_url=None)
                .execution_options(synchronize_session=False)
            )
            uow.commit()
    return len(ended)


def sold_out_lines(session: Session, order: Order) -> list[OrderLine]:
    """Active lines of a cart that holds nothing ("first paid, first served") whose units
    are gone: paying it would fail, so the page says so before any money moves."""
    if order.expires_at is not None:
        return []  # a timed hold: its units are reserved for it
    gone = []
    for line in order.lines:
        if (
            line.status == LineStatus.ACTIVE
            and available_units(session, line.variant_id) < line.quantity
        ):
            gone.append(line)
    return gone
