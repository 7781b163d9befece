"""Verdicts that arrive after a message was allowed (the LLM second opinion): they are logged
in the audit log and removed through the outbox like any other moderation action."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from kernel.models import Comment, Viewer
from kernel.uow import UnitOfWorkProvider
from live.announce import LiveLike, write_replies
from live.replies import moderation_reply
from moderation.models import ModerationAction
from moderation.verdict import MessageToJudge, Verdict


def apply_late_verdict(
    database: UnitOfWorkProvider,
    *,
    live: LiveLike,
    message: MessageToJudge,
    verdict: Verdict,
    now: datetime,
    actor: str = "second_opinion",
) -> bool:
    """Remove an already-allowed message; False when it is unknown or was already acted on."""
    if not verdict.action.removes and verdict.action.value != "flag":
        return False
    with database.unit_of_work() as uow:
        session = uow.session
        comment = session.scalar(
            select(Comment).where(
                Comment.platform == live.platform,
                Comment.chat_id == live.chat_id,
                Comment.message_id == message.message_id,
            )
        )
        if comment is None or comment.moderation_action not in (None, "allow"):
            return False
        viewer = session.get(Viewer, comment.viewer_id)
        comment.moderation_action = verdict.action.value
        comment.moderation_reasons = list(verdict.reasons)
        session.add(
            ModerationAction(
                session_id=live.id,
                comment_id=comment.id,
                viewer_id=comment.viewer_id,
                action=verdict.action.value,
                reasons=list(verdict.reasons),
                duration_s=verdict.duration_s,
                actor=actor,
                dry_run=verdict.dry_run,
                created_at=now,
            )
        )
        if verdict.action.removes and not verdict.dry_run and viewer is not None:
            action = moderation_reply(
                verdict,
                author_id=viewer.platform_user_id,
                message_id=message.message_id,
                author_name=viewer.display_name,
                text=comment.text,
            )
            write_replies(session, [action], live=live, key=f"c:{comment.id}:late", now=now)
        uow.commit()
    return True
