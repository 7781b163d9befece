"""Claims become held units in a viewer's cart, or a place on the waitlist.

Every function works inside the caller's transaction and takes `now` explicitly, so a
replayed chat moves holds and waitlists on its own clock.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

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
    ItemRef,
    LimitReached,
    NothingToCancel,
    OptionNeeded,
    OptionUnavailable,
    Outcome,
    Reserved,
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


@dataclass(frozen=True, slots=True)
class CommercePolicy:
    """How claims are held: for how long, how many per viewer, what counts as a repeat."""

    hold_seconds: int | None = 900  # None: "first paid, first served", nothing held
    max_units_per_product: int = 5
    duplicate_window_s: float = 30.0

    @property
    def holds_stock(self) -> bool:
        return self.hold_seconds is not None


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
    return session.scalar(_OPEN_CART, {"open_key": _open_key(session_id, viewer_id)})


@cache
def _insert_cart(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the cart, built once per database."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Order).on_conflict_do_nothing(index_elements=["open_key"]).returning(Order)


def get_or_open_cart(
    session: Session,
    session_id: int,
    viewer_id: int,
    currency: str,
    now: datetime,
    *,
    known_absent: bool = False,
    total_minor: int = 0,
    expires_at: datetime | None = None,
) -> Order:
    """The viewer's one open cart in this live session, opened if needed (with the total and
    hold it is about to have, so that opening it is a single statement)."""
    if not known_absent:
        cart = open_cart(session, session_id, viewer_id)
        if cart is not None:
            return cart
    # INSERT ... ON CONFLICT DO NOTHING: another worker may open the same cart this instant;
    # then theirs is used. No savepoint needed, so the claim costs fewer round trips.
    # RETURNING the entity puts the new cart in the session without reading it back.
    cart = session.scalars(
        _insert_cart(session.get_bind().dialect.name),
        {
            "session_id": session_id,
            "viewer_id": viewer_id,
            "open_key": _open_key(session_id, viewer_id),
            "status": OrderStatus.RESERVED,
            "currency": currency,
            "total_minor": total_minor,
            "public_token": secrets.token_urlsafe(18),
            "expires_at": expires_at,
            "created_at": now,
            "updated_at": now,
        },
        execution_options={"populate_existing": True},
    ).one_or_none()
    if cart is None:
        existing = open_cart(session, session_id, viewer_id)
        if existing is None:
            raise RuntimeError(f"cart of viewer {viewer_id} neither opened nor found")
        return existing
    set_committed_value(cart, "lines", [])  # a new cart has no lines: no query to learn it
    return cart


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
    cart: Order | None = None,
    cart_looked_up: bool = False,
) -> Order:
    """Put already-held units in the viewer's cart and (re)start the cart's hold."""
    if cart is None:
        cart = get_or_open_cart(
            session,
            session_id,
            viewer_id,
            product.currency,
            now,
            known_absent=cart_looked_up,
            total_minor=quantity * product.price_minor,
            expires_at=_hold_until(now, policy),
        )
    expires_at = _hold_until(now, policy)
    line = OrderLine(
        product_id=product.id,
        variant_id=variant.id,
        quantity=quantity,
        unit_price_minor=product.price_minor,
        status=LineStatus.ACTIVE,
        comment_id=comment_id,
        created_at=now,
    )
    if isinstance(product, Product) and isinstance(variant, Variant):
        line.product, line.variant = product, variant  # readable before the next flush
    cart.lines.append(line)
    if policy.holds_stock:
        session.add(
            Reservation(
                line=line,
                variant_id=variant.id,
                quantity=quantity,
                status=ReservationStatus.ACTIVE,
                expires_at=expires_at,
                created_at=now,
            )
        )
    # A checkout session opened for the cart before this line stays recorded: the checkout
    # page sees that it no longer fits the cart, ends it and opens another.
    cart.expires_at = expires_at
    cart.updated_at = now
    recompute_total(cart)
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
    cart = open_cart(session, session_id, viewer_id)
    if cart is not None:
        lines = _active_lines(cart)
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
        return Reserved(viewer_id, cart.id, item_ref(product, variant, quantity), cart.expires_at)
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
    policy: CommercePolicy,
) -> list[Outcome]:
    """Withdraw the viewer's claims on `skus` (all of them when empty); the freed units go
    to the waitlist first."""
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
    outcomes: list[Outcome] = [
        ClaimCancelled(viewer_id, cart.id if cart is not None else 0, tuple(released))
    ]
    session.flush()
    for variant_id in dict.fromkeys(freed):
        outcomes.extend(promote_waitlist(session, variant_id, now, policy))
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
    for entry in entries:
        if not reserve_units(session, variant_id, entry.quantity):
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
            policy=policy,
        )
        entry.status = WaitlistStatus.PROMOTED
        entry.closed_at = now
        promoted.append(
            WaitlistPromoted(
                entry.viewer_id,
                cart.id,
                item_ref(variant.product, variant, entry.quantity),
                cart.expires_at,
            )
        )
    return promoted
