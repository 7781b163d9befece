"""Does sending block selling? Two figures, on SQLite and PostgreSQL:

1. how long a comment takes to be stored while the relay waits 2 s on a platform send;
2. the worst stall of a 50 ms event-loop heartbeat while another connection holds the
   database's write lock for about a second and the relay drains on that loop.

    python bench/relay_blocking.py [--db sqlite|postgresql|both] [--rounds 5]

Targets (issue 10): (1) well under 100 ms; (2) never over 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flash_sale import fresh_postgres
from sqlalchemy import text

from commerce.catalog import Catalog
from commerce.holds import CommercePolicy
from commerce.parsing import IntentParser
from kernel.outbox import enqueue
from live.messages import ChatMessage
from live.pipeline import LivePipeline
from live.platform import PlatformLimits
from live.relay import Relay, build_transports
from live.sessions import open_session
from vitrine import migrations
from vitrine.bootstrap import open_database, wire
from vitrine.settings import Settings

SEND_S = 2.0
HOLD_S = 1.0


class SlowPlatform:
    """Every send takes SEND_S seconds (awaited, as a real HTTP call is)."""

    name = "bench"
    limits = PlatformLimits()

    def __init__(self) -> None:
        self.sending = asyncio.Event()

    async def send_public(self, chat_id: str, text_: str, reply_to: str | None = None) -> None:
        await asyncio.sleep(SEND_S)

    async def send_private(self, user_id: str, text_: str) -> None:
        self.sending.set()
        await asyncio.sleep(SEND_S)

    async def moderate(self, *args: object) -> None:
        await asyncio.sleep(SEND_S)


def _enqueue(database, key: str, now: datetime) -> None:
    with database.unit_of_work() as uow:
        enqueue(
            uow.session,
            kind="private",
            channel="bench",
            destination="dm:bench:u1",
            payload={"user_id": "u1", "text": "your link"},
            dedupe_key=key,
            now=now,
        )
        uow.commit()


async def comment_during_send(database, pipeline: LivePipeline, n: int) -> float:
    """Seconds to store one comment while a 2 s send is in flight."""
    now = datetime.now(UTC)
    _enqueue(database, f"send-{n}", now)
    platform = SlowPlatform()
    relay = Relay(database, build_transports({"bench": platform}))
    drain = asyncio.create_task(relay.drain(now))
    await asyncio.wait_for(platform.sending.wait(), 10)  # the send is in flight
    message = ChatMessage("bench", "chat", f"m{n}", f"u{n}", "Bench", "hello", now)
    started = time.perf_counter()
    await asyncio.to_thread(pipeline.process, message, now)
    elapsed = time.perf_counter() - started
    await drain
    return elapsed


async def worst_stall_while_locked(database, n: int) -> tuple[float, float]:
    """The longest gap between 50 ms heartbeats while the relay waits on a held lock, and
    how long the drain took (about the lock's hold: it did wait on the database)."""
    now = datetime.now(UTC)
    _enqueue(database, f"lock-{n}", now)
    locked = threading.Event()

    def hold() -> None:
        with database.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            time.sleep(HOLD_S)

    holder = threading.Thread(target=hold)
    holder.start()
    await asyncio.to_thread(locked.wait, 10)
    fast = type("Fast", (SlowPlatform,), {"send_private": lambda self, u, t: asyncio.sleep(0)})
    relay = Relay(database, build_transports({"bench": fast()}))
    worst, last = 0.0, time.perf_counter()
    started = last
    drain = asyncio.create_task(relay.drain(now + timedelta(seconds=1)))
    while not drain.done():
        await asyncio.sleep(0.05)
        tick = time.perf_counter()
        worst, last = max(worst, tick - last - 0.05), tick
    report = await drain
    waited = time.perf_counter() - started
    holder.join()
    assert report.sent == 1, report
    return max(0.0, worst), waited


def run(url: str, rounds: int) -> dict[str, list[float]]:
    database = wire(open_database(url), Settings(_env_file=None))
    with database.unit_of_work() as uow:
        live = open_session(
            uow.session, key="bench", platform="bench", chat_id="chat", now=datetime.now(UTC)
        )
        uow.commit()
    pipeline = LivePipeline(
        database,
        live_session_id=live.id,
        parser=IntentParser(Catalog("EUR", ())),
        moderator=None,
        policy=CommercePolicy(),
    )
    figures: dict[str, list[float]] = {"comment_ms": [], "stall_ms": [], "drain_ms": []}
    for n in range(rounds):
        figures["comment_ms"].append(asyncio.run(comment_during_send(database, pipeline, n)) * 1000)
        stall, waited = asyncio.run(worst_stall_while_locked(database, n))
        figures["stall_ms"].append(stall * 1000)
        figures["drain_ms"].append(waited * 1000)
    database.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for kind in kinds:
        with tempfile.TemporaryDirectory() as tmp:
            if kind == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'relay.db'}"
                migrations.upgrade(url)
            else:
                url = fresh_postgres()
            figures = run(url, args.rounds)
        comment, stall, drain = figures["comment_ms"], figures["stall_ms"], figures["drain_ms"]
        print(
            f"{kind}: comment stored during a {SEND_S:.0f} s send: median "
            f"{statistics.median(comment):.1f} ms, max {max(comment):.1f} ms; worst heartbeat "
            f"stall while the write lock is held {HOLD_S:.0f} s: {max(stall):.1f} ms "
            f"(the drain waited {min(drain):.0f}-{max(drain):.0f} ms on the lock; "
            f"{args.rounds} rounds)"
        )


if __name__ == "__main__":
    main()
