"""Every paid, cancelled or refunded order reaches each of the brand's endpoints once, signed
with that endpoint's secret, whatever fails: endpoints down for ten minutes, a relay killed
mid-send, an endpoint added after the orders were paid."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from commerce.brand_events import add_endpoint, destination, remove_endpoint
from commerce.models import Order, OrderStatus
from kernel.models import OutboxMessage, OutboxStatus
from live.order_admin import OrderNotClosable, close_order
from live.payments import pay_with_local_checkout
from live.relay import Relay, RetryPolicy
from live.transports import BrandEndpoint, BrandWebhookTransport
from tests.fakes.brand_receiver import Answer, BrandReceiver
from tests.integration.test_checkout_local import claim_for
from vitrine.bootstrap import endpoint_directory

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
PAID_AT = T0 + timedelta(minutes=1)


@pytest.fixture
def receivers():
    made: list[BrandReceiver] = []

    def make() -> BrandReceiver:
        made.append(BrandReceiver("unset"))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def _register(database, receiver: BrandReceiver) -> int:
    with database.unit_of_work() as uow:
        added = add_endpoint(uow.session, receiver.url, T0)
        uow.commit()
        receiver.secret = added.secret  # the brand keeps the secret shown once
        return added.endpoint.id


def _paid_orders(database, live, count: int) -> list[int]:
    ids = []
    for n in range(count):
        token = claim_for(database, live, f"buyer{n}", "SERUM-ECLAT", T0, options={"size": "30ml"})
        assert token is not None
        ids.append(pay_with_local_checkout(database, token, PAID_AT).order_id)
    return ids


def _relay(database, **options) -> Relay:
    transport = BrandWebhookTransport(endpoint_directory(database))
    return Relay(database, {"brand": transport}, **options)


def _brand_rows(database) -> list[OutboxMessage]:
    with database.unit_of_work() as uow:
        rows = list(
            uow.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.channel == "brand")
                .order_by(OutboxMessage.id)
            )
        )
        uow.session.expunge_all()
        return rows


def _status(database, order_id: int) -> str:
    with database.unit_of_work() as uow:
        order = uow.session.get(Order, order_id)
        assert order is not None
        return order.status


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


async def test_each_endpoint_gets_every_paid_order_signed_with_its_own_secret(
    database, live, receivers
) -> None:
    shop, erp = receivers(), receivers()
    _register(database, shop)
    _register(database, erp)
    assert shop.secret != erp.secret
    [order_id] = _paid_orders(database, live, 1)
    erp.default = 503  # one endpoint failing does not hold the other back
    report = await _relay(database).drain(PAID_AT)
    assert (report.sent, report.retried) == (1, 1)
    assert shop.accepted() == {f"order_paid:{order_id}": 1}
    assert all(got.valid for got in shop.received + erp.received)
    # the same event id to both, as body id and idempotency key
    assert {got.event["id"] for got in erp.received} == {f"order_paid:{order_id}"}
    assert {got.idempotency_key for got in shop.received} == {f"order_paid:{order_id}"}
    assert _status(database, order_id) == OrderStatus.HANDED_OFF
    erp.default = Answer()
    await _relay(database).drain(PAID_AT + timedelta(hours=1))
    assert erp.accepted() == {f"order_paid:{order_id}": 1}
    assert shop.accepted() == {f"order_paid:{order_id}": 1}  # not sent again


async def test_events_raised_before_any_endpoint_go_to_the_first_one_added(
    database, live, receivers
) -> None:
    order_ids = _paid_orders(database, live, 2)
    report = await _relay(database).drain(PAID_AT)
    assert (report.sent, report.waiting) == (0, 2)  # wait: no attempt used
    assert [row.attempts for row in _brand_rows(database)] == [0, 0]
    brand = receivers()
    endpoint = _register(database, brand)
    assert {row.destination for row in _brand_rows(database)} == {destination(endpoint)}
    await _relay(database).drain(PAID_AT + timedelta(minutes=1))
    assert brand.accepted() == {f"order_paid:{i}": 1 for i in order_ids}


async def test_cancelled_and_refunded_paid_orders_reach_the_brand(
    database, live, receivers
) -> None:
    brand = receivers()
    _register(database, brand)
    first, second = _paid_orders(database, live, 2)
    close_order(database, first, OrderStatus.CANCELLED, PAID_AT + timedelta(minutes=5))
    close_order(database, second, OrderStatus.REFUNDED, PAID_AT + timedelta(minutes=6))
    close_order(database, first, OrderStatus.REFUNDED, PAID_AT + timedelta(minutes=7))
    with pytest.raises(OrderNotClosable, match="is refunded"):
        close_order(database, second, OrderStatus.CANCELLED, PAID_AT + timedelta(minutes=8))
    await _relay(database).drain(PAID_AT + timedelta(minutes=9))
    assert brand.accepted() == {
        f"order_paid:{first}": 1,
        f"order_paid:{second}": 1,
        f"order_cancelled:{first}": 1,
        f"order_refunded:{second}": 1,
        f"order_refunded:{first}": 1,
    }
    by_id = {got.event["id"]: got.event for got in brand.received}
    cancelled = by_id[f"order_cancelled:{first}"]
    assert cancelled["type"] == "order_cancelled"
    assert cancelled["data"]["status"] == "cancelled" and cancelled["data"]["cancelled_at"]
    assert by_id[f"order_refunded:{second}"]["data"]["total_minor"] > 0
    assert _status(database, first) == OrderStatus.REFUNDED


def test_an_order_never_paid_cannot_be_cancelled_as_a_paid_one(database, live) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", T0)
    assert token is not None
    with database.unit_of_work() as uow:
        order_id = uow.session.scalar(select(Order.id).where(Order.public_token == token))
    with pytest.raises(OrderNotClosable, match="never paid"):
        close_order(database, order_id, OrderStatus.CANCELLED, T0)
    with pytest.raises(OrderNotClosable, match="no order"):
        close_order(database, 987654, OrderStatus.REFUNDED, T0)
    assert not [row for row in _brand_rows(database) if row.kind != "order_paid"]


async def test_a_removed_endpoint_keeps_its_undelivered_events_as_failed(
    database, live, receivers
) -> None:
    brand = receivers()
    endpoint = _register(database, brand)
    _paid_orders(database, live, 1)
    with database.unit_of_work() as uow:
        assert remove_endpoint(uow.session, endpoint, PAID_AT) == 1
        uow.commit()
    assert (await _relay(database).drain(PAID_AT)).sent == 0
    [row] = _brand_rows(database)
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "endpoint removed")
    assert brand.received == []


def test_retry_waits_double_with_jitter_and_dead_letter_after_the_set_attempts() -> None:
    policy = RetryPolicy(max_attempts=5, max_wait_s=60, jitter=0.5)
    assert policy.wait(3, None, rand=lambda: 0.0) == timedelta(seconds=8)
    assert policy.wait(3, None, rand=lambda: 0.999) > timedelta(seconds=4)
    assert policy.wait(3, None, rand=lambda: 1.0) == timedelta(seconds=4)
    assert policy.wait(20, None, rand=lambda: 0.0) == timedelta(seconds=60)  # capped
    assert policy.wait(2, 7.0) == timedelta(seconds=7)  # the endpoint's Retry-After wins


async def test_an_endpoint_is_dead_lettered_after_the_configured_attempts(
    database, live, receivers
) -> None:
    brand = receivers()
    _register(database, brand)
    brand.default = 500
    _paid_orders(database, live, 1)
    relay = _relay(database, retry={"brand": RetryPolicy(max_attempts=3)})
    now = PAID_AT
    for _ in range(3):
        await relay.drain(now)
        now += timedelta(hours=1)
    [row] = _brand_rows(database)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert len(brand.received) == 3


async def test_ten_minutes_of_outage_and_a_killed_relay_lose_and_double_nothing(
    database, live, receivers
) -> None:
    """Simulated clock: the endpoint refuses connections for 5 minutes, then answers 500
    for 5 more; a relay dies holding rows in flight; each paid order is accepted once."""
    brand = receivers()
    endpoint = _register(database, brand)
    closed = _closed_port_url()
    phase = {"url": closed}

    def directory() -> dict[str, BrandEndpoint]:
        return {destination(endpoint): BrandEndpoint(phase["url"], brand.secret)}

    order_ids = _paid_orders(database, live, 8)
    wanted = {f"order_paid:{i}" for i in order_ids}
    first = Relay(database, {"brand": BrandWebhookTransport(directory, timeout_s=2)})
    now = PAID_AT
    while now < PAID_AT + timedelta(minutes=10):
        if now >= PAID_AT + timedelta(minutes=5) and phase["url"] == closed:
            phase["url"], brand.default = brand.url, 500
        await first.drain(now)
        now += timedelta(seconds=5)
    assert brand.accepted() == {} and len(brand.received) > 0
    assert {row.status for row in _brand_rows(database)} == {OutboxStatus.PENDING}
    # Back up; the first relay dies in the middle of a send (the answer never comes).
    brand.default = Answer()
    brand.answers = [Answer(status=200), Answer(hang=True)]
    killed = asyncio.create_task(first.drain(now + timedelta(hours=2)))
    for _ in range(500):
        if len(brand.received) and brand.received[-1].answered is None:
            break
        await asyncio.sleep(0.01)
    killed.cancel()
    with pytest.raises(asyncio.CancelledError):
        await killed
    second = Relay(database, {"brand": BrandWebhookTransport(directory, timeout_s=2)})
    now += timedelta(hours=2)
    for _ in range(100):
        await second.drain(now)
        if all(row.status == OutboxStatus.SENT for row in _brand_rows(database)):
            break
        now += timedelta(minutes=5)
    accepted = brand.accepted()
    assert set(accepted) == wanted  # nothing lost
    assert sum(accepted.values()) <= len(wanted) + 1  # at most the request in flight twice
    assert all(_status(database, i) == OrderStatus.HANDED_OFF for i in order_ids)


async def test_only_the_lease_holder_talks_to_the_brand(database, live, receivers) -> None:
    brand = receivers()
    _register(database, brand)
    [order_id] = _paid_orders(database, live, 1)
    holder = {"held": False}
    relay = _relay(database)
    relay.only_while(["brand"], lambda: holder["held"])
    assert (await relay.drain(PAID_AT)).sent == 0 and brand.received == []
    holder["held"] = True
    assert (await relay.drain(PAID_AT)).sent == 1
    assert brand.accepted() == {f"order_paid:{order_id}": 1}
