"""The outbox sender batches public replies, retries failures and never sends twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from kernel.models import OutboxMessage
from kernel.outbox import enqueue
from live.platform import DeliveryError, PlatformLimits
from live.relay import OutboxSender, batch_texts

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

    async def moderate(self, chat_id, message_id, user_id, action, duration_s) -> None:
        self.actions.append((message_id, action))


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


async def test_public_replies_are_batched_and_sent_once(database) -> None:
    with database.unit_of_work() as uow:
        for n in range(5):
            _add(uow.session, "public", f"p{n}", text=f"@viewer{n} reserved")
        _add(uow.session, "public", "p0", text="duplicate key is ignored")
        _add(uow.session, "moderation", "m1", message_id="42", action="delete")
        uow.commit()
    platform = RecordingPlatform()
    sender = OutboxSender(database, {"fake": platform})
    report = await sender.drain(T0)
    assert report.sent == 6 and report.batches == 3  # 5 lines of 18 chars in 50-char messages
    assert "\n" in platform.public[0][1] and "duplicate" not in "".join(
        t for _, t in platform.public
    )
    assert platform.actions == [("42", "delete")]
    again = await sender.drain(T0 + timedelta(seconds=5))
    assert again.sent == 0 and len(platform.public) == 3


async def test_failures_are_retried_with_backoff_then_given_up(database) -> None:
    with database.unit_of_work() as uow:
        _add(uow.session, "private", "d1", text="your link")
        uow.commit()
    platform = RecordingPlatform()
    platform.fail_private = DeliveryError("429", retry_after=7)
    sender = OutboxSender(database, {"fake": platform})
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
