"""Writing to the outbox: messages and webhooks leave in the transaction of their cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vitrine.db import utcnow
from vitrine.models import OutboxMessage, OutboxStatus


def enqueue(
    session: Session,
    *,
    kind: str,
    channel: str,
    destination: str,
    payload: dict[str, Any],
    dedupe_key: str,
    session_id: int | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Add a message to send; a second message with the same `dedupe_key` is the first one."""
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    when = now or utcnow()
    message = OutboxMessage(
        kind=kind,
        channel=channel,
        destination=destination,
        payload=payload,
        dedupe_key=dedupe_key,
        session_id=session_id,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=when,
        created_at=when,
    )
    session.add(message)
    return message
