"""A relay's claim is a lease: it lasts while the relay is sending (renewed, however long
the batch), and only a relay that stopped renewing loses its rows."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from kernel.models import OutboxMessage
from live.relay import Relay, build_transports
from tests.integration.test_relay import GatedPlatform, RecordingPlatform, _add

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def _lease_until(database) -> datetime | None:
    with database.unit_of_work() as uow:
        return uow.session.scalars(select(OutboxMessage.lease_until)).one()


def _wait_for_lease_past(database, moment: datetime, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        until = _lease_until(database)
        if until is not None and until > moment:
            return True
        time.sleep(0.02)
    return False


async def test_a_send_longer_than_the_lease_keeps_its_rows(database) -> None:
    with database.unit_of_work() as uow:
        _add(uow.session, "private", "dm1", text="your link")
        uow.commit()
    platform = GatedPlatform()
    relay = Relay(database, build_transports({"fake": platform}), lease=timedelta(seconds=0.3))
    drain = asyncio.create_task(relay.drain(T0))
    other_platform = RecordingPlatform()
    other = Relay(database, build_transports({"fake": other_platform}))
    try:
        assert await asyncio.to_thread(platform.entered.wait, 10)
        # The claim's lease ended at T0 + 0.3 s; the relay, still sending, renewed it.
        later = T0 + timedelta(seconds=1)
        assert await asyncio.to_thread(_wait_for_lease_past, database, later, 20)
        assert (await other.drain(later)).sent == 0 and other_platform.private == []
    finally:
        platform.gate.set()
    assert (await drain).sent == 1
    assert platform.private == [("u1", "your link")] and other_platform.private == []
    with database.unit_of_work() as uow:
        row = uow.session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.lease_until, row.lease_owner) == ("sent", None, None)


async def test_a_relay_that_lost_its_lease_records_nothing_over_the_new_holder(database):
    with database.unit_of_work() as uow:
        _add(uow.session, "private", "dm1")
        uow.commit()
    platform = RecordingPlatform()
    slow = Relay(database, build_transports({"fake": platform}), owner="slow")
    claimed, _ = slow._claim(T0)
    taker = Relay(database, build_transports({"fake": platform}), owner="taker")
    taken, _ = taker._claim(T0 + timedelta(minutes=2))  # the slow one's lease ran out
    assert [row.id for row in taken] == [row.id for row in claimed]
    slow._renew([row.id for row in claimed], T0 + timedelta(minutes=10))  # too late: not its
    with database.unit_of_work() as uow:
        row = uow.session.scalars(select(OutboxMessage)).one()
        assert row.lease_owner == "taker"
        assert row.lease_until == T0 + timedelta(minutes=3)
