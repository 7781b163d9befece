"""Moderator commands from any platform: pardon, mute, ban, allow a domain, block a word;
read the audit log and undo an action."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from kernel.models import Comment, LiveSession, Viewer
from kernel.uow import UnitOfWorkProvider
from live.announce import LiveLike, write_replies
from live.messages import Reply, ReplyKind
from moderation import audit
from moderation.engine import ModerationEngine
from moderation.models import ModerationAction

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


def lift_for_viewer(
    database: UnitOfWorkProvider, *, live: LiveLike, viewer_id: str, action: str, now: datetime
) -> None:
    """A moderator's `unmute` or `unban` of a viewer (by platform id): the platform lifts
    it; the audit log records who did."""
    if action not in ("unmute", "unban"):
        raise UnknownCommand(f"unknown lift {action!r} (unmute, unban)")
    with database.unit_of_work() as uow:
        session = uow.session
        viewer = session.scalar(
            select(Viewer).where(
                Viewer.platform == live.platform, Viewer.platform_user_id == viewer_id
            )
        )
        entry = audit.record_override(
            session,
            action=action,
            actor="moderator",
            now=now,
            session_id=live.id,
            viewer_id=viewer.id if viewer else None,
        )
        session.flush()
        reply = Reply(
            ReplyKind.MODERATION,
            "",
            to_author_id=viewer_id,
            data={"action": action, "reasons": [], "message_id": "", "duration_s": None},
        )
        write_replies(session, [reply], live=live, key=f"override:{entry.id}", now=now)
        uow.commit()


class UnknownCommand(ValueError):
    """A moderator command Vitrine does not know."""


def apply_override(
    database: UnitOfWorkProvider,
    engine: ModerationEngine,
    *,
    live: LiveLike,
    command: str,
    actor: str,
    now: datetime,
    target_user_id: str | None = None,
    argument: str | None = None,
    duration_s: int | None = None,
) -> ModerationAction:
    """A moderator's command, from any platform: the engine adjusts at once, the audit log
    records it, and mutes and bans reach the platform through the outbox."""
    if command in ("pardon", "mute", "ban") and not target_user_id:
        raise UnknownCommand(f"{command} needs a viewer")
    if command in ("allow_domain", "block_word") and not argument:
        raise UnknownCommand(f"{command} needs an argument")
    if command == "pardon":
        engine.pardon(str(target_user_id))
    elif command == "allow_domain":
        engine.allow_domain(str(argument))
    elif command == "block_word":
        engine.block_word(str(argument))
    elif command not in ("mute", "ban"):
        raise UnknownCommand(
            f"unknown command {command!r} (pardon, mute, ban, allow_domain, block_word)"
        )
    with database.unit_of_work() as uow:
        session = uow.session
        viewer = None
        if target_user_id is not None:
            viewer = session.scalar(
                select(Viewer).where(
                    Viewer.platform == live.platform, Viewer.platform_user_id == target_user_id
                )
            )
        entry = audit.record_override(
            session,
            action=command,
            actor=actor,
            now=now,
            session_id=live.id,
            viewer_id=viewer.id if viewer else None,
            argument=argument,
            duration_s=duration_s if command == "mute" else None,
        )
        session.flush()
        if command in ("mute", "ban"):
            action = "timeout" if command == "mute" else "ban"
            reply = Reply(
                ReplyKind.MODERATION,
                "",
                to_author_id=target_user_id,
                data={
                    "action": action,
                    "reasons": [],
                    "message_id": "",
                    "duration_s": duration_s if command == "mute" else None,
                },
            )
            write_replies(session, [reply], live=live, key=f"override:{entry.id}", now=now)
        uow.commit()
        return entry
