"""Where events come from: the cause that their handlers and announcements need to know.

An entry point (a comment, a payment webhook, a job, a replayed `pay` line) publishes the
events of its state change with one `Cause`. Announcements are keyed by the event's own
identity when it has one (a paid order, an ended hold, a promoted waitlist entry are told
once, whichever path reported them), else by the cause and the event's rank in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from commerce.cart_view import CartView
from commerce.outcomes import (
    Event,
    HoldExpired,
    OrderPaid,
    Outcome,
    RefundDue,
    Reserved,
    WaitlistPromoted,
)
from commerce.product_facts import ProductFactsCache
from live.messages import Reply


class LiveLike(Protocol):
    """What replies need of a live session (the ORM row or the pipeline's cached facts)."""

    @property
    def id(self) -> int: ...
    @property
    def platform(self) -> str: ...
    @property
    def chat_id(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def brand(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class ViewerContact:
    """Who a reply is for, when the caller already knows (saves a lookup per reply)."""

    name: str
    platform_user_id: str
    language: str | None


@dataclass
class Cause:
    """One comment, webhook, job run or replayed line, and what its events need.

    `live`, `language` and `reply_to_message_id` describe the author of the cause (a
    comment's viewer); events about other viewers (a waitlist promoted by a cancel) are
    told in their own live session and language."""

    key: str
    now: datetime
    live: LiveLike | None = None
    author: ViewerContact | None = None
    author_id: int | None = None
    language: str | None = None
    reply_to_message_id: str | None = None
    products: ProductFactsCache | None = None
    events: list[Event] = field(default_factory=list)  # every event handled, in order
    replies: list[Reply] = field(default_factory=list)  # every reply written
    carts: dict[int, CartView] = field(default_factory=dict)  # newest view of each cart
    told: int = 0  # events announced so far (the rank in keys of events without identity)

    def note(self, events: Iterable[Event]) -> None:
        """Each claim hands over its cart as it left it; the last one shows every line."""
        for event in events:
            if isinstance(event, Reserved) and event.cart is not None:
                self.carts[event.cart.id] = event.cart


def identity(event: Outcome) -> str | None:
    """The key of an event that may be reported by several paths, told only once."""
    if isinstance(event, OrderPaid):
        return f"order_paid:{event.order_id}"
    if isinstance(event, HoldExpired):
        return f"hold_expired:{event.order_id}"
    if isinstance(event, RefundDue):
        return f"refund_due:{event.order_id}:{event.reference}"
    if isinstance(event, WaitlistPromoted) and event.entry_id:
        return f"promoted:{event.entry_id}"
    return None


def announcement_key(event: Outcome, cause: Cause) -> str:
    """The outbox key prefix of an event's replies: one scheme for every entry point."""
    own = identity(event)
    if own is not None:
        return own
    rank = cause.told
    return f"{cause.key}:{rank}"
