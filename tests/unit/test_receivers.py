"""A platform's receiving side is restarted after a crash, with growing waits, and stops
for good on a refused token."""

from __future__ import annotations

import asyncio

import pytest

from live.platform import ReceiverStopped
from vitrine.receivers import receive


class Flaky:
    """Crashes `crashes` times, then receives until told to stop."""

    name = "flaky"

    def __init__(self, crashes: int, fatal: bool = False) -> None:
        self.crashes = crashes
        self.fatal = fatal
        self.runs = 0
        self.started_at: list[float] = []

    async def run(self, inbox: object, stop: asyncio.Event) -> None:
        self.runs += 1
        self.started_at.append(asyncio.get_running_loop().time())
        if self.fatal:
            raise ReceiverStopped("the token was refused")
        if self.runs <= self.crashes:
            raise RuntimeError("connection reset")
        await stop.wait()


async def test_a_crashed_receiver_is_restarted_with_backoff() -> None:
    adapter = Flaky(crashes=2)
    stop = asyncio.Event()
    task = asyncio.create_task(receive(adapter, object(), stop, backoff_s=0.05))  # type: ignore[arg-type]
    while adapter.runs < 3:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    first, second, third = adapter.started_at
    assert second - first >= 0.05 and third - second >= 0.1  # 0.05 s, then twice that


async def test_a_refused_token_is_not_retried() -> None:
    adapter = Flaky(crashes=0, fatal=True)
    with pytest.raises(ReceiverStopped):
        await asyncio.wait_for(receive(adapter, object(), asyncio.Event()), 5)  # type: ignore[arg-type]
    assert adapter.runs == 1
