"""Replays a recorded chat through the full live pipeline, on the transcript's own clock.

Time follows each line's `ts` from the session's start, so holds expire and waitlists move
as they would live. Several worker processes can share one session: each takes the
authors of its shard (so one viewer's comments stay in order) and every feature event.
"""

from __future__ import annotations

import statistics
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bots.jobs import expire_holds_and_notify
from bots.live_session import feature_product
from bots.messages import ChatMessage
from bots.notify import notify
from bots.pipeline import LivePipeline, PipelineResult
from bots.transcript import ChatLine, FeatureEvent, PayEvent, TranscriptLine
from commerce.carts import open_cart
from commerce.models import (
    Order,
    OrderLine,
    OrderStatus,
    Reservation,
    ReservationStatus,
    Variant,
    WaitlistEntry,
)
from commerce.orders import HOLD_CHECK_EVERY_S, mark_paid
from commerce.outcomes import (
    ClaimCancelled,
    NothingToCancel,
    Outcome,
    Reserved,
    Waitlisted,
    WaitlistPromoted,
)
from vitrine.models import Comment, LiveSession, OutboxMessage, Viewer

MAX_BATCH = 16

Observer = Callable[[TranscriptLine, "PipelineResult | list[Outcome] | None"], None]


@dataclass(frozen=True, slots=True)
class Shard:
    index: int = 0
    count: int = 1

    def owns(self, author_id: str) -> bool:
        return self.count == 1 or zlib.crc32(author_id.encode()) % self.count == self.index


@dataclass
class ReplayCounters:
    """What this process did (a worker's share of the replay)."""

    comments: int = 0
    duplicates: int = 0
    removed: int = 0
    claims: int = 0
    answered_claims: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0


def _clock(live: LiveSession, ts: float) -> datetime:
    assert live.started_at is not None
    return live.started_at + timedelta(seconds=ts)


def run_replay(
    pipeline: LivePipeline,
    lines: Sequence[TranscriptLine],
    *,
    shard: Shard = Shard(),
    speed: float | None = None,
    observer: Observer | None = None,
    after_step: Callable[[datetime], None] | None = None,
    batch_size: int = MAX_BATCH,
) -> ReplayCounters:
    """Push transcript lines through the pipeline; `speed` None = as fast as possible,
    1.0 = real pace, 10 = ten times faster.

    As fast as possible, comments that follow each other are handled in batches (one commit
    each), as a live adapter does with comments that arrive together.
    """
    database = pipeline.database
    with database.unit_of_work() as uow:
        live = uow.session.get(LiveSession, pipeline.live_session_id)
        assert live is not None
        uow.session.expunge(live)
    counters = ReplayCounters()
    featured: str | None = None
    last_expiry_ts = -1.0
    wall_start = time.perf_counter()
    batch: list[tuple[ChatLine, ChatMessage, datetime, str | None]] = []

    def flush() -> None:
        if not batch:
            return
        results = pipeline.process_batch([(m, now, f) for _, m, now, f in batch])
        for (chat_line, _, _, _), result in zip(batch, results, strict=True):
            _count(counters, result)
            if observer:
                observer(chat_line, result)
        if after_step is not None:
            after_step(batch[-1][2])
        batch.clear()

    for line in lines:
        if speed:
            delay = line.ts / speed - (time.perf_counter() - wall_start)
            if delay > 0:
                flush()
                time.sleep(delay)
        now = _clock(live, line.ts)
        if isinstance(line, ChatLine):
            if not shard.owns(line.author_id):
                continue
            if line.ts - last_expiry_ts < HOLD_CHECK_EVERY_S and len(batch) < batch_size:
                batch.append((line, _message(live, line, now), now, featured))
                continue
        flush()
        if line.ts - last_expiry_ts >= HOLD_CHECK_EVERY_S:
            outcomes = _expire(pipeline, now)
            last_expiry_ts = line.ts
            if outcomes and observer:
                observer(line, outcomes)
        if isinstance(line, ChatLine):
            batch.append((line, _message(live, line, now), now, featured))
            continue
        if isinstance(line, FeatureEvent):
            featured = line.sku
            if shard.index == 0:
                with database.unit_of_work() as uow:
                    session_live = uow.session.get(LiveSession, live.id)
                    assert session_live is not None
                    feature_product(uow.session, session_live, line.sku)
                    uow.commit()
            if observer:
                observer(line, None)
        elif isinstance(line, PayEvent) and shard.owns(line.author_id):
            outcomes = _pay(pipeline, live, line, now)
            if observer:
                observer(line, outcomes)
        if after_step is not None:
            after_step(now)
    flush()
    counters.elapsed_s = time.perf_counter() - wall_start
    return counters


def _message(live: LiveSession, line: ChatLine, now: datetime) -> ChatMessage:
    return ChatMessage(
        platform=live.platform,
        chat_id=live.chat_id,
        message_id=line.id,
        author_id=line.author_id,
        author_name=line.author_name,
        text=line.text,
        sent_at=now,
        role=line.role,
        stream_ts=line.ts,
    )


def _count(counters: ReplayCounters, result: PipelineResult) -> None:
    if result.duplicate:
        counters.duplicates += 1
        return
    counters.comments += 1
    counters.latencies_ms.append(result.elapsed_ms)
    counters.removed += result.removed
    counters.errors += result.error is not None
    claims = [
        o
        for o in result.outcomes
        if not isinstance(o, ClaimCancelled | NothingToCancel | WaitlistPromoted)
    ]
    counters.claims += len(claims)
    counters.answered_claims += sum(isinstance(o, Reserved | Waitlisted) for o in claims)


def _expire(pipeline: LivePipeline, now: datetime) -> list[Outcome]:
    return expire_holds_and_notify(
        pipeline.database, shop=pipeline.shop, policy=pipeline.policy, now=now
    )


def _pay(pipeline: LivePipeline, live: LiveSession, line: PayEvent, now: datetime) -> list[Outcome]:
    """The viewer pays their open cart through the local checkout."""
    with pipeline.database.unit_of_work() as uow:
        session = uow.session
        viewer = session.scalar(
            select(Viewer).where(
                Viewer.platform == live.platform, Viewer.platform_user_id == line.author_id
            )
        )
        cart = open_cart(session, live.id, viewer.id) if viewer is not None else None
        if cart is None or not any(line_.status == "active" for line_ in cart.lines):
            return []
        paid = mark_paid(session, cart, now)
        session_live = session.get(LiveSession, live.id)
        assert session_live is not None
        notify(
            session, [paid], live=session_live, shop=pipeline.shop, key=f"paid:{cart.id}", now=now
        )
        uow.commit()
        return [paid]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def session_totals(database, live_session_id: int) -> dict[str, int]:
    """Figures read back from the database, whichever processes did the work."""
    with database.unit_of_work() as uow:
        s = uow.session
        order_ids = select(Order.id).where(Order.session_id == live_session_id)
        line_ids = select(OrderLine.id).where(OrderLine.order_id.in_(order_ids))
        held = s.scalar(
            select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
                Reservation.order_line_id.in_(line_ids),
                Reservation.status.in_([ReservationStatus.ACTIVE, ReservationStatus.CONSUMED]),
            )
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
        oversold += s.scalar(
            select(func.coalesce(func.sum(Variant.reserved - Variant.stock), 0)).where(
                Variant.reserved > Variant.stock
            )
        )
        return {
            "comments_stored": s.scalar(
                select(func.count())
                .select_from(Comment)
                .where(Comment.session_id == live_session_id)
            ),
            "reserved_units": int(held),
            "waitlisted": s.scalar(
                select(func.count())
                .select_from(WaitlistEntry)
                .where(WaitlistEntry.session_id == live_session_id)
            ),
            "oversold": int(oversold),
            "carts": s.scalar(
                select(func.count()).select_from(Order).where(Order.session_id == live_session_id)
            ),
            "paid_orders": s.scalar(
                select(func.count())
                .select_from(Order)
                .where(
                    Order.session_id == live_session_id,
                    Order.status.in_([OrderStatus.PAID, OrderStatus.HANDED_OFF]),
                )
            ),
            "replies": s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.session_id == live_session_id,
                    OutboxMessage.kind.in_(["public", "private"]),
                )
            ),
            "revenue_minor": s.scalar(
                select(func.coalesce(func.sum(Order.total_minor), 0)).where(
                    Order.session_id == live_session_id,
                    Order.status.in_([OrderStatus.PAID, OrderStatus.HANDED_OFF]),
                )
            ),
        }
