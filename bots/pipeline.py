"""The live pipeline: message in -> moderation -> intent -> commerce -> replies in the outbox.

One comment is one unit of work keyed by (platform, chat, message id): a redelivered or
replayed comment is recognised and changes nothing, and a crash before commit loses nothing
because the platform (or the replay) delivers it again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bots.messages import ChatMessage, Reply, ReplyKind
from bots.notify import ShopVoice, notify, write_replies
from commerce import carts
from commerce.intent import IntentKind, ParsedIntent
from commerce.models import Product
from commerce.outcomes import Outcome
from moderation.verdict import Action, MessageToJudge, Verdict
from vitrine.db import utcnow
from vitrine.models import Comment, LiveSession, Viewer, ViewerRole
from vitrine.uow import UnitOfWorkProvider

log = logging.getLogger(__name__)


class IntentParserPort(Protocol):
    def parse(self, text: str, featured: str | None = None) -> ParsedIntent: ...


class ModeratorPort(Protocol):
    def decide(self, message: MessageToJudge) -> Verdict: ...


class ModerationLogPort(Protocol):
    """Persists a verdict in the audit log (moderation.audit)."""

    def __call__(
        self,
        session: Session,
        *,
        verdict: Verdict,
        session_id: int,
        comment_id: int,
        viewer_id: int,
        now: datetime,
    ) -> object: ...


@dataclass
class PipelineResult:
    """What became of one comment."""

    comment_id: int | None
    duplicate: bool = False
    verdict: Verdict | None = None
    intent: ParsedIntent | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    error: str | None = None
    elapsed_ms: float = 0.0

    @property
    def removed(self) -> bool:
        return self.verdict is not None and self.verdict.action.removes


class LivePipeline:
    """Processes the comments of one live session."""

    def __init__(
        self,
        database: UnitOfWorkProvider,
        *,
        live_session_id: int,
        parser: IntentParserPort,
        moderator: ModeratorPort | None,
        policy: carts.CommercePolicy,
        shop: ShopVoice,
        record_moderation: ModerationLogPort | None = None,
    ) -> None:
        self.database = database
        self.live_session_id = live_session_id
        self.parser = parser
        self.moderator = moderator
        self.policy = policy
        self.shop = shop
        self.record_moderation = record_moderation

    def process(
        self, message: ChatMessage, now: datetime | None = None, *, featured: str | None = None
    ) -> PipelineResult:
        """Handle one comment exactly once; never raises for a bad comment.

        `featured` overrides the session's featured product (a replay knows it per line).
        """
        started = time.perf_counter()
        now = now or utcnow()
        with self.database.unit_of_work() as uow:
            session = uow.session
            live = session.get(LiveSession, self.live_session_id)
            if live is None:
                raise LookupError(f"live session {self.live_session_id} does not exist")
            viewer = self._viewer(session, message)
            comment = Comment(
                session_id=live.id,
                viewer_id=viewer.id,
                platform=message.platform,
                chat_id=message.chat_id,
                message_id=message.message_id,
                text=message.text,
                sent_at=message.sent_at,
                received_at=now,
            )
            try:
                with session.begin_nested():
                    session.add(comment)
            except IntegrityError:
                return PipelineResult(
                    comment_id=None,
                    duplicate=True,
                    elapsed_ms=(time.perf_counter() - started) * 1000,
                )
            result = PipelineResult(comment_id=comment.id)
            try:
                with session.begin_nested():
                    self._handle(session, live, viewer, comment, message, now, result, featured)
            except Exception as exc:  # a bad comment must never stop the live
                log.exception("comment %s failed", message.message_id)
                comment.error = f"{type(exc).__name__}: {exc}"[:2000]
                result = PipelineResult(comment_id=comment.id, error=comment.error)
            uow.commit()
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        log.debug(
            "comment platform=%s msg=%s action=%s intent=%s outcomes=%s ms=%.1f",
            message.platform,
            message.message_id,
            result.verdict.action if result.verdict else None,
            result.intent.intent if result.intent else None,
            [type(o).__name__ for o in result.outcomes],
            result.elapsed_ms,
        )
        return result

    def _viewer(self, session: Session, message: ChatMessage) -> Viewer:
        viewer = session.scalar(
            select(Viewer).where(
                Viewer.platform == message.platform, Viewer.platform_user_id == message.author_id
            )
        )
        if viewer is None:
            viewer = Viewer(
                platform=message.platform,
                platform_user_id=message.author_id,
                display_name=message.author_name,
                role=message.role,
                language=message.language,
            )
            try:
                with session.begin_nested():
                    session.add(viewer)
            except IntegrityError:
                viewer = session.scalars(
                    select(Viewer).where(
                        Viewer.platform == message.platform,
                        Viewer.platform_user_id == message.author_id,
                    )
                ).one()
        else:
            if message.author_name and viewer.display_name != message.author_name:
                viewer.display_name = message.author_name
            if message.role != viewer.role and message.role in set(ViewerRole):
                viewer.role = message.role
        return viewer

    def _handle(
        self,
        session: Session,
        live: LiveSession,
        viewer: Viewer,
        comment: Comment,
        message: ChatMessage,
        now: datetime,
        result: PipelineResult,
        featured: str | None = None,
    ) -> None:
        key = f"c:{comment.id}"
        verdict = self._moderate(message, live)
        result.verdict = verdict
        comment.moderation_action = verdict.action.value
        comment.moderation_reasons = list(verdict.reasons)
        if verdict.action is not Action.ALLOW:
            if self.record_moderation is not None:
                self.record_moderation(
                    session,
                    verdict=verdict,
                    session_id=live.id,
                    comment_id=comment.id,
                    viewer_id=viewer.id,
                    now=now,
                )
            if verdict.action.removes and not verdict.dry_run:
                action = Reply(
                    ReplyKind.MODERATION,
                    "",
                    to_author_id=message.author_id,
                    reply_to_message_id=message.message_id,
                    data={
                        "action": verdict.action.value,
                        "reasons": list(verdict.reasons),
                        "duration_s": verdict.duration_s,
                        "message_id": message.message_id,
                    },
                )
                write_replies(session, [action], live=live, key=f"{key}:mod", now=now)
                result.replies.append(action)
                return
        if message.role != ViewerRole.VIEWER:
            return  # hosts and moderators talk about products; they do not buy
        if featured is None and live.featured_product_id is not None:
            product = session.get(Product, live.featured_product_id)
            featured = product.sku if product is not None else None
        intent = self.parser.parse(message.text, featured)
        result.intent = intent
        comment.intent = intent.intent.value
        comment.intent_items = [item.to_json() for item in intent.items]
        comment.intent_confidence = intent.confidence
        if intent.language and not viewer.language:
            viewer.language = intent.language
        outcomes: list[Outcome] = []
        if intent.intent is IntentKind.BUY:
            for item in intent.items:
                outcomes.append(
                    carts.claim(
                        session,
                        session_id=live.id,
                        viewer_id=viewer.id,
                        item=item,
                        comment_id=comment.id,
                        now=now,
                        policy=self.policy,
                    )
                )
        elif intent.intent is IntentKind.CANCEL:
            outcomes.extend(
                carts.cancel(
                    session,
                    session_id=live.id,
                    viewer_id=viewer.id,
                    skus=[i.sku for i in intent.items],
                    now=now,
                    policy=self.policy,
                )
            )
        result.outcomes = outcomes
        if outcomes:
            session.flush()
            result.replies.extend(
                notify(
                    session,
                    outcomes,
                    live=live,
                    shop=self.shop,
                    key=key,
                    now=now,
                    language=intent.language or viewer.language,
                    reply_to_message_id=message.message_id,
                )
            )

    def _moderate(self, message: ChatMessage, live: LiveSession) -> Verdict:
        if self.moderator is None:
            return Verdict()
        ts = message.stream_ts
        if ts is None:
            started = live.started_at or message.sent_at
            ts = (message.sent_at - started).total_seconds()
        return self.moderator.decide(
            MessageToJudge(
                message_id=message.message_id,
                ts=ts,
                author_id=message.author_id,
                author_name=message.author_name,
                role=message.role,
                text=message.text,
            )
        )
