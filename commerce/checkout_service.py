"""A cart meets its checkout: build the request, open (or reuse) the link, pay locally."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce.checkout.port import CheckoutLine, CheckoutProvider, CheckoutRequest
from commerce.models import OPEN_ORDER_STATUSES, LineStatus, Order, OrderStatus
from commerce.orders import mark_paid
from commerce.outcomes import OrderPaid


class CartNotPayable(LookupError):
    """No open cart behind this link (unknown, paid, expired or cancelled)."""

    def __init__(self, token: str, status: str | None) -> None:
        self.token, self.status = token, status
        super().__init__(f"cart is {status or 'unknown'}")


def find_cart(session: Session, token: str) -> Order | None:
    return session.scalar(select(Order).where(Order.public_token == token))


def checkout_request(order: Order) -> CheckoutRequest:
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
    attempt = sum(1 for line in order.lines) or 1  # changes whenever the cart changes
    return CheckoutRequest(
        order_id=order.id,
        order_token=order.public_token,
        currency=order.currency,
        lines=lines,
        hold_expires_at=order.expires_at,
        customer_ref=str(order.viewer_id),
        attempt=attempt,
    )


def open_checkout(session: Session, token: str, provider: CheckoutProvider, now: datetime) -> str:
    """The payment URL for a cart: the provider's session, created once per cart state."""
    order = find_cart(session, token)
    if order is None or order.status not in OPEN_ORDER_STATUSES:
        raise CartNotPayable(token, order.status if order else None)
    if order.expires_at is not None and order.expires_at <= now:
        raise CartNotPayable(token, "expired")
    if (
        order.status == OrderStatus.AWAITING_PAYMENT
        and order.checkout_provider == provider.name
        and order.checkout_url
    ):
        return order.checkout_url
    link = provider.create_checkout(checkout_request(order))
    order.checkout_provider = link.provider
    order.checkout_ref = link.reference
    order.checkout_url = link.url
    order.status = OrderStatus.AWAITING_PAYMENT
    order.updated_at = now
    return link.url


def pay_locally(session: Session, token: str, now: datetime) -> OrderPaid:
    """The local test checkout's pay button."""
    order = find_cart(session, token)
    if order is None or order.status not in OPEN_ORDER_STATUSES:
        raise CartNotPayable(token, order.status if order else None)
    if order.expires_at is not None and order.expires_at <= now:
        raise CartNotPayable(token, "expired")
    return mark_paid(session, order, now)
