"""Outcomes are written to the outbox as replies, in the transaction that produced them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from commerce.cart_view import CartView
from commerce.carts import open_cart, view_of
from commerce.models import OPEN_ORDER_STATUSES, Order
from commerce.outcomes import Outcome, Reserved, WaitlistPromoted
from commerce.product_facts import ProductFactsCache
from kernel.models import LiveSession, Viewer
from kernel.money import format_money
from kernel.outbox import enqueue_many
from live.deliveries import Delivery, ModerationCommand, PrivateReply, PublicReply
from live.events import Cause, LiveLike, ViewerContact, announcement_key
from live.messages import Reply, ReplyKind
from live.replies import ReplyContext, replies_for


@dataclass(frozen=True, slots=True)
class ShopVoice:
    """What replies need to know about the shop."""

    brand: str
    public_url: str
    default_language: str = "fr"


def checkout_url(shop: ShopVoice, cart: CartView) -> str:
    return f"{shop.public_url.rstrip('/')}/checkout/{cart.public_token}"


def cart_summary(session: Session, cart: CartView, products: ProductFactsCache) -> str:
    """The cart's active lines in a few words; names come from `products`, so that a line
    of a product just claimed costs no query."""
    return "; ".join(label for _, label in cart_lines(session, cart, products))


def cart_lines(
    session: Session, cart: CartView, products: ProductFactsCache
) -> list[tuple[str, str]]:
    """Each active line as (product SKU, "Name (options) x2")."""
    lines = []
    for line in cart.lines:
        facts = products.by_id(session, line.product_id)
        variant = facts.variant(line.variant_id) if facts is not None else None
        if facts is None or variant is None:
            continue  # deleted from the catalog since: the checkout page still shows it
        label = facts.name
        opts = ", ".join(str(v) for v in variant.options.values())
        if opts:
            label += f" ({opts})"
        lines.append((facts.sku, f"{label} x{line.quantity}" if line.quantity > 1 else label))
    return lines


def destination(kind: ReplyKind, live: LiveLike, user_id: str | None) -> str:
    if kind is ReplyKind.PRIVATE:
        return f"dm:{live.platform}:{user_id}"
    return f"chat:{live.platform}:{live.chat_id}"


def delivery(reply: Reply, live: LiveLike) -> Delivery:
    """The typed outbox payload of a reply in a live session's chat."""
    if reply.kind is ReplyKind.PUBLIC:
        return PublicReply(live.chat_id, reply.text, reply.reply_to_message_id, reply.to_author_id)
    if reply.kind is ReplyKind.PRIVATE:
        return PrivateReply(
            str(reply.to_author_id),
            reply.text,
            live.chat_id,
            str(reply.data.get("user_name") or ""),
            str(reply.data.get("language") or ""),
            str(reply.data.get("checkout_url") or ""),
            tuple((str(sku), str(label)) for sku, label in reply.data.get("items") or ()),
        )
    duration = reply.data.get("duration_s")
    return ModerationCommand(
        live.chat_id,
        str(reply.data.get("message_id") or ""),
        str(reply.to_author_id),
        str(reply.data["action"]),
        int(duration) if duration is not None else None,
        str(reply.data.get("user_name") or ""),
        tuple(reply.data.get("reasons") or ()),
        str(reply.data.get("text") or ""),
    )


def write_replies(
    session: Session,
    replies: Iterable[Reply],
    *,
    live: LiveLike,
    key: str,
    now: datetime,
) -> int:
    """Put replies in the outbox, keyed so that reprocessing the same cause adds nothing."""
    rows = [
        {
            "kind": reply.kind.value,
            "channel": live.platform,
            "destination": destination(reply.kind, live, reply.to_author_id),
            "payload": delivery(reply, live).to_json(),
            "dedupe_key": f"{key}:{index}",
            "session_id": live.id,
        }
        for index, reply in enumerate(replies)
    ]
    enqueue_many(session, rows, now)
    return len(rows)


def _contact(session: Session, viewer_id: int, cause: Cause) -> ViewerContact | None:
    if cause.author is not None and viewer_id == cause.author_id:
        return cause.author
    viewer = session.get(Viewer, viewer_id)
    if viewer is None:
        return None
    return ViewerContact(
        viewer.display_name or viewer.platform_user_id, viewer.platform_user_id, viewer.language
    )


def _live_of(session: Session, event: Outcome, cause: Cause) -> LiveLike | None:
    """The live session an event is told in: the cause's, or that of the event's cart."""
    order_id = getattr(event, "order_id", None)
    if cause.live is not None and (order_id is None or isinstance(event, Reserved)):
        return cause.live
    order = session.get(Order, order_id) if order_id else None  # usually loaded: no query
    if order is None:
        return cause.live
    if cause.live is not None and order.session_id == cause.live.id:
        return cause.live
    return session.get(LiveSession, order.session_id)


def _cart_of(
    session: Session,
    outcome: Outcome,
    live: LiveLike,
    viewer_id: int,
    fresh: dict[int, CartView],
) -> CartView | None:
    order_id = getattr(outcome, "order_id", None)
    if order_id in fresh:
        return fresh[order_id]
    if order_id:
        order = session.get(Order, order_id)  # usually already in the session: no query
        if order is not None and order.status in OPEN_ORDER_STATUSES:
            return view_of(order)
    order = open_cart(session, live.id, viewer_id)
    return view_of(order) if order is not None else None


def announce(session: Session, event: Outcome, cause: Cause, shop: ShopVoice) -> list[Reply]:
    """Render one event for its viewer and write the replies to the outbox."""
    live = _live_of(session, event, cause)
    contact = _contact(session, event.viewer_id, cause)
    if live is None or contact is None:
        return []
    key = announcement_key(event, cause)
    cause.told += 1
    own = event.viewer_id == cause.author_id
    # Only replies that carry the checkout link need the cart.
    cart = (
        _cart_of(session, event, live, event.viewer_id, cause.carts)
        if isinstance(event, Reserved | WaitlistPromoted)
        else None
    )
    products = cause.products if cause.products is not None else ProductFactsCache()
    # the cart's lines, read once: its summary and a button per line come from them
    items = tuple(cart_lines(session, cart, products)) if cart is not None else ()
    ctx = ReplyContext(
        viewer_name=contact.name,
        viewer_platform_id=contact.platform_user_id,
        language=(cause.language if own else None)
        or contact.language
        or live.language
        or shop.default_language,
        brand=live.brand or shop.brand,
        checkout_url=checkout_url(shop, cart) if cart is not None else None,
        cart_summary="; ".join(label for _, label in items) if cart is not None else None,
        cart_items=items,
        cart_total=format_money(cart.total_minor, cart.currency) if cart is not None else None,
        reply_to_message_id=cause.reply_to_message_id if own else None,
    )
    replies = replies_for(event, ctx, cause.now)
    write_replies(session, replies, live=live, key=key, now=cause.now)
    cause.replies.extend(replies)
    return replies
