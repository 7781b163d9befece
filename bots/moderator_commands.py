"""Moderator commands that outlive the live process: read the audit log, undo an action."""

from __future__ import annotations

from datetime import datetime

from bots.messages import Reply, ReplyKind
from bots.notify import write_replies
from moderation import audit
from moderation.models import ModerationAction
from vitrine.models import Comment, LiveSession, Viewer
from vitrine.uow import UnitOfWorkProvider

# What lifts each automatic action on the platform (a deleted message cannot be restored).
LIFTS = {"ban": "unban", "timeout": "unmute"}


def undo_action(
    database: UnitOfWorkProvider, action_id: int, *, by: str, now: datetime
) -> ModerationAction:
    """Undo one logged action: mark it undone and send the platform what lifts it."""
    with database.unit_of_work() as uow:
        session = uow.session
        entry = audit.undo(session, action_id, by=by, now=now)
        lift = LIFTS.get(entry.action)
        live = session.get(LiveSession, entry.session_id) if entry.session_id else None
        viewer = session.get(Viewer, entry.viewer_id) if entry.viewer_id else None
        comment = session.get(Comment, entry.comment_id) if entry.comment_id else None
        if lift and live is not None and viewer is not None and not entry.dry_run:
            reply = Reply(
                ReplyKind.MODERATION,
                "",
                to_author_id=viewer.platform_user_id,
                data={
                    "action": lift,
                    "reasons": [],
                    "duration_s": None,
                    "message_id": comment.message_id if comment else "",
                },
            )
            write_replies(session, [reply], live=live, key=f"undo:{entry.id}", now=now)
        uow.commit()
        return entry
