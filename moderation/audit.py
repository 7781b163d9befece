"""The moderation audit log: every decision and override is a row, and can be undone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.clock import utcnow
from moderation.models import ModerationAction
from moderation.verdict import Verdict

OVERRIDES = frozenset(
    {"pardon", "mute", "unmute", "ban", "unban", "allow_domain", "block_word", "dry_run"}
)


class AuditError(LookupError):
    """An audit-log entry that does not exist or cannot be undone."""


def record_verdict(
    session: Session,
    *,
    verdict: Verdict,
    session_id: int | None,
    comment_id: int | None,
    viewer_id: int | None,
    now: datetime | None = None,
    actor: str = "auto",
) -> ModerationAction:
    """Log an automatic decision (dry-run ones too: that is the point of a dry run).
    `actor` names who decided: "auto" for the rules, e.g. "second_opinion" for a removal
    decided after the fact."""
    entry = ModerationAction(
        session_id=session_id,
        comment_id=comment_id,
        viewer_id=viewer_id,
        action=verdict.action.value,
        reasons=list(verdict.reasons),
        duration_s=verdict.duration_s,
        actor=actor,
        dry_run=verdict.dry_run,
        note="; ".join(verdict.details) or None,
        created_at=now or utcnow(),
    )
    session.add(entry)
    return entry


def record_override(
    session: Session,
    *,
    action: str,
    actor: str,
    now: datetime | None = None,
    session_id: int | None = None,
    viewer_id: int | None = None,
    argument: str | None = None,
    duration_s: int | None = None,
    note: str | None = None,
) -> ModerationAction:
    """Log a moderator's command (pardon, mute, ban, allow a domain, block a word)."""
    if action not in OVERRIDES:
        raise AuditError(f"unknown moderator action {action!r}; one of {sorted(OVERRIDES)}")
    entry = ModerationAction(
        session_id=session_id,
        viewer_id=viewer_id,
        action=action,
        reasons=[],
        actor=actor,
        argument=argument,
        duration_s=duration_s,
        note=note,
        created_at=now or utcnow(),
    )
    session.add(entry)
    return entry


def undo(
    session: Session, action_id: int, by: str, now: datetime | None = None
) -> ModerationAction:
    """Mark an entry undone; the caller lifts the platform effect (unban, unmute, restore)."""
    entry = session.get(ModerationAction, action_id)
    if entry is None:
        raise AuditError(f"no moderation action {action_id}")
    if entry.undone_at is not None:
        raise AuditError(f"moderation action {action_id} was already undone by {entry.undone_by}")
    entry.undone_at = now or utcnow()
    entry.undone_by = by
    return entry


def history(
    session: Session, session_id: int, viewer_id: int | None = None
) -> list[ModerationAction]:
    """A live session's entries (or one viewer's), oldest first."""
    query = select(ModerationAction).where(ModerationAction.session_id == session_id)
    if viewer_id is not None:
        query = query.where(ModerationAction.viewer_id == viewer_id)
    return list(session.scalars(query.order_by(ModerationAction.id)))
