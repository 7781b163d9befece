"""Writing to the outbox: messages and webhooks leave in the transaction of their cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from vitrine.db import utcnow
from vitrine.models import OutboxMessage, OutboxStatus

_OUTBOX = OutboxMessage.__table__
_INSERTS = {
    name: module.insert(_OUTBOX).on_conflict_do_nothing(index_elements=["dedupe_key"])
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}


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
) -> None:
    """Add a message to send; a second message with the same `dedupe_key` is ignored, so
    reprocessing the same cause never sends twice."""
    when = now or utcnow()
    session.execute(
        _INSERTS[session.get_bind().dialect.name],
        {
            "kind": kind,
            "channel": channel,
            "destination": destination,
            "payload": payload,
            "dedupe_key": dedupe_key,
            "session_id": session_id,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": when,
            "created_at": when,
        },
    )


def enqueue_many(session: Session, rows: list[dict[str, Any]], now: datetime) -> None:
    """Several messages in one round trip (`enqueue`'s keys per row, duplicates ignored)."""
    if not rows:
        return
    session.execute(
        _INSERTS[session.get_bind().dialect.name],
        [
            {
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "session_id": None,
                **row,
            }
            for row in rows
        ],
    )
