"""The moderation audit log: every automatic or moderator decision, undoable."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kernel.clock import utcnow
from kernel.db import Base


class ModerationAction(Base):
    """One decision: delete/timeout/ban/flag on a message or author, or a policy override
    (pardon, allow a domain, block a word) by a moderator."""

    __tablename__ = "moderation_actions"
    __table_args__ = (Index("ix_moderation_actions_session_viewer", "session_id", "viewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="SET NULL")
    )
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("viewers.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    duration_s: Mapped[int | None]
    actor: Mapped[str] = mapped_column(String(100), default="auto")
    dry_run: Mapped[bool] = mapped_column(default=False)
    argument: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[str | None] = mapped_column(String(100))
