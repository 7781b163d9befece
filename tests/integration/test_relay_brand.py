"""The brand's webhook: answers decide retry or failure, only a delivered paid order is
handed off, and without an endpoint brand events wait, counted and logged without payload."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from commerce.models import Order, OrderStatus
from kernel.outbox import enqueue
from live.relay import Relay, SendReport, build_transports
from live.transports import BrandWebhookTransport
from tests.fakes.brand_receiver import Answer, BrandReceiver
from tests.integration.test_relay import _brand_rows, _paid_order, order_by_token_id
from vitrine.settings import SettingsError, load_settings

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
AFTER_PAYMENT = T0 + timedelta(minutes=2)
SECRET = "whsec_brand_test"


@pytest.fixture
def brand():
    receiver = BrandReceiver(SECRET)
    yield receiver
    receiver.close()


def _relay(database, url: str, **transport_args) -> Relay:
    return Relay(database, {"brand": BrandWebhookTransport.single(url, SECRET, **transport_args)})


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/vitrine"  # nothing listens there now


async def test_an_unreachable_endpoint_is_retried(database, live) -> None:
    order_id = _paid_order(database, live)
    report = await _relay(database, _closed_port_url()).drain(AFTER_PAYMENT)
    assert (report.retried, report.failed) == (1, 0)
    [row] = _brand_rows(database)
    assert (row.status, row.attempts, row.lease_owner) == ("pending", 1, None)
    assert "unreachable" in (row.last_error or "")
    assert order_by_token_id(database, order_id) == OrderStatus.PAID


async def test_an_endpoint_that_does_not_answer_in_time_is_retried(database, live, brand):
    _paid_order(database, live)
    brand.answers = [Answer(hang=True)]
    report = await _relay(database, brand.url, timeout_s=0.5).drain(AFTER_PAYMENT)
    assert report.retried == 1 and len(brand.received) == 1
    [row] = _brand_rows(database)
    assert row.status == "pending" and "Timeout" in (row.last_error or "")


async def test_429_and_408_are_retried_when_the_brand_says(database, live, brand) -> None:
    order_id = _paid_order(database, live)
    relay = _relay(database, brand.url)
    brand.answers = [Answer(429, retry_after="120")]
    assert (await relay.drain(AFTER_PAYMENT)).retried == 1
    [row] = _brand_rows(database)
    assert row.next_attempt_at == AFTER_PAYMENT + timedelta(seconds=120)
    assert (await relay.drain(AFTER_PAYMENT + timedelta(seconds=119))).sent == 0  # not yet
    brand.answers = [408]
    assert (await relay.drain(row.next_attempt_at)).retried == 1
    [row] = _brand_rows(database)
    assert (await relay.drain(row.next_attempt_at)).sent == 1
    assert [got.valid for got in brand.received] == [True, True, True]
    assert len({got.event["id"] for got in brand.received}) == 1  # the same event each time
    assert order_by_token_id(database, order_id) == OrderStatus.HANDED_OFF


async def test_only_a_delivered_paid_order_still_paid_is_handed_off(database, live, brand):
    refunded = _paid_order(database, live)
    with database.unit_of_work() as uow:
        enqueue(
            uow.session,
            kind="payment_needs_refund",
            channel="brand",
            destination="brand",
            payload={"order_id": refunded, "reason": "paid twice", "amount_minor": 4990},
            dedupe_key=f"payment_needs_refund:local:{refunded}",
            now=T0,
        )
        # Cancelled by hand before the brand heard of it: the delivery must not revive it.
        uow.session.execute(
            update(Order).where(Order.id == refunded).values(status=OrderStatus.CANCELLED)
        )
        uow.commit()
    relay = _relay(database, brand.url)
    assert (await relay.drain(AFTER_PAYMENT)).sent == 2
    kinds = sorted(got.event["type"] for got in brand.received)
    assert kinds == ["order_paid", "payment_needs_refund"]
    refund = next(got for got in brand.received if got.event["type"] != "order_paid")
    assert refund.event["data"] == {
        "order_id": refunded,
        "reason": "paid twice",
        "amount_minor": 4990,
    }
    assert refund.idempotency_key == f"payment_needs_refund:local:{refunded}"
    assert order_by_token_id(database, refunded) == OrderStatus.CANCELLED


async def test_without_an_endpoint_the_relay_warns_once_with_the_count_only(
    database, live, caplog
) -> None:
    _paid_order(database, live)
    drains = 0

    class CountingRelay(Relay):
        async def drain(self, now: datetime | None = None) -> SendReport:
            nonlocal drains
            drains += 1
            return await super().drain(now)

    relay = CountingRelay(database, build_transports({}), clock=lambda: AFTER_PAYMENT)
    stop = asyncio.Event()
    caplog.set_level(logging.WARNING, logger="live.relay")
    running = asyncio.create_task(relay.run(stop, every_s=0.01))
    try:
        for _ in range(2000):
            if drains >= 5:
                break
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
    assert drains >= 5
    warnings = [r.getMessage() for r in caplog.records if r.name == "live.relay"]
    assert len(warnings) == 1 and warnings[0].startswith("1 brand event(s) wait")
    assert "4990" not in warnings[0] and "order_id" not in warnings[0]
    assert relay.waiting_for_brand() == 1
    assert [row.status for row in _brand_rows(database)] == ["pending"]


def test_a_brand_url_without_a_secret_is_refused_without_printing_it() -> None:
    url = "https://brand.example/hooks/tok_do_not_print"
    with pytest.raises(SettingsError) as refused:
        load_settings(brand_webhook_url=url, _env_file=None)
    message = str(refused.value)
    assert "VITRINE_BRAND_WEBHOOK_SECRET" in message and "tok_do_not_print" not in message
    settings = load_settings(brand_webhook_url=url, brand_webhook_secret="s3cr3t-value")
    assert settings.brand_webhook_secret is not None
    assert "s3cr3t-value" not in repr(settings)


def test_the_brand_settings_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("VITRINE_BRAND_WEBHOOK_URL", "https://brand.example/hooks")
    monkeypatch.setenv("VITRINE_BRAND_WEBHOOK_SECRET", "whsec_from_env")
    settings = load_settings()
    assert settings.brand_webhook_url == "https://brand.example/hooks"
    assert settings.brand_webhook_secret is not None
    assert settings.brand_webhook_secret.get_secret_value() == "whsec_from_env"
    transports = build_transports({}, brand=dict)
    assert list(transports) == ["brand"]
