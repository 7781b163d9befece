"""The relay batches public replies, retries failures, never sends twice, and never keeps
a transaction open while it waits on a platform."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from commerce.catalog import Catalog
from commerce.holds import CommercePolicy
from commerce.models import Order, OrderStatus
from commerce.parsing import IntentParser
from kernel.models import OutboxMessage
from kernel.outbox import enqueue
from live.messages import ChatMessage
from live.payments import pay_with_local_checkout
from live.pipeline import LivePipeline
from live.platform import DeliveryError, PlatformLimits
from live.relay import Relay, build_transports
from live.sessions import open_session
from live.transports import BrandWebhookTransport, ChatTransport, Sent, batch_texts
from tests.fakes.brand_receiver import BrandReceiver
from tests.integration.test_checkout_local import claim_for
from vitrine.bootstrap import open_database

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


class RecordingPlatform:
    """A fake platform that records sends and can be told to fail."""

    name = "fake"
    limits = PlatformLimits(max_message_chars=50)

    def __init__(self) -> None:
        self.public: list[tuple[str, str]] = []
        self.private: list[tuple[str, str]] = []
        self.actions: list[tuple[str, str]] = []
        self.fail_private: DeliveryError | None = None

    async def send_public(self, chat_id: str, text: str, reply_to: str | None = None) -> None:
        self.public.append((chat_id, text))

    async def send_private(self, user_id: str, text: str) -> None:
        if self.fail_private is not None:
            raise self.fail_private
        self.private.append((user_id, text))

    async def moderate(self, command) -> None:
        self.actions.append((command.message_id, command.action))


def _add(session, kind: str, key: str, text: str = "hello", **extra) -> None:
    enqueue(
        session,
        kind=kind,
        channel="fake",
        destination=f"{kind}:x",
        payload={"text": text, "chat_id": "c1", "user_id": "u1", **extra},
        dedupe_key=key,
        now=T0,
    )


def test_batch_texts_respects_the_limit() -> None:
    assert batch_texts(["a" * 20, "b" * 20, "c" * 20], 45) == [[0, 1], [2]]
    assert batch_texts(["x" * 100], 50) == [[0]]


async def test_public_replies_are_batched_paced_and_sent_once(database) -> None:
    """A chat gets one public message per slot (20 a minute: every 3 s), each with as many
    replies as fit; the rest wait for the next slot, counted as no attempt."""
    with database.unit_of_work() as uow:
        for n in range(5):
            _add(uow.session, "public", f"p{n}", text=f"@viewer{n} reserved")
        _add(uow.session, "public", "p0", text="duplicate key is ignored")
        _add(uow.session, "moderation", "m1", message_id="42", action="delete")
        uow.commit()
    platform = RecordingPlatform()
    clock = [100.0]
    sender = Relay(database, {"fake": ChatTransport(platform, clock=lambda: clock[0])})
    first = await sender.drain(T0)
    # 5 lines of 18 characters, 50 to a message: two fit in the first
    assert (first.sent, first.waiting) == (3, 3) and len(platform.public) == 1
    assert platform.public[0][1].count("\n") == 1 and platform.actions == [("42", "delete")]
    clock[0] += 1
    assert (await sender.drain(T0 + timedelta(seconds=1))).sent == 0  # the slot is 3 s away
    for n in (1, 2):
        clock[0] += 3
        report = await sender.drain(T0 + timedelta(seconds=1 + 3 * n))
        assert report.sent == (2 if n == 1 else 1) and len(platform.public) == 1 + n
    text = "".join(t for _, t in platform.public)
    assert "duplicate" not in text and all(text.count(f"@viewer{n} ") == 1 for n in range(5))
    clock[0] += 3
    again = await sender.drain(T0 + timedelta(seconds=20))
    assert again.sent == 0 and len(platform.public) == 3
    with database.unit_of_work() as uow:
        attempts = uow.session.scalars(select(OutboxMessage.attempts)).all()
    assert set(attempts) == {1}  # waiting for a slot is not an attempt


async def test_failures_are_retried_with_backoff_then_given_up(database) -> None:
    with database.unit_of_work() as uow:
        _add(uow.session, "private", "d1", text="your link")
        uow.commit()
    platform = RecordingPlatform()
    platform.fail_private = DeliveryError("429", retry_after=7)
    sender = Relay(database, build_transports({"fake": platform}))
    first = await sender.drain(T0)
    assert first.retried == 1
    assert (await sender.drain(T0 + timedelta(seconds=3))).sent == 0  # not due yet
    platform.fail_private = None
    assert (await sender.drain(T0 + timedelta(seconds=8))).sent == 1
    assert platform.private == [("u1", "your link")]
    with database.unit_of_work() as uow:
        _add(uow.session, "private", "d2")
        uow.commit()
    platform.fail_private = DeliveryError("bot was blocked by the user", permanent=True)
    report = await sender.drain(T0 + timedelta(seconds=9))
    assert report.failed == 1
    with database.unit_of_work() as uow:
        row = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == "d2")
        ).one()
        assert row.status == "failed" and "blocked" in row.last_error


# -- no transaction is held while waiting on a platform -----------------------------------


class GatedPlatform(RecordingPlatform):
    """A platform whose DMs wait at a gate the test opens (a slow Telegram, say)."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.gate = threading.Event()

    async def send_private(self, user_id: str, text: str) -> None:
        self.entered.set()
        await asyncio.to_thread(self.gate.wait, 20)
        self.private.append((user_id, text))


def _pipeline(database) -> tuple[LivePipeline, int]:
    with database.unit_of_work() as uow:
        live = open_session(uow.session, key="relay", platform="fake", chat_id="c1", now=T0)
        uow.commit()
    pipeline = LivePipeline(
        database,
        live_session_id=live.id,
        parser=IntentParser(Catalog("EUR", ())),
        moderator=None,
        policy=CommercePolicy(),
    )
    return pipeline, live.id


async def test_a_comment_is_stored_while_a_send_is_in_flight(database) -> None:
    pipeline, _ = _pipeline(database)
    with database.unit_of_work() as uow:
        _add(uow.session, "private", "dm1", text="your link")
        uow.commit()
    platform = GatedPlatform()
    relay = Relay(database, build_transports({"fake": platform}))
    drain = asyncio.create_task(relay.drain(T0))
    assert await asyncio.to_thread(platform.entered.wait, 10)
    comment = ChatMessage("fake", "c1", "m1", "u9", "Zoé", "bonjour !", T0)
    try:
        stored = await asyncio.wait_for(asyncio.to_thread(pipeline.process, comment, T0), 15)
        assert stored.comment_id is not None and stored.error is None
        assert not platform.gate.is_set() and platform.private == []  # still in flight
    finally:
        platform.gate.set()
    assert (await drain).sent == 1 and platform.private == [("u1", "your link")]


def _hold_write_lock(database, locked: threading.Event, release: threading.Event) -> None:
    """Another connection holds the write lock (SQLite) or the outbox table (PostgreSQL)."""
    with database.engine.begin() as conn:  # SQLite: BEGIN IMMEDIATE takes the write lock
        if conn.dialect.name == "postgresql":
            conn.execute(text("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"))
        locked.set()
        release.wait(20)


async def test_the_event_loop_keeps_running_while_the_relay_waits_on_the_database(
    database,
) -> None:
    with database.unit_of_work() as uow:
        _add(uow.session, "private", "dm1")
        uow.commit()
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(database, locked, release))
    holder.start()
    assert await asyncio.to_thread(locked.wait, 10)
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    platform = RecordingPlatform()
    drain = asyncio.create_task(Relay(database, build_transports({"fake": platform})).drain(T0))
    beating = asyncio.create_task(heartbeat())
    try:
        # While the lock is held the relay waits on the database; the loop must not.
        await asyncio.to_thread(_wait_for, lambda: ticks >= 20, 10)
        assert not drain.done() and ticks >= 20
    finally:
        release.set()
        await asyncio.to_thread(holder.join, 20)
    assert (await drain).sent == 1
    beating.cancel()


def _wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


# -- leases: several relays, a relay that died -------------------------------------------


@pytest.mark.postgres
def test_two_relays_draining_at_once_send_each_row_once(postgres_url: str) -> None:
    database = open_database(postgres_url)
    try:
        with database.unit_of_work() as uow:
            for n in range(60):
                _add(uow.session, "private", f"dm{n}", text=f"link {n}")
            uow.commit()
        platform = RecordingPlatform()
        relays = [Relay(database, build_transports({"fake": platform}), batch_size=7)]
        relays.append(Relay(database, build_transports({"fake": platform}), batch_size=7))

        def drain_all(relay: Relay) -> None:
            while asyncio.run(relay.drain(T0)).sent:
                pass

        workers = [threading.Thread(target=drain_all, args=(r,)) for r in relays]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        texts = sorted(t for _, t in platform.private)
        assert texts == sorted(f"link {n}" for n in range(60))
    finally:
        database.dispose()


async def test_rows_of_a_relay_that_died_mid_send_are_sent_once_its_lease_ends(database):
    with database.unit_of_work() as uow:
        _add(uow.session, "private", "dm1")
        uow.commit()
    platform = RecordingPlatform()
    died = Relay(database, build_transports({"fake": platform}))
    claimed, _ = died._claim(T0)  # claimed, then the process died before sending
    assert [row.dedupe_key for row in claimed] == ["dm1"]
    survivor = Relay(database, build_transports({"fake": platform}))
    assert (await survivor.drain(T0 + timedelta(seconds=30))).sent == 0  # still leased
    assert (await survivor.drain(T0 + timedelta(seconds=61))).sent == 1
    died._record([Sent(claimed[0].id)], {claimed[0].id: claimed[0]}, T0 + timedelta(seconds=62))
    with database.unit_of_work() as uow:
        row = uow.session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.attempts, row.lease_owner) == ("sent", 1, None)
    assert platform.private == [("u1", "hello")]


# -- the brand's webhook -----------------------------------------------------------------


@pytest.fixture
def brand():
    endpoint = BrandReceiver("whsec_brand_test")
    yield endpoint
    endpoint.close()


def _paid_order(database, live) -> int:
    token = claim_for(database, live, "ann", "COLLIER-ISA", T0)
    assert token is not None
    return pay_with_local_checkout(database, token, T0 + timedelta(minutes=1)).order_id


def _brand_rows(database) -> list[OutboxMessage]:
    with database.unit_of_work() as uow:
        rows = list(
            uow.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "brand"))
        )
        uow.session.expunge_all()
        return rows


async def test_a_paid_order_reaches_the_brand_signed_and_is_handed_off(database, live, brand):
    order_id = _paid_order(database, live)
    relay = Relay(database, {"brand": BrandWebhookTransport.single(brand.url, brand.secret)})
    assert (await relay.drain(T0 + timedelta(minutes=2))).sent == 1
    [got] = brand.received
    event = got.event
    assert got.valid and event["type"] == "order_paid" and got.idempotency_key == event["id"]
    assert event["data"]["order_id"] == order_id and event["data"]["total_minor"] == 4990
    assert order_by_token_id(database, order_id) == OrderStatus.HANDED_OFF
    assert (await relay.drain(T0 + timedelta(minutes=3))).sent == 0  # delivered once


async def test_brand_errors_are_retried_or_given_up(database, live, brand) -> None:
    order_id = _paid_order(database, live)
    relay = Relay(database, {"brand": BrandWebhookTransport.single(brand.url, brand.secret)})
    brand.answers = [503]
    assert (await relay.drain(T0 + timedelta(minutes=2))).retried == 1
    [row] = _brand_rows(database)
    assert (row.status, row.attempts) == ("pending", 1)
    assert order_by_token_id(database, order_id) == OrderStatus.PAID
    brand.answers = [410]
    assert (await relay.drain(row.next_attempt_at)).failed == 1
    [row] = _brand_rows(database)
    assert row.status == "failed" and "410" in (row.last_error or "")


async def test_without_a_brand_endpoint_brand_events_wait(database, live) -> None:
    _paid_order(database, live)
    relay = Relay(database, build_transports({}))
    assert (await relay.drain(T0 + timedelta(minutes=2))).sent == 0
    assert relay.waiting_for_brand() == 1
    assert [row.status for row in _brand_rows(database)] == ["pending"]


def order_by_token_id(database, order_id: int) -> str:
    with database.unit_of_work() as uow:
        order = uow.session.get(Order, order_id)
        assert order is not None
        return order.status


async def test_each_send_is_recorded_as_it_completes(database) -> None:
    """A relay stopped dead in the middle of a pass (a crash) has recorded every send that
    completed: only the request in flight may go out again."""
    with database.unit_of_work() as uow:
        for n in range(3):
            _add(uow.session, "private", f"d{n}", text=f"link {n}")
        uow.commit()
    platform = RecordingPlatform()
    stuck = asyncio.Event()

    async def send_private(user_id: str, text_: str) -> None:
        if len(platform.private) == 1:
            stuck.set()
            await asyncio.Event().wait()  # the second send never returns
        platform.private.append((user_id, text_))

    platform.send_private = send_private  # type: ignore[method-assign]
    sender = Relay(database, build_transports({"fake": platform}))
    passing = asyncio.create_task(sender.drain(T0))
    await asyncio.wait_for(stuck.wait(), 10)
    await asyncio.sleep(0.2)
    passing.cancel()  # the process dies here
    with pytest.raises(asyncio.CancelledError):
        await passing
    with database.unit_of_work() as uow:
        statuses = dict(
            uow.session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status)).all()
        )
    assert statuses == {"d0": "sent", "d1": "pending", "d2": "pending"}
