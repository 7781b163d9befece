"""The relay: sends what the outbox holds without ever keeping a transaction open while it
waits on a platform or the brand.

Each pass claims the due rows in one short transaction (a lease of its own on each row),
sends them outside any transaction through the transport of their channel, and records
the results in another short transaction. Both database steps run in a worker thread, so
the event loop keeps serving while the database is busy. A relay that dies mid-send leaves
rows whose lease runs out: another pass sends them then (at most the request in flight at
the crash is sent twice). On PostgreSQL the claim skips rows another relay has locked, so
several processes may relay at once without sending a row twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from commerce.brand_events import BRAND_CHANNEL, BRAND_CHANNELS
from commerce.models import Order, OrderStatus
from kernel.clock import utcnow
from kernel.models import OutboxMessage, OutboxStatus
from kernel.uow import UnitOfWorkProvider
from live.deliveries import BrandEvent, UnknownDelivery, delivery_of
from live.platform import ChatPlatform
from live.transports import (
    BrandWebhookTransport,
    ChatTransport,
    Due,
    EndpointDirectory,
    Failed,
    Later,
    Result,
    Sent,
    Transport,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# How long a claim lasts without news of its relay. The relay renews the lease of the rows
# it is still sending every third of this, so a long batch keeps its rows; a relay that
# died stops renewing and its rows are claimable once the lease runs out.
LEASE = timedelta(seconds=60)
_OUTBOX = cast(Table, OutboxMessage.__table__)
_MINE = (_OUTBOX.c.id == bindparam("row_id")) & (_OUTBOX.c.lease_owner == bindparam("owner"))
_SENT = (
    update(_OUTBOX)
    .where(_MINE)
    .values(
        status=OutboxStatus.SENT.value,
        sent_at=bindparam("now"),
        attempts=_OUTBOX.c.attempts + 1,
        lease_until=None,
        lease_owner=None,
    )
)
_LATER = (
    update(_OUTBOX)
    .where(_MINE)
    .values(next_attempt_at=bindparam("retry_at"), lease_until=None, lease_owner=None)
)
_FAILED = (
    update(_OUTBOX)
    .where(_MINE)
    .values(
        status=bindparam("new_status"),
        attempts=_OUTBOX.c.attempts + 1,
        last_error=bindparam("error"),
        next_attempt_at=bindparam("retry_at"),
        lease_until=None,
        lease_owner=None,
    )
)


@dataclass
class SendReport:
    """What one pass did with the rows it claimed."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    waiting: int = 0  # held for their chat's next message slot


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a channel's failed sends are tried again: doubling waits up to `max_wait_s`,
    each shortened by a random part of up to `jitter` (so that rows failed together by an
    outage do not all come back in the same second), and failed for good (dead-lettered,
    `vitrine outbox list --dead`) after `max_attempts`."""

    max_attempts: int = MAX_ATTEMPTS
    max_wait_s: float = 300.0
    jitter: float = 0.5

    def wait(
        self, attempts: int, retry_after: float | None, rand: Callable[[], float] = random.random
    ) -> timedelta:
        """How long to wait before the next try: what the other side asked, else doubling."""
        if retry_after is not None:
            return timedelta(seconds=retry_after)
        full = min(self.max_wait_s, 2.0**attempts)
        return timedelta(seconds=full * (1 - self.jitter * rand()))


_DEFAULT_POLICY = RetryPolicy()  # chat platforms: 8 attempts, waits doubling up to 5 min
# The brand's endpoints: a shop down for hours must still get every order (25 attempts,
# waits up to an hour: 7 to 14 hours in all). `VITRINE_WEBHOOK_*` settings change it.
WEBHOOK_POLICY = RetryPolicy(max_attempts=25, max_wait_s=3600.0)


def build_transports(
    platforms: Mapping[str, ChatPlatform],
    *,
    brand: EndpointDirectory | None = None,
) -> dict[str, Transport]:
    """A transport per channel: each chat platform, and the brand's endpoints if any may
    be registered (`brand` reads them)."""
    transports: dict[str, Transport] = {
        name: ChatTransport(platform) for name, platform in platforms.items()
    }
    if brand is not None:
        transports[BRAND_CHANNEL] = BrandWebhookTransport(brand)
    return transports


class Relay:
    """Drains due outbox rows of the channels it has a transport for."""

    def __init__(
        self,
        database: UnitOfWorkProvider,
        transports: Mapping[str, Transport],
        *,
        owner: str | None = None,
        batch_size: int = 200,
        lease: timedelta = LEASE,
        clock: Callable[[], datetime] = utcnow,
        retry: Mapping[str, RetryPolicy] | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.database = database
        self.transports = dict(transports)
        self.retry = dict(retry or {})
        self._rand = rand
        # Channels sent only while a condition holds (`only_while`).
        self._gates: dict[str, Callable[[], bool]] = {}
        self.owner = owner or f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.batch_size = batch_size
        self.lease = lease
        self.clock = clock

    async def drain(self, now: datetime | None = None) -> SendReport:
        """One pass: claim what is due, send it, record what became of it."""
        now = now or self.clock()
        due, refused = await asyncio.to_thread(self._claim, now)
        by_id = {row.id: row for row in due}
        results: list[Result] = list(refused)
        if refused:
            await asyncio.to_thread(self._record, refused, by_id, now)
        by_channel: dict[str, list[Due]] = defaultdict(list)
        for row in due:
            by_channel[row.channel].append(row)
        report = SendReport()
        if due:
            renewing = asyncio.create_task(self._keep_leased([row.id for row in due], now))
            try:
                for channel, rows in by_channel.items():
                    async for done in self._deliver(self.transports[channel], rows):
                        # recorded as each send completes: a crash resends at most the
                        # request that was in flight
                        await asyncio.to_thread(self._record, done, by_id, now)
                        results.extend(done)
            finally:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
        for result in results:
            if isinstance(result, Sent):
                report.sent += 1
            elif isinstance(result, Later):
                report.waiting += 1
            elif result.permanent or self._last_try(result, due):
                report.failed += 1
            else:
                report.retried += 1
        return report

    async def run(self, stop: asyncio.Event, every_s: float = 0.5) -> None:
        """Drain until `stop` is set; a failing pass is logged and tried again."""
        last_warning: float | None = None
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                report = await self.drain()
                quiet = last_warning is not None and loop.time() - last_warning < 60
                if BRAND_CHANNEL not in self.transports and not quiet:
                    waiting = await asyncio.to_thread(self.waiting_for_brand)
                    if waiting:
                        log.warning(
                            "%d brand event(s) wait: no brand endpoint is configured "
                            "(VITRINE_BRAND_WEBHOOK_URL)",
                            waiting,
                        )
                        last_warning = loop.time()
            except Exception:
                log.exception("outbox relay pass failed; trying again")
                report = SendReport()
            if report.sent or report.retried:
                continue  # more may be due right away
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every_s)

    def waiting_for_brand(self) -> int:
        """Brand events still to deliver (they wait while no endpoint is configured)."""
        with self.database.unit_of_work() as uow:
            count = uow.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.channel == BRAND_CHANNEL,
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
            )
            return int(count or 0)

    async def _deliver(self, transport: Transport, rows: list[Due]) -> AsyncIterator[list[Result]]:
        reported: set[int] = set()
        try:
            async for done in transport.deliver(rows):
                reported.update(result.id for result in done)
                yield done
        except Exception as exc:  # a transport bug must not lose the rows: they are retried
            log.exception("transport %s failed", transport.channel)
            error = f"{type(exc).__name__}: {exc}"[:500]
            yield [Failed(row.id, error) for row in rows if row.id not in reported]

    async def _keep_leased(self, ids: list[int], claimed_at: datetime) -> None:
        """Renew the lease of rows still being sent, every third of a lease, until cancelled.
        Times stay on the claim's clock (`claimed_at` plus the time spent since)."""
        started = time.monotonic()
        every = self.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            until = claimed_at + timedelta(seconds=time.monotonic() - started) + self.lease
            try:
                await asyncio.to_thread(self._renew, ids, until)
            except Exception:  # the next renewal may get through; the lease still runs
                log.warning("could not renew the relay's lease", exc_info=True)

    def only_while(self, channels: Iterable[str], condition: Callable[[], bool]) -> None:
        """Send these channels' rows only while `condition()` holds: `vitrine run` gives
        the brand's channels to the process holding the scheduler lease, so one process
        at a time talks to the brand (row leases already keep a row from going twice)."""
        for channel in channels:
            self._gates[channel] = condition

    def _channels(self) -> list[str]:
        return [c for c in self.transports if c not in self._gates or self._gates[c]()]

    def policy(self, channel: str) -> RetryPolicy:
        default = WEBHOOK_POLICY if channel in BRAND_CHANNELS else _DEFAULT_POLICY
        return self.retry.get(channel) or default

    def _last_try(self, result: Failed, due: list[Due]) -> bool:
        row = next((row for row in due if row.id == result.id), None)
        if row is None:
            return False
        return row.attempts + 1 >= self.policy(row.channel).max_attempts

    # -- the two short transactions ----------------------------------------------------

    def _claim(self, now: datetime) -> tuple[list[Due], list[Failed]]:
        """Lease the due rows of our channels, oldest first, in one short transaction."""
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.channel.in_(self._channels()),
                or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
            )
            .order_by(OutboxMessage.id)
            .limit(self.batch_size)
        )
        with self.database.unit_of_work() as uow:
            session = uow.session
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            if not rows:
                return [], []
            session.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id.in_([row.id for row in rows]))
                .values(lease_until=now + self.lease, lease_owner=self.owner)
            )
            uow.commit()
        due: list[Due] = []
        refused: list[Failed] = []
        for row in rows:
            try:
                delivery = delivery_of(row.kind, row.channel, row.payload)
            except UnknownDelivery as exc:
                refused.append(Failed(row.id, str(exc), permanent=True))
                continue
            due.append(
                Due(
                    row.id,
                    row.kind,
                    row.channel,
                    row.destination,
                    row.dedupe_key,
                    delivery,
                    row.attempts,
                    row.created_at,
                )
            )
        return due, refused

    def _renew(self, ids: list[int], until: datetime) -> None:
        """Push back the lease of rows this relay still holds (recorded rows hold none)."""
        with self.database.unit_of_work() as uow:
            uow.session.execute(
                update(_OUTBOX)
                .where(
                    _OUTBOX.c.id.in_(ids),
                    _OUTBOX.c.lease_owner == self.owner,
                    _OUTBOX.c.status == OutboxStatus.PENDING.value,
                )
                .values(lease_until=until)
            )
            uow.commit()

    def _record(self, results: Sequence[Result], due: dict[int, Due], now: datetime) -> None:
        """What became of each row, in one short transaction; a delivered paid order is
        handed off. Rows whose lease another relay has taken meanwhile are left to it."""
        sent = [
            {"row_id": r.id, "owner": self.owner, "now": now}
            for r in results
            if isinstance(r, Sent)
        ]
        failed = [self._failure(r, due.get(r.id), now) for r in results if isinstance(r, Failed)]
        later = [
            {"row_id": r.id, "owner": self.owner, "retry_at": now + timedelta(seconds=r.wait_s)}
            for r in results
            if isinstance(r, Later)
        ]
        handed_off = [
            order_id
            for r in results
            if isinstance(r, Sent)
            and (row := due.get(r.id)) is not None
            and isinstance(row.delivery, BrandEvent)
            and row.delivery.type == "order_paid"
            and (order_id := row.delivery.order_id) is not None
        ]
        with self.database.unit_of_work() as uow:
            connection = uow.session.connection()
            if sent:
                connection.execute(_SENT, sent)
            if failed:
                connection.execute(_FAILED, failed)
            if later:
                connection.execute(_LATER, later)
            if handed_off:
                _hand_off(uow.session, handed_off, now)
            uow.commit()

    def _failure(self, result: Failed, row: Due | None, now: datetime) -> dict[str, Any]:
        attempts = (row.attempts if row is not None else 0) + 1
        policy = self.policy(row.channel) if row is not None else _DEFAULT_POLICY
        final = result.permanent or attempts >= policy.max_attempts
        if final:
            log.warning("outbox message %s failed for good: %s", result.id, result.error)
        return {
            "row_id": result.id,
            "owner": self.owner,
            "new_status": (OutboxStatus.FAILED if final else OutboxStatus.PENDING).value,
            "error": result.error[:500],
            "retry_at": now + policy.wait(attempts, result.retry_after, self._rand),
        }


def _hand_off(session: Session, order_ids: list[int], now: datetime) -> None:
    """The brand has the paid orders: they are handed off."""
    session.execute(
        update(Order)
        .where(Order.id.in_(order_ids), Order.status == OrderStatus.PAID)
        .values(status=OrderStatus.HANDED_OFF, handed_off_at=now, updated_at=now)
    )
