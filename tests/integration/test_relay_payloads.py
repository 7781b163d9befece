"""Outbox payloads are typed per kind: what the write side stores reads back as the same
value, commerce's brand rows read as brand events, and a row no one can read fails once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kernel.models import LiveSession, OutboxMessage
from kernel.outbox import enqueue
from live.announce import delivery, write_replies
from live.deliveries import (
    BrandEvent,
    ModerationCommand,
    PrivateReply,
    PublicReply,
    UnknownDelivery,
    delivery_of,
)
from live.messages import Reply, ReplyKind
from live.relay import Relay, build_transports
from live.sessions import open_session
from tests.integration.test_relay import RecordingPlatform

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        PublicReply("c1", "@ann reserved", "m7", "u1"),
        PublicReply("c1", "the live starts"),
        PrivateReply("u1", "your link: https://shop/checkout/x", "c1"),
        ModerationCommand("c1", "m9", "u2", "mute", 600),
        ModerationCommand("c1", "m9", "u2", "delete"),
    ],
)
def test_each_payload_reads_back_as_written(value) -> None:
    assert type(value).from_json(value.to_json()) == value
    assert delivery_of(value.kind, "telegram", value.to_json()) == value


def test_commerce_brand_rows_read_as_brand_events_unchanged() -> None:
    refund = {
        "order_id": 12,
        "reason": "paid twice",
        "provider": "stripe",
        "checkout_ref": "cs_1",
        "payment_intent": "pi_1",
        "event_id": "evt_1",
        "amount_minor": 4990,
        "currency": "EUR",
    }
    event = delivery_of("payment_needs_refund", "brand", refund)
    assert event == BrandEvent("payment_needs_refund", refund)
    assert isinstance(event, BrandEvent) and event.to_json() == refund and event.order_id == 12
    assert BrandEvent("order_paid", {"order_id": "7"}).order_id == 7
    assert BrandEvent("order_paid", {}).order_id is None


def test_rows_no_one_can_read_are_refused() -> None:
    with pytest.raises(UnknownDelivery, match="unknown outbox kind"):
        delivery_of("carrier_pigeon", "telegram", {"text": "hi"})
    with pytest.raises(UnknownDelivery, match="user_id"):
        delivery_of("private", "telegram", {"text": "your link"})
    with pytest.raises(UnknownDelivery, match="unreadable"):
        delivery_of("moderation", "telegram", {"action": "mute", "duration_s": "soon"})


def test_write_replies_stores_the_typed_payloads(database) -> None:
    replies = [
        Reply(ReplyKind.PUBLIC, "@ann reserved", "u1", "m1"),
        Reply(ReplyKind.PRIVATE, "your link", "u1"),
        Reply(ReplyKind.MODERATION, "", "u2", data={"action": "mute", "message_id": "m2"}),
    ]
    with database.unit_of_work() as uow:
        live = open_session(uow.session, key="typed", platform="fake", chat_id="c1", now=T0)
        assert write_replies(uow.session, replies, live=live, key="comment:1", now=T0) == 3
        uow.commit()
    with database.unit_of_work() as uow:
        live = uow.session.scalars(select(LiveSession)).one()
        rows = list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        stored = [delivery_of(row.kind, row.channel, row.payload) for row in rows]
        assert stored == [delivery(reply, live) for reply in replies]
        assert stored[0] == PublicReply("c1", "@ann reserved", "m1", "u1")


async def test_a_row_of_an_unknown_kind_fails_for_good_and_others_still_go(database) -> None:
    with database.unit_of_work() as uow:
        for kind, key in (("carrier_pigeon", "odd"), ("private", "dm")):
            enqueue(
                uow.session,
                kind=kind,
                channel="fake",
                destination="x",
                payload={"user_id": "u1", "text": "hi"},
                dedupe_key=key,
                now=T0,
            )
        uow.commit()
    platform = RecordingPlatform()
    report = await Relay(database, build_transports({"fake": platform})).drain(T0)
    assert (report.sent, report.failed) == (1, 1) and platform.private == [("u1", "hi")]
    with database.unit_of_work() as uow:
        odd = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == "odd")
        ).one()
        assert odd.status == "failed" and "carrier_pigeon" in (odd.last_error or "")
        assert odd.lease_owner is None
