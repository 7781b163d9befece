"""Claims become held units in a viewer's cart, or a place on the waitlist.

Every function works inside the caller's transaction and takes `now` explicitly, so a
replayed chat moves holds and waitlists on its own clock.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Integer, Table, and_, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from commerce.cart_view import CartView, HeldLine
from commerce.intent import ClaimedItem
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
    DuplicateClaim,
    Event,
    ItemRef,
    LimitReached,
    NothingToCancel,
    OptionNeeded,
    OptionUnavailable,
    Outcome,
    Reserved,
    UnitsReleased,
    UnknownProduct,
    Waitlisted,
    WaitlistPromoted,
)
from commerce.product_facts import (
    ProductFacts,
    ProductFactsCache,
    VariantFacts,
    available_units_by_variant,
    read_product_facts,
)
from commerce.stock import available_units, release_units, reserve_units
from kernel.models import LiveSession


@dataclass(frozen=True, slots=True)
class CommercePolicy:
    """How claims are held: for how long, how many per viewer, what counts as a repeat."""

    hold_seconds: int | None = 900  # None: "first paid, first served", nothing held
    max_units_per_product: int = 5
    duplicate_window_s: float = 30.0

    @property
    def holds_stock(self) -> bool:
        return self.hold_seconds is not None

    def for_live_session(self, session: Session, session_id: int) -> CommercePolicy:
        """These rules with the live session's own hold: its time, or none when it sells
        "first paid, first served" (a waitlist may be promoted from a webhook or a job
        that serves every session)."""
        row = session.execute(
            select(LiveSession.hold_mode, LiveSession.hold_seconds).where(
                LiveSession.id == session_id
            )
        ).one_or_none()
        if row is None:
            return self
        return replace(self, hold_seconds=row.hold_seconds if row.hold_mode == "timed" else None)


def item_ref(
    product: Product | ProductFacts, variant: Variant | VariantFacts, quantity: int
) -> ItemRef:
    return ItemRef(
        product_sku=product.sku,
        product_name=product.name,
        variant_sku=variant.sku,
        options=tuple(
            (k, str(variant.options[k])) for k in product.options if k in variant.options
        ),
        quantity=quantity,
    )


def _open_key(session_id: int, viewer_id: int) -> str:
    return f"{session_id}:{viewer_id}"


_OPEN_CART = select(Order).where(Order.open_key == bindparam("open_key"))


def open_cart(session: Session, session_id: int, viewer_id: int) -> Order | None:
    """The viewer's open cart as an ORM object (for changes other than adding a line)."""
    return session.scalar(_OPEN_CART, {"open_key": _open_key(session_id, viewer_id)})


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
    return CartView(row.id, row.public_token, row.currency, row.total_minor, row.expires_at, ())


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


def _resolve_variant(
    session: Session, product: ProductFacts, options: dict[str, str], viewer_id: int
) -> VariantFacts | OptionNeeded | OptionUnavailable:
    """Find the one variant the stated options designate, or say what is missing (with the
    options still in stock, read now)."""
    stated = {k: v.casefold() for k, v in options.items() if k in product.options}
    candidates = [
        v
        for v in product.variants
        if all(str(v.options.get(k, "")).casefold() == val for k, val in stated.items())
    ]
    if not candidates:
        free = available_units_by_variant(session, product.id)
        combinations = sorted(
            {
                "/".join(str(x) for x in v.options.values())
                for v in product.variants
                if free.get(v.id, 0) > 0
            }
        )
        return OptionUnavailable(
            viewer_id,
            product.sku,
            product.name,
            tuple(sorted(options.items())),
            tuple(combinations),
        )
    if len(candidates) == 1:
        return candidates[0]
    for option_name, values in product.options.items():
        if option_name in stated:
            continue
        distinct = {str(v.options.get(option_name)) for v in candidates}
        if len(distinct) > 1:
            free = available_units_by_variant(session, product.id)
            values_in_stock = [
                value
                for value in values
                if any(
                    str(v.options.get(option_name)) == value and free.get(v.id, 0) > 0
                    for v in candidates
                )
            ]
            return OptionNeeded(
                viewer_id,
                product.sku,
                product.name,
                option_name,
                tuple(values_in_stock),
                product.id,
            )
    return candidates[0]


def waitlist_position(session: Session, entry: WaitlistEntry) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(WaitlistEntry)
            .where(
                WaitlistEntry.variant_id == entry.variant_id,
                WaitlistEntry.session_id == entry.session_id,
                WaitlistEntry.status == WaitlistStatus.WAITING,
                WaitlistEntry.id <= entry.id,
            )
        )
        or 1
    )


def _hold_until(now: datetime, policy: CommercePolicy) -> datetime | None:
    return now + timedelta(seconds=policy.hold_seconds) if policy.hold_seconds else None


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


def add_to_cart(
    session: Session,
    *,
    session_id: int,
    viewer_id: int,
    product: Product | ProductFacts,
    variant: Variant | VariantFacts,
    quantity: int,
    comment_id: int | None,
    now: datetime,
    policy: CommercePolicy,
    cart: CartView | None = None,
    cart_looked_up: bool = False,
) -> CartView:
    """Put already-held units in the viewer's cart and (re)start the cart's hold.

    `cart` is the open cart if the caller has just read it (`cart_looked_up` says it read
    none). A checkout session opened for the cart before this line stays recorded: the
    checkout page sees that it no longer fits the cart, ends it and opens another."""
    expires_at = _hold_until(now, policy)
    line = HeldLine(product.id, variant.id, quantity, product.price_minor, now)
    if cart is None and not cart_looked_up:
        cart = read_open_cart(session, session_id, viewer_id)
    cart = _cart_with_line(
        session, session_id, viewer_id, cart, line, product.currency, expires_at, now
    )
    connection = session.connection()
    line_id = connection.execute(
        _INSERT_LINE,
        {
            "order_id": cart.id,
            "product_id": product.id,
            "variant_id": variant.id,
            "quantity": quantity,
            "unit_price_minor": product.price_minor,
            "status": LineStatus.ACTIVE.value,
            "comment_id": comment_id,
            "created_at": now,
        },
    ).scalar_one()
    if policy.holds_stock:
        connection.execute(
            _INSERT_RESERVATION,
            {
                "order_line_id": line_id,
                "variant_id": variant.id,
                "quantity": quantity,
                "status": ReservationStatus.ACTIVE.value,
                "expires_at": expires_at,
                "created_at": now,
                "closed_at": None,
            },
        )
    _forget_loaded(session, cart.id)
    return cart


def claim(
    session: Session,
    *,
    session_id: int,
    viewer_id: int,
    item: ClaimedItem,
    comment_id: int | None,
    now: datetime,
    policy: CommercePolicy,
    products: ProductFactsCache | None = None,
) -> Outcome:
    """Reserve a claimed item for a viewer, or waitlist them, or say what is missing.

    `products` lets a long-running caller reuse product facts across transactions."""
    if products is not None:
        product = products.get(session, item.sku)
    else:
        product = read_product_facts(session, item.sku)
    if product is None:
        return UnknownProduct(viewer_id, item.sku)
    resolved = _resolve_variant(session, product, dict(item.options), viewer_id)
    if not isinstance(resolved, VariantFacts):
        return resolved
    variant = resolved
    quantity = max(1, item.quantity)
    cart = read_open_cart(session, session_id, viewer_id)
    if cart is not None:
        lines = cart.lines
        recent = now - timedelta(seconds=policy.duplicate_window_s)
        if any(
            line.variant_id == variant.id
            and line.quantity == quantity
            and line.created_at >= recent
            for line in lines
        ):
            return DuplicateClaim(viewer_id, product.sku)
        held = sum(line.quantity for line in lines if line.product_id == product.id)
        if held + quantity > policy.max_units_per_product:
            return LimitReached(viewer_id, product.sku, product.name, policy.max_units_per_product)
    elif quantity > policy.max_units_per_product:
        return LimitReached(viewer_id, product.sku, product.name, policy.max_units_per_product)
    if policy.holds_stock:
        got_units = reserve_units(session, variant.id, quantity)
    else:
        # "First paid, first served": nothing is held; the sale happens at payment.
        got_units = available_units(session, variant.id) >= quantity
    if got_units:
        cart = add_to_cart(
            session,
            session_id=session_id,
            viewer_id=viewer_id,
            product=product,
            variant=variant,
            quantity=quantity,
            comment_id=comment_id,
            now=now,
            policy=policy,
            cart=cart,
            cart_looked_up=True,
        )
        return Reserved(
            viewer_id, cart.id, item_ref(product, variant, quantity), cart.expires_at, cart
        )
    # Sold out. Free units are handed to the queue as soon as they appear, so a viewer
    # already waiting for this variant is asking again, not asking for more.
    waiting = session.scalar(
        select(WaitlistEntry.id).where(
            WaitlistEntry.session_id == session_id,
            WaitlistEntry.viewer_id == viewer_id,
            WaitlistEntry.variant_id == variant.id,
            WaitlistEntry.status == WaitlistStatus.WAITING,
        )
    )
    if waiting is not None:
        return DuplicateClaim(viewer_id, product.sku)
    entry = WaitlistEntry(
        session_id=session_id,
        variant_id=variant.id,
        viewer_id=viewer_id,
        quantity=quantity,
        status=WaitlistStatus.WAITING,
        comment_id=comment_id,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return Waitlisted(
        viewer_id, item_ref(product, variant, quantity), waitlist_position(session, entry)
    )


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


def promote_waitlist(
    session: Session, variant_id: int, now: datetime, policy: CommercePolicy
) -> list[WaitlistPromoted]:
    """Hand freed units to waiting viewers, first come first served, while they last."""
    promoted: list[WaitlistPromoted] = []
    entries = session.scalars(
        select(WaitlistEntry)
        .where(
            WaitlistEntry.variant_id == variant_id, WaitlistEntry.status == WaitlistStatus.WAITING
        )
        .order_by(WaitlistEntry.id)
    ).all()
    policies: dict[int, CommercePolicy] = {}
    offered = 0  # units told to viewers who will not hold them (first paid, first served)
    for entry in entries:
        if entry.session_id not in policies:
            policies[entry.session_id] = policy.for_live_session(session, entry.session_id)
        entry_policy = policies[entry.session_id]
        if entry_policy.holds_stock:
            got_units = (
                not offered or available_units(session, variant_id) - offered >= entry.quantity
            ) and reserve_units(session, variant_id, entry.quantity)
        else:
            got_units = available_units(session, variant_id) - offered >= entry.quantity
            offered += entry.quantity if got_units else 0
        if not got_units:
            break  # strict order: nobody jumps the queue with a smaller quantity
        variant = session.get(Variant, variant_id)
        assert variant is not None
        cart = add_to_cart(
            session,
            session_id=entry.session_id,
            viewer_id=entry.viewer_id,
            product=variant.product,
            variant=variant,
            quantity=entry.quantity,
            comment_id=entry.comment_id,
            now=now,
            policy=entry_policy,
        )
        entry.status = WaitlistStatus.PROMOTED
        entry.closed_at = now
        promoted.append(
            WaitlistPromoted(
                entry.viewer_id,
                cart.id,
                item_ref(variant.product, variant, entry.quantity),
                cart.expires_at,
                entry.id,
            )
        )
    return promoted
