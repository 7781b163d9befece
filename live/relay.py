"""Sends what the outbox holds: public replies batched per chat, DMs one by one,
moderation actions at once; failures retried with backoff, rate limits respected."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from kernel.clock import utcnow
from kernel.models import OutboxMessage, OutboxStatus
from kernel.uow import UnitOfWorkProvider
from live.platform import ChatPlatform, DeliveryError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass
class SendReport:
    sent: int = 0
    batches: int = 0
    retried: int = 0
    failed: int = 0


def batch_texts(texts: list[str], max_chars: int) -> list[list[int]]:
    """Group message indexes into batches whose joined text fits one platform message."""
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, text in enumerate(texts):
        length = min(len(text), max_chars)
        if current and size + 1 + length > max_chars:
            batches.append(current)
            current, size = [], 0
        current.append(index)
        size += length + (1 if size else 0)
    if current:
        batches.append(current)
    return batches


def _backoff(attempts: int, retry_after: float | None) -> timedelta:
    if retry_after is not None:
        return timedelta(seconds=retry_after)
    return timedelta(seconds=min(300, 2**attempts))


class OutboxSender:
    """Drains due outbox rows of the platforms it knows through their adapters."""

    def __init__(self, database: UnitOfWorkProvider, platforms: dict[str, ChatPlatform]) -> None:
        self.database = database
        self.platforms = platforms

    async def drain(self, now: datetime | None = None, limit: int = 500) -> SendReport:
        """Send every due message once; mark each sent, or reschedule it with backoff."""
        now = now or utcnow()
        report = SendReport()
        with self.database.unit_of_work() as uow:
            session = uow.session
            query = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                    OutboxMessage.channel.in_(list(self.platforms)),
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            due = list(session.scalars(query))
            public: dict[tuple[str, str], list[OutboxMessage]] = {}
            for message in due:
                if message.kind == "public":
                    public.setdefault((message.channel, message.destination), []).append(message)
                    continue
                await self._send_one(message, now, report)
            for (channel, _dest), messages in public.items():
                await self._send_public_batches(self.platforms[channel], messages, now, report)
            uow.commit()
        return report

    async def _send_one(self, message: OutboxMessage, now: datetime, report: SendReport) -> None:
        platform = self.platforms[message.channel]
        payload = message.payload
        try:
            if message.kind == "private":
                await platform.send_private(str(payload["user_id"]), payload["text"])
            elif message.kind == "moderation":
                await platform.moderate(
                    str(payload["chat_id"]),
                    str(payload["message_id"]),
                    str(payload["user_id"]),
                    str(payload["action"]),
                    payload.get("duration_s"),
                )
            else:
                raise DeliveryError(f"unknown outbox kind {message.kind!r}", permanent=True)
        except DeliveryError as exc:
            self._failed(message, exc, now, report)
            return
        self._sent(message, now, report)

    async def _send_public_batches(
        self,
        platform: ChatPlatform,
        messages: list[OutboxMessage],
        now: datetime,
        report: SendReport,
    ) -> None:
        texts = [m.payload["text"] for m in messages]
        for batch in batch_texts(texts, platform.limits.max_message_chars):
            group = [messages[i] for i in batch]
            text = "\n".join(texts[i] for i in batch)[: platform.limits.max_message_chars]
            reply_to = group[0].payload.get("reply_to") if len(group) == 1 else None
            try:
                await platform.send_public(str(group[0].payload["chat_id"]), text, reply_to)
            except DeliveryError as exc:
                for message in group:
                    self._failed(message, exc, now, report)
                continue
            report.batches += 1
            for message in group:
                self._sent(message, now, report)

    @staticmethod
    def _sent(message: OutboxMessage, now: datetime, report: SendReport) -> None:
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.attempts += 1
        report.sent += 1

    @staticmethod
    def _failed(
        message: OutboxMessage, exc: DeliveryError, now: datetime, report: SendReport
    ) -> None:
        message.attempts += 1
        message.last_error = str(exc)[:500]
        if exc.permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
            report.failed += 1
            log.warning("outbox message %s failed for good: %s", message.id, exc)
        else:
            message.next_attempt_at = now + _backoff(message.attempts, exc.retry_after)
            report.retried += 1
