"""A viewer's rights over their data (GDPR articles 15 and 17): everything held about them,
as one JSON document, and forgetting them.

Forgetting pseudonymises rather than deletes: the orders stay (with their lines, totals
and payment references: the brand's accounting needs them) but lose the name, e-mail,
phone and address; comments lose their text; the viewer's platform id and name become a
pseudonym nobody can link back; moderation notes and undelivered messages to them go.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commerce.brand_events import BRAND_CHANNEL
from commerce.models import Order, PendingClaim, WaitlistEntry
from commerce.orders import order_document
from kernel.models import Comment, OutboxMessage, OutboxStatus, Viewer
from moderation.models import ModerationAction

FORGOTTEN = "forgotten"


class UnknownViewer(LookupError):
    """No viewer with that platform and id (or one forgotten already)."""


@dataclass(frozen=True, slots=True)
class ViewerRef:
    """`PLATFORM:ID`, as a person gives it on the command line or the brand API."""

    platform: str
    user_id: str

    @classmethod
    def parse(cls, text: str) -> ViewerRef:
        platform, sep, user_id = text.strip().partition(":")
        if not sep or not platform or not user_id:
            raise ValueError(f"a viewer is PLATFORM:ID (e.g. telegram:123456), not {text!r}")
        return cls(platform, user_id)


def _viewer(session: Session, ref: ViewerRef) -> Viewer:
    viewer = session.scalar(
        select(Viewer).where(
            Viewer.platform == ref.platform, Viewer.platform_user_id == ref.user_id
        )
    )
    if viewer is None:
        raise UnknownViewer(f"no viewer {ref.platform}:{ref.user_id}")
    return viewer


def export_viewer(session: Session, ref: ViewerRef) -> dict[str, Any]:
    """Everything held about a viewer: who they are, what they wrote and what became of
    it, their orders, waitlists and moderation history."""
    viewer = _viewer(session, ref)
    comments = session.scalars(
        select(Comment).where(Comment.viewer_id == viewer.id).order_by(Comment.id)
    )
    orders = session.scalars(select(Order).where(Order.viewer_id == viewer.id).order_by(Order.id))
    waits = session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.viewer_id == viewer.id).order_by(WaitlistEntry.id)
    )
    actions = session.scalars(
        select(ModerationAction)
        .where(ModerationAction.viewer_id == viewer.id)
        .order_by(ModerationAction.id)
    )
    return {
        "viewer": {
            "platform": viewer.platform,
            "platform_user_id": viewer.platform_user_id,
            "display_name": viewer.display_name,
            "language": viewer.language,
            "role": viewer.role,
            "first_seen": viewer.created_at.isoformat(),
        },
        "comments": [
            {
                "chat_id": c.chat_id,
                "message_id": c.message_id,
                "text": c.text,
                "sent_at": c.sent_at.isoformat(),
                "intent": c.intent,
                "items": c.intent_items,
            }
            for c in comments
        ],
        "orders": [order_document(session, order) for order in orders],
        "waitlists": [
            {
                "variant_id": w.variant_id,
                "quantity": w.quantity,
                "status": w.status,
                "joined_at": w.created_at.isoformat(),
            }
            for w in waits
        ],
        "moderation": [
            {
                "action": a.action,
                "reasons": a.reasons,
                "duration_s": a.duration_s,
                "by": a.actor,
                "at": a.created_at.isoformat(),
                "undone_at": a.undone_at.isoformat() if a.undone_at else None,
            }
            for a in actions
        ],
    }


@dataclass(frozen=True, slots=True)
class Forgotten:
    pseudonym: str
    comments: int
    orders: int
    messages_dropped: int


def forget_viewer(session: Session, ref: ViewerRef, now: datetime) -> Forgotten:
    """Pseudonymise a viewer everywhere (see the module's docstring), in the caller's
    transaction. Totals, lines and payment references of their orders are kept."""
    viewer = _viewer(session, ref)
    digest = hashlib.sha256(f"{viewer.platform}:{viewer.platform_user_id}".encode()).hexdigest()
    pseudonym = f"{FORGOTTEN}-{digest[:16]}"
    old_user_id = viewer.platform_user_id
    viewer.platform_user_id = pseudonym
    viewer.display_name = pseudonym
    viewer.language = None
    comments = session.execute(
        update(Comment).where(Comment.viewer_id == viewer.id).values(text="")
    )
    orders = session.execute(
        update(Order)
        .where(Order.viewer_id == viewer.id)
        .values(buyer_name=None, buyer_email=None, buyer_phone=None, shipping_address=None)
    )
    session.execute(
        update(ModerationAction)
        .where(ModerationAction.viewer_id == viewer.id)
        .values(argument=None, note=None)
    )
    session.execute(
        update(PendingClaim)
        .where(PendingClaim.viewer_id == viewer.id, PendingClaim.status == "open")
        .values(status="cancelled")
    )
    # Messages to them not sent yet are dropped; sent ones lose what they said.
    dropped = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.destination == old_user_id,
            OutboxMessage.channel == viewer.platform,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.FAILED, last_error="viewer forgotten", payload={})
    )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.destination == old_user_id, OutboxMessage.channel == viewer.platform)
        .values(destination=pseudonym, payload={})
    )
    _redact_brand_events(session, viewer.id, pseudonym)
    session.flush()
    return Forgotten(
        pseudonym,
        int(comments.rowcount or 0),  # type: ignore[attr-defined]
        int(orders.rowcount or 0),  # type: ignore[attr-defined]
        int(dropped.rowcount or 0),  # type: ignore[attr-defined]
    )


def _redact_brand_events(session: Session, viewer_id: int, pseudonym: str) -> None:
    """The copies of their orders kept in the outbox lose the buyer's details too."""
    owned = session.execute(select(Order.id, Order.session_id).where(Order.viewer_id == viewer_id))
    order_ids, lives = set(), set()
    for order_id, live_id in owned:
        order_ids.add(order_id)
        lives.add(live_id)
    if not order_ids:
        return
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.channel == BRAND_CHANNEL, OutboxMessage.session_id.in_(lives)
        )
    )
    for row in rows:
        data = row.payload or {}
        if data.get("order_id") not in order_ids or "buyer" not in data:
            continue
        buyer = {key: None for key in data["buyer"]} | {
            "name": pseudonym,
            "platform": data["buyer"].get("platform"),
            "platform_user_id": pseudonym,
        }
        row.payload = data | {"buyer": buyer, "shipping_address": None}
