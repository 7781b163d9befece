"""Order lifecycle: holds that expire, carts that get paid and handed to the brand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce.carts import close_cart, release_line
from commerce.models import (
    OPEN_ORDER_STATUSES,
    ORDER_TRANSITIONS,
    LineStatus,
    Order,
    OrderStatus,
    Product,
    Reservation,
    ReservationStatus,
)
from commerce.outcomes import (
    Event,
    HoldExpired,
    OrderClosedAfterPayment,
    OrderPaid,
    UnitsReleased,
    item_ref,
)
from commerce.stock import sell_free_units, sell_units
from kernel.models import LiveSession, Viewer


class InvalidTransition(ValueError):
    """An order was asked to move to a status its current status does not allow."""

    def __init__(self, order_id: int, current: str, wanted: str) -> None:
        self.order_id, self.current, self.wanted = order_id, current, wanted
        super().__init__(f"order {order_id}: cannot go from {current} to {wanted}")


def transition(order: Order, status: OrderStatus, now: datetime) -> None:
    current = OrderStatus(order.status)
    if status not in ORDER_TRANSITIONS[current]:
        raise InvalidTransition(order.id, current, status)
    order.status = status
    order.updated_at = now


def expire_holds(session: Session, now: datetime) -> list[Event]:
    """Release every cart whose hold has ended; `UnitsReleased` says which variants'
    waitlists may now move."""
    query = (
        select(Order)
        .where(Order.status.in_(list(OPEN_ORDER_STATUSES)), Order.expires_at <= now)
        .order_by(Order.expires_at, Order.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    outcomes: list[Event] = []
    freed: list[int] = []
    for cart in session.scalars(query).all():
        expired, variant_ids = expire_cart(session, cart, now)
        outcomes.append(expired)
        freed.extend(variant_ids)
    session.flush()
    outcomes.extend(UnitsReleased(variant_id) for variant_id in dict.fromkeys(freed))
    return outcomes


def expire_cart(session: Session, cart: Order, now: datetime) -> tuple[HoldExpired, list[int]]:
    """Give an open cart's units back and close it as expired; returns what to tell the
    viewer and the variants whose waitlists may now move."""
    items = []
    freed: list[int] = []
    for line in cart.lines:
        if line.status != LineStatus.ACTIVE:
            continue
        release_line(session, line, LineStatus.EXPIRED, now)
        product = session.get(Product, line.product_id)
        assert product is not None
        items.append(item_ref(product, line.variant, line.quantity))
        freed.append(line.variant_id)
    transition(cart, OrderStatus.EXPIRED, now)
    close_cart(cart, OrderStatus.EXPIRED, now)
    return HoldExpired(cart.viewer_id, cart.id, tuple(items)), freed


def order_document(
    session: Session,
    order: Order,
    *,
    viewer: Viewer | None = None,
    live: LiveSession | None = None,
) -> dict[str, Any]:
    """The order as the brand receives it (exports, webhooks, the brand API): its lines,
    buyer, shipping address and payment, no float anywhere."""
    lines = []
    for line in order.lines:
        if line.status != LineStatus.ACTIVE:
            continue
        product = line.product
        lines.append(
            {
                "product_sku": product.sku,
                "variant_sku": line.variant.sku,
                "name": product.name,
                "options": dict(line.variant.options),
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
            }
        )
    viewer = viewer or session.get(Viewer, order.viewer_id)
    live = live or session.get(LiveSession, order.session_id)
    return {
        "order_id": order.id,
        "status": order.status,
        "session": live.key if live else None,
        "session_id": order.session_id,
        "platform": viewer.platform if viewer else None,
        "viewer_id": order.viewer_id,
        "buyer": {
            "name": viewer.display_name if viewer else None,
            "platform": viewer.platform if viewer else None,
            "platform_user_id": viewer.platform_user_id if viewer else None,
            "full_name": order.buyer_name,
            "email": order.buyer_email,
            "phone": order.buyer_phone,
        },
        "shipping_address": dict(order.shipping_address) if order.shipping_address else None,
        "currency": order.currency,
        "total_minor": order.total_minor,
        "payment": {
            "provider": order.checkout_provider,
            "reference": order.payment_intent or order.checkout_ref,
        },
        "created_at": _iso(order.created_at),
        "paid_at": _iso(order.paid_at),
        "cancelled_at": _iso(order.cancelled_at),
        "refunded_at": _iso(order.refunded_at),
        "lines": lines,
    }


def close_paid_order(order: Order, status: OrderStatus, now: datetime) -> OrderClosedAfterPayment:
    """A paid order the brand cancels (will not ship) or has refunded: the status moves and
    the brand's endpoints hear of it. Units sold stay sold: restocking is the brand's call
    (`/stock`). Raises `InvalidTransition` for an order never paid, or already closed so."""
    if status not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED) or order.paid_at is None:
        raise InvalidTransition(order.id, order.status, status)
    transition(order, status, now)
    if status == OrderStatus.CANCELLED:
        order.cancelled_at = now
    else:
        order.refunded_at = now
    return OrderClosedAfterPayment(order.viewer_id, order.id, status.value)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


class SoldOutAtPayment(RuntimeError):
    """A "first paid, first served" cart is paid after its last unit was sold to someone else."""

    def __init__(self, order_id: int, variant_sku: str, wanted: int) -> None:
        self.order_id, self.variant_sku, self.wanted = order_id, variant_sku, wanted
        super().__init__(
            f"order {order_id}: {variant_sku} sold out before payment ({wanted} wanted)"
        )


def mark_paid(session: Session, order: Order, now: datetime) -> OrderPaid:
    """Record a payment: held units become sold (units never held are sold now, if any are
    left). Raises `SoldOutAtPayment` — and the caller's transaction must roll back — when an
    unheld unit is gone. Handing the order to the brand is `OrderPaid`'s handler's work."""
    transition(order, OrderStatus.PAID, now)
    for line in order.lines:
        if line.status != LineStatus.ACTIVE:
            continue
        held = session.scalars(
            select(Reservation).where(
                Reservation.order_line_id == line.id,
                Reservation.status == ReservationStatus.ACTIVE,
            )
        ).all()
        for reservation in held:
            sell_units(session, reservation.variant_id, reservation.quantity)
            reservation.status = ReservationStatus.CONSUMED
            reservation.closed_at = now
        if not held and not sell_free_units(session, line.variant_id, line.quantity):
            raise SoldOutAtPayment(order.id, line.variant.sku, line.quantity)
    order.paid_at = now
    order.open_key = None
    order.closed_at = now
    session.flush()
    return OrderPaid(order.viewer_id, order.id, order.total_minor, order.currency)
