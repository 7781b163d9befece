"""Running a platform adapter's receiving side: restarted after a crash with backoff, and,
for platforms that allow one receiver per bot (Telegram's getUpdates), only in the process
holding that platform's receiver lease, so that several `vitrine run` processes on one
database never read the same updates twice."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from kernel.leases import Lease
from live.platform import Inbox, PlatformAdapter, ReceiverStopped

log = logging.getLogger(__name__)

BACKOFF_MAX_S = 60.0


async def receive(
    adapter: PlatformAdapter,
    inbox: Inbox,
    stop: asyncio.Event,
    *,
    lease: Lease | None = None,
    backoff_s: float = 1.0,
) -> None:
    """Run `adapter.run` until `stop`, restarting it after a crash (1 s, 2 s, ... 60 s);
    with a lease, only while this process holds it. A `ReceiverStopped` (a refused token)
    is raised: retrying cannot help."""
    backoff = backoff_s
    try:
        while not stop.is_set():
            if lease is not None and not await asyncio.to_thread(lease.renew):
                await _sleep_unless(stop, lease.seconds / 3)
                continue
            if lease is not None:
                log.info("platform %s: this process receives its updates", adapter.name)
            try:
                await _run_while_leased(adapter, inbox, stop, lease)
                backoff = backoff_s
            except ReceiverStopped:
                raise
            except Exception:
                log.exception(
                    "platform %s: receiving failed; again in %.0f s", adapter.name, backoff
                )
                await _sleep_unless(stop, backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
    finally:
        if lease is not None:
            await asyncio.to_thread(lease.release)


async def _run_while_leased(
    adapter: PlatformAdapter, inbox: Inbox, stop: asyncio.Event, lease: Lease | None
) -> None:
    """One run of the adapter, told to stop with the process or when the lease is lost."""
    own_stop = asyncio.Event()

    async def follow() -> None:
        await stop.wait()
        own_stop.set()

    async def keep() -> None:
        assert lease is not None
        while not own_stop.is_set():
            await _sleep_unless(own_stop, lease.seconds / 3)
            if not own_stop.is_set() and not await asyncio.to_thread(lease.renew):
                log.warning("platform %s: receiver lease lost; stops receiving", adapter.name)
                own_stop.set()

    helpers = [asyncio.create_task(follow())]
    if lease is not None:
        helpers.append(asyncio.create_task(keep()))
    try:
        await adapter.run(inbox, own_stop)
    finally:
        for helper in helpers:
            helper.cancel()
        for helper in helpers:
            with contextlib.suppress(asyncio.CancelledError):
                await helper


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
