"""Report queries: a live session's figures read back from the database, whichever
processes did the work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commerce.models import (
    Order,
    OrderLine,
    OrderStatus,
    Reservation,
    ReservationStatus,
    Variant,
    WaitlistEntry,
)
from kernel.models import Comment, LiveSession, OutboxMessage
from kernel.uow import UnitOfWorkProvider


def _number(session: Session, statement: Any) -> int:
    return int(session.scalar(statement) or 0)


def session_totals(database: UnitOfWorkProvider, live_session_id: int) -> dict[str, int]:
    """Figures read back from the database, whichever processes did the work."""
    with database.unit_of_work() as uow:
        s = uow.session
        order_ids = select(Order.id).where(Order.session_id == live_session_id)
        line_ids = select(OrderLine.id).where(OrderLine.order_id.in_(order_ids))
        held = _number(
            s,
            select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
                Reservation.order_line_id.in_(line_ids),
                Reservation.status.in_([ReservationStatus.ACTIVE, ReservationStatus.CONSUMED]),
            ),
        )
        # Oversold: units held or sold per variant (from the reservations themselves, not the
        # counter) beyond what the variant ever had.
        per_variant = s.execute(
            select(Reservation.variant_id, func.sum(Reservation.quantity))
            .where(Reservation.status == ReservationStatus.ACTIVE)
            .group_by(Reservation.variant_id)
        ).all()
        oversold = 0
        for variant_id, active in per_variant:
            variant = s.get(Variant, variant_id)
            assert variant is not None
            oversold += max(0, int(active) - variant.stock)
        oversold += _number(
            s,
            select(func.coalesce(func.sum(Variant.reserved - Variant.stock), 0)).where(
                Variant.reserved > Variant.stock
            ),
        )
        return {
            "comments_stored": _number(
                s,
                select(func.count())
                .select_from(Comment)
                .where(Comment.session_id == live_session_id),
            ),
            "reserved_units": int(held),
            "waitlisted": _number(
                s,
                select(func.count())
                .select_from(WaitlistEntry)
                .where(WaitlistEntry.session_id == live_session_id),
            ),
            "oversold": int(oversold),
            "carts": _number(
                s,
                select(func.count()).select_from(Order).where(Order.session_id == live_session_id),
            ),
            "paid_orders": _number(
                s,
                select(func.count())
                .select_from(Order)
                .where(
                    Order.session_id == live_session_id,
                    Order.status.in_([OrderStatus.PAID, OrderStatus.HANDED_OFF]),
                ),
            ),
            "replies": _number(
                s,
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.session_id == live_session_id,
                    OutboxMessage.kind.in_(["public", "private"]),
                ),
            ),
            "revenue_minor": _number(
                s,
                select(func.coalesce(func.sum(Order.total_minor), 0)).where(
                    Order.session_id == live_session_id,
                    Order.status.in_([OrderStatus.PAID, OrderStatus.HANDED_OFF]),
                ),
            ),
        }


def session_currency(database: UnitOfWorkProvider, live_session_id: int) -> str | None:
    """The currency the session's carts are in (None before its first cart)."""
    with database.unit_of_work() as uow:
        return uow.session.scalar(
            select(Order.currency).where(Order.session_id == live_session_id).limit(1)
        )


@dataclass(frozen=True, slots=True)
class SessionOverview:
    key: str
    platform: str
    chat_id: str
    status: str
    started_at: datetime | None
    comments: int
    paid_orders: int
    revenue_minor: int


def sessions_overview(database: UnitOfWorkProvider, limit: int = 200) -> list[SessionOverview]:
    """The live sessions, newest first, with their comments and paid orders."""
    paid = Order.status.in_([OrderStatus.PAID, OrderStatus.HANDED_OFF])
    comments = (
        select(func.count()).select_from(Comment).where(Comment.session_id == LiveSession.id)
    ).scalar_subquery()
    orders = (
        select(func.count()).select_from(Order).where(Order.session_id == LiveSession.id, paid)
    ).scalar_subquery()
    revenue = (
        select(func.coalesce(func.sum(Order.total_minor), 0))
        .where(Order.session_id == LiveSession.id, paid)
        .scalar_subquery()
    )
    query = (
        select(LiveSession, comments, orders, revenue)
        .order_by(LiveSession.created_at.desc(), LiveSession.id.desc())
        .limit(limit)
    )
    with database.unit_of_work() as uow:
        return [
            SessionOverview(
                live.key,
                live.platform,
                live.chat_id,
                live.status,
                live.started_at,
                int(n_comments),
                int(n_paid),
                int(revenue_minor),
            )
            for live, n_comments, n_paid, revenue_minor in uow.session.execute(query)
        ]
