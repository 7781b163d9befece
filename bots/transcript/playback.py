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

from bots.transcript.format import ChatLine, FeatureEvent, PayEvent, TranscriptLine
from live import jobs, payments, sessions
from live.jobs import HOLD_CHECK_EVERY_S
from live.messages import ChatMessage
from live.pipeline import LivePipeline, PipelineResult
from live.sessions import LiveInfo

MAX_BATCH = 16

Observer = Callable[[TranscriptLine, "PipelineResult | Sequence[object] | None"], None]


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


def _clock(live: LiveInfo, ts: float) -> datetime:
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
    live = sessions.live_info(database, pipeline.live_session_id)
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
            expired = jobs.expire_holds_and_notify(database, now=now)
            last_expiry_ts = line.ts
            if expired and observer:
                observer(line, expired)
        if isinstance(line, ChatLine):
            batch.append((line, _message(live, line, now), now, featured))
            continue
        if isinstance(line, FeatureEvent):
            featured = line.sku
            if shard.index == 0:
                sessions.feature(database, live.id, line.sku)
            if observer:
                observer(line, None)
        elif isinstance(line, PayEvent) and shard.owns(line.author_id):
            paid = payments.pay_open_cart(
                database, live, line.author_id, now=now, payment_key=line.key
            )
            if observer:
                observer(line, paid)
        if after_step is not None:
            after_step(now)
    flush()
    counters.elapsed_s = time.perf_counter() - wall_start
    return counters


def _message(live: LiveInfo, line: ChatLine, now: datetime) -> ChatMessage:
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
    counters.claims += result.claims
    counters.answered_claims += result.answered_claims


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
