"""Writing to the outbox: messages and webhooks leave in the transaction of their cause."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from kernel import bulk
from kernel.clock import utcnow
from kernel.models import OutboxMessage, OutboxStatus

_OUTBOX = cast(Table, OutboxMessage.__table__)
_DEFERRED = "kernel.outbox.deferred"  # session.info key of the rows `deferred` collects


class OutboxPort(Protocol):
    """Where a unit of work puts what is to be sent once it commits."""

    def add(self, rows: list[dict[str, Any]], now: datetime) -> None:
        """Rows with `enqueue`'s keys; a row whose `dedupe_key` is already there is ignored."""
        ...


class SqlOutbox:
    """The outbox table in the unit's transaction."""

    port_name = "outbox"  # what a fake unit of work hands out for this opener

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, rows: list[dict[str, Any]], now: datetime) -> None:
        enqueue_many(self._session, rows, now)


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
    row = {
        "kind": kind,
        "channel": channel,
        "destination": destination,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "session_id": session_id,
    }
    enqueue_many(session, [row], now or utcnow())


def enqueue_many(session: Session, rows: list[dict[str, Any]], now: datetime) -> None:
    """Several messages in one round trip (`enqueue`'s keys per row, duplicates ignored)."""
    if not rows:
        return
    complete = [
        {
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "session_id": None,
            **row,
        }
        for row in rows
    ]
    buffer: list[dict[str, Any]] | None = session.info.get(_DEFERRED)
    if buffer is not None:
        buffer.extend(complete)
    else:
        _insert(session, complete)


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """Within the block, messages are collected and written in one INSERT when it ends
    without error (a batch of comments makes many replies: one round trip, not one each).
    Nothing inside the block may read the outbox back, nor roll back to a savepoint."""
    if _DEFERRED in session.info:
        yield
        return
    buffer: list[dict[str, Any]] = []
    session.info[_DEFERRED] = buffer
    try:
        yield
    finally:
        session.info.pop(_DEFERRED, None)
    _insert(session, buffer)


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    bulk.insert_rows(session, _OUTBOX, rows, conflict=("dedupe_key",))
