"""What an operator does with the outbox: see what waits or failed for good, and send a
failed row again (after fixing what made it fail: an endpoint, a token)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kernel.models import OutboxMessage, OutboxStatus


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    kind: str
    channel: str
    destination: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime


def outbox_rows(session: Session, *, dead: bool = False, limit: int = 100) -> list[OutboxRow]:
    """Rows still to send (oldest first), or with `dead` those that failed for good."""
    status = OutboxStatus.FAILED if dead else OutboxStatus.PENDING
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == status)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return [
        OutboxRow(
            row.id,
            row.kind,
            row.channel,
            row.destination,
            row.status,
            row.attempts,
            row.next_attempt_at,
            row.last_error,
            row.created_at,
        )
        for row in session.scalars(query)
    ]


class NotDead(LookupError):
    """A row asked to be retried that has not failed for good (or does not exist)."""


def retry(session: Session, ids: Iterable[int] | None, now: datetime) -> int:
    """Send failed rows again from now, with fresh attempts: those of `ids`, or every
    failed row when `ids` is None. A row that is not failed is refused by id."""
    query = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if ids is not None:
        wanted = sorted(set(ids))
        failed = set(
            session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.id.in_(wanted), OutboxMessage.status == OutboxStatus.FAILED
                )
            )
        )
        missing = [i for i in wanted if i not in failed]
        if missing:
            raise NotDead(f"not failed for good (or no such row): {', '.join(map(str, missing))}")
        query = query.where(OutboxMessage.id.in_(wanted))
    result = session.connection().execute(
        query.values(
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            lease_until=None,
            lease_owner=None,
        )
    )
    return int(result.rowcount or 0)
