"""Carts: one open cart per viewer and live session, read and written in the caller's
transaction. Claims add lines with a few Core statements (`read_open_cart`, `add_line`);
cancels, expiries and payments change carts through the ORM (`open_cart`)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Integer, Table, and_, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from commerce.cart_view import CartView, HeldLine
from commerce.models import (
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    Reservation,
    ReservationStatus,
    Variant,
    WaitlistEntry,
    WaitlistStatus,
)
from commerce.outcomes import (
    ClaimCancelled,
    Event,
    ItemRef,
    NothingToCancel,
    UnitsReleased,
    item_ref,
)
from commerce.ports import NewLine
from commerce.stock import release_units


def _open_key(session_id: int, viewer_id: int) -> str:
    return f"{session_id}:{viewer_id}"


_OPEN_CART = select(Order).where(Order.open_key == bindparam("open_key"))


def open_cart(
    session: Session, session_id: int, viewer_id: int, *, lock: bool = False
) -> Order | None:
    """The viewer's open cart as an ORM object (for changes other than adding a line);
    `lock` takes its row lock (PostgreSQL) before a payment."""
    query = _OPEN_CART
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalar(query, {"open_key": _open_key(session_id, viewer_id)})


# The claim path reads and writes carts with these Core statements, built once (see
# commerce.cart_view for why).
_ORDERS = cast(Table, Order.__table__)
_LINES = cast(Table, OrderLine.__table__)
_RESERVATIONS = cast(Table, Reservation.__table__)
_VIEW_COLUMNS = (
    _ORDERS.c.id,
    _ORDERS.c.public_token,
    _ORDERS.c.currency,
    _ORDERS.c.total_minor,
    _ORDERS.c.expires_at,
    _ORDERS.c.created_at,
)
_READ_CART = (
    select(
        *_VIEW_COLUMNS,
        _LINES.c.product_id,
        _LINES.c.variant_id,
        _LINES.c.quantity,
        _LINES.c.unit_price_minor,
        _LINES.c.created_at,
    )
    .select_from(
        _ORDERS.outerjoin(
            _LINES,
            and_(_LINES.c.order_id == _ORDERS.c.id, _LINES.c.status == LineStatus.ACTIVE.value),
        )
    )
    .where(_ORDERS.c.open_key == bindparam("open_key"))
    .order_by(_LINES.c.id)
)
_UPDATE_CART = (  # only while the cart is open: a payment or an expiry may just have closed it
    update(_ORDERS)
    .where(_ORDERS.c.id == bindparam("cart_id"), _ORDERS.c.open_key == bindparam("key"))
    .values(
        # Added, not set from what this worker read: another may be adding a line too.
        total_minor=_ORDERS.c.total_minor + bindparam("added", type_=Integer),
        expires_at=bindparam("new_expires_at"),
        updated_at=bindparam("now"),
    )
    .returning(_ORDERS.c.total_minor)
)
_INSERT_LINE = insert(_LINES).returning(_LINES.c.id)
_INSERT_RESERVATION = insert(_RESERVATIONS)


@cache
def _insert_cart(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the cart, built once per database."""
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert_for(_ORDERS)
        .on_conflict_do_nothing(index_elements=["open_key"])
        .returning(*_VIEW_COLUMNS)
    )


def read_open_cart(session: Session, session_id: int, viewer_id: int) -> CartView | None:
    """The viewer's open cart with its active lines, in one statement (pending ORM changes
    are flushed first)."""
    rows = session.execute(_READ_CART, {"open_key": _open_key(session_id, viewer_id)}).all()
    if not rows:
        return None
    return _view(rows[0], [row for row in rows if row.product_id is not None])


def view_of(order: Order) -> CartView:
    """An ORM cart as a view (its active lines)."""
    return _view(order, [line for line in order.lines if line.status == LineStatus.ACTIVE])


def _view(cart: Any, active_lines: list[Any]) -> CartView:
    """A view from anything with a cart's columns (a row, an ORM object) and its lines'."""
    return CartView(
        id=cart.id,
        public_token=cart.public_token,
        currency=cart.currency,
        total_minor=cart.total_minor,
        expires_at=cart.expires_at,
        opened_at=cart.created_at,
        lines=tuple(
            HeldLine(
                line.product_id,
                line.variant_id,
                line.quantity,
                line.unit_price_minor,
                line.created_at,
            )
            for line in active_lines
        ),
    )


def _open_new_cart(
    session: Session,
    session_id: int,
    viewer_id: int,
    currency: str,
    now: datetime,
    *,
    total_minor: int,
    expires_at: datetime | None,
) -> CartView | None:
    """Open the viewer's cart with the total and hold it is about to have, so that opening
    it is a single statement; None when another worker opened it this instant (INSERT ...
    ON CONFLICT DO NOTHING: no savepoint needed)."""
    row = (
        session.connection()
        .execute(
            _insert_cart(session.get_bind().dialect.name),
            {
                "session_id": session_id,
                "viewer_id": viewer_id,
                "open_key": _open_key(session_id, viewer_id),
                "status": OrderStatus.RESERVED.value,
                "currency": currency,
                "total_minor": total_minor,
                "public_token": secrets.token_urlsafe(18),
                "expires_at": expires_at,
                "created_at": now,
                "updated_at": now,
            },
        )
        .one_or_none()
    )
    if row is None:
        return None
    return CartView(
        row.id, row.public_token, row.currency, row.total_minor, row.expires_at, (), row.created_at
    )


def _forget_loaded(session: Session, cart_id: int) -> None:
    """A copy of the cart loaded through the ORM earlier in this transaction no longer
    matches the row: it is read again on next use."""
    loaded = session.identity_map.get(identity_key(Order, cart_id))
    if loaded is not None:
        session.expire(loaded)


def _active_lines(cart: Order) -> list[OrderLine]:
    return [line for line in cart.lines if line.status == LineStatus.ACTIVE]


def recompute_total(cart: Order) -> None:
    cart.total_minor = sum(line.quantity * line.unit_price_minor for line in _active_lines(cart))


def _cart_with_line(
    session: Session,
    session_id: int,
    viewer_id: int,
    cart: CartView | None,
    line: HeldLine,
    currency: str,
    expires_at: datetime | None,
    now: datetime,
) -> CartView:
    """Open the cart with `line`'s total and hold, or give the open one its new total and
    hold. A cart read a moment ago may have been opened by another worker since (then it is
    theirs that is used) or closed by a payment or an expiry (then a new one is opened):
    a line never lands in a closed cart, where its units would stay held for good."""
    for _ in range(3):
        if cart is None:
            opened = _open_new_cart(
                session,
                session_id,
                viewer_id,
                currency,
                now,
                total_minor=line.quantity * line.unit_price_minor,
                expires_at=expires_at,
            )
            if opened is not None:
                return opened.with_line(line, expires_at)
            cart = read_open_cart(session, session_id, viewer_id)
            if cart is None:
                continue
        changed = (
            session.connection()
            .execute(
                _UPDATE_CART,
                {
                    "cart_id": cart.id,
                    "key": _open_key(session_id, viewer_id),
                    "added": line.quantity * line.unit_price_minor,
                    "new_expires_at": expires_at,
                    "now": now,
                },
            )
            .first()
        )
        if changed is not None:
            view = cart.with_line(line, expires_at)
            if changed.total_minor != view.total_minor:
                # Another worker added to the cart since it was read: show their lines too
                # (read after this update, which waited for theirs to commit).
                view = (read_open_cart(session, session_id, viewer_id) or cart).with_line(
                    line, expires_at
                )
            return replace(view, total_minor=changed.total_minor)
        cart = read_open_cart(session, session_id, viewer_id)
    raise RuntimeError(f"the cart of viewer {viewer_id} kept changing while a line was added")


def add_line(session: Session, line: NewLine, cart: CartView | None) -> CartView:
    """Put the line in the viewer's open cart (`cart` as just read; None: there was none),
    with its reservation when its units are held, and give the cart the line's hold.

    A checkout session opened for the cart before this line stays recorded: the checkout
    page sees that it no longer fits the cart, ends it and opens another."""
    product = line.product
    unit_price = product.price_of(line.variant_id)
    held = HeldLine(product.id, line.variant_id, line.quantity, unit_price, line.now)
    cart = _cart_with_line(
        session,
        line.session_id,
        line.viewer_id,
        cart,
        held,
        product.currency,
        line.expires_at,
        line.now,
    )
    connection = session.connection()
    line_id = connection.execute(
        _INSERT_LINE,
        {
            "order_id": cart.id,
            "product_id": product.id,
            "variant_id": line.variant_id,
            "quantity": line.quantity,
            "unit_price_minor": unit_price,
            "status": LineStatus.ACTIVE.value,
            "comment_id": line.comment_id,
            "created_at": line.now,
        },
    ).scalar_one()
    if line.holds_units:
        connection.execute(
            _INSERT_RESERVATION,
            {
                "order_line_id": line_id,
                "variant_id": line.variant_id,
                "quantity": line.quantity,
                "status": ReservationStatus.ACTIVE.value,
                "expires_at": line.expires_at,
                "created_at": line.now,
                "closed_at": None,
            },
        )
    _forget_loaded(session, cart.id)
    return cart


def release_line(session: Session, line: OrderLine, status: LineStatus, now: datetime) -> None:
    """Give a line's held units back and close its reservation."""
    reservations = session.scalars(
        select(Reservation).where(
            Reservation.order_line_id == line.id, Reservation.status == ReservationStatus.ACTIVE
        )
    ).all()
    for reservation in reservations:
        release_units(session, reservation.variant_id, reservation.quantity)
        reservation.status = ReservationStatus.RELEASED
        reservation.closed_at = now
    line.status = status


def close_cart(cart: Order, status: OrderStatus, now: datetime) -> None:
    cart.status = status
    cart.open_key = None
    cart.closed_at = now
    cart.updated_at = now


def cancel(
    session: Session,
    *,
    session_id: int,
    viewer_id: int,
    skus: list[str],
    now: datetime,
) -> list[Event]:
    """Withdraw the viewer's claims on `skus` (all of them when empty); `UnitsReleased`
    says which variants' waitlists may now move."""
    cart = open_cart(session, session_id, viewer_id)
    wanted = set(skus)
    released: list[ItemRef] = []
    freed: list[int] = []
    if cart is not None:
        for line in _active_lines(cart):
            product = session.get(Product, line.product_id)
            assert product is not None
            if wanted and product.sku not in wanted:
                continue
            release_line(session, line, LineStatus.CANCELLED, now)
            released.append(item_ref(product, line.variant, line.quantity))
            freed.append(line.variant_id)
        recompute_total(cart)
        if not _active_lines(cart):
            close_cart(cart, OrderStatus.CANCELLED, now)
    entries = session.scalars(
        select(WaitlistEntry).where(
            WaitlistEntry.session_id == session_id,
            WaitlistEntry.viewer_id == viewer_id,
            WaitlistEntry.status == WaitlistStatus.WAITING,
        )
    ).all()
    for entry in entries:
        variant = session.get(Variant, entry.variant_id)
        assert variant is not None
        if wanted and variant.product.sku not in wanted:
            continue
        entry.status = WaitlistStatus.CANCELLED
        entry.closed_at = now
        released.append(item_ref(variant.product, variant, entry.quantity))
    if not released:
        return [NothingToCancel(viewer_id)]
    outcomes: list[Event] = [
        ClaimCancelled(viewer_id, cart.id if cart is not None else 0, tuple(released))
    ]
    session.flush()
    outcomes.extend(UnitsReleased(variant_id) for variant_id in dict.fromkeys(freed))
    return outcomes
