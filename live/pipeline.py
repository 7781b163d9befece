"""The live pipeline: message in -> moderation -> intent -> commerce -> replies in the outbox.

One comment is one unit of work keyed by (platform, chat, message id): a redelivered or
replayed comment is recognised and changes nothing, and a crash before commit loses nothing
because the platform (or the replay) delivers it again.

The hot path is kept to a few statements: moderation and parsing are pure and run before the
transaction; the comment is stored with everything we made of it in one INSERT that doubles
as the duplicate check; viewers and the session's fixed facts are cached in the process.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache, partial
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from commerce import carts, pending
from commerce.claims import claim
from commerce.holds import CommercePolicy
from commerce.intent import ClaimedItem, IntentKind, ParsedIntent
from commerce.models import Product
from commerce.outcomes import (
    ClaimCancelled,
    Event,
    NothingToCancel,
    OptionNeeded,
    Outcome,
    Reserved,
    UnitsReleased,
    Waitlisted,
    WaitlistPromoted,
)
from commerce.pending import OpenQuestion
from commerce.ports import CommerceUnit, QuestionsPort
from commerce.product_facts import ProductFactsCache
from commerce.sql_ports import SqlCommerce, SqlQuestions
from commerce.stock import forget_free_units
from kernel import bulk, outbox
from kernel.clock import utcnow
from kernel.models import Comment, LiveSession, Viewer, ViewerRole
from kernel.uow import UnitOfWork, UnitOfWorkProvider, read_in_own_unit
from live.announce import write_replies
from live.bus import publish
from live.events import Cause, ViewerContact
from live.messages import ChatMessage, Reply
from live.replies import moderation_reply
from live.sessions import LiveInfo
from moderation.verdict import Action, MessageToJudge, Verdict

log = logging.getLogger(__name__)

VIEWER_CACHE_SIZE = 50_000


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


@dataclass(slots=True)
class KnownViewer:
    id: int
    name: str
    role: str
    language: str | None


@dataclass
class PipelineResult:
    """What became of one comment."""

    comment_id: int | None
    duplicate: bool = False
    verdict: Verdict | None = None
    intent: ParsedIntent | None = None
    outcomes: list[Event] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    error: str | None = None
    elapsed_ms: float = 0.0

    @property
    def removed(self) -> bool:
        return self.verdict is not None and self.verdict.action.removes

    @property
    def claims(self) -> int:
        """Claims this comment made (a cancel or a promotion it caused is not one)."""
        return sum(not isinstance(o, _NOT_CLAIMS) for o in self.outcomes)

    @property
    def answered_claims(self) -> int:
        """Claims that got a unit or a waitlist place."""
        return sum(isinstance(o, Reserved | Waitlisted) for o in self.outcomes)


_NOT_CLAIMS = (ClaimCancelled, NothingToCancel, WaitlistPromoted, UnitsReleased)


_COMMENTS = cast(Table, Comment.__table__)
_VIEWERS = cast(Table, Viewer.__table__)
_ROLES = frozenset(ViewerRole)


_UPSERT_VIEWERS: dict[str, Any] = {}


def _upsert_viewers(session: Session) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE ... RETURNING for this database, built once: a no-op
    update on conflict makes RETURNING give the row whether it was new or not."""
    dialect = session.get_bind().dialect.name
    if dialect not in _UPSERT_VIEWERS:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(_VIEWERS)
        _UPSERT_VIEWERS[dialect] = statement.on_conflict_do_update(
            index_elements=["platform", "platform_user_id"],
            set_={"platform": statement.excluded.platform},
        ).returning(
            _VIEWERS.c.id,
            _VIEWERS.c.platform,
            _VIEWERS.c.platform_user_id,
            _VIEWERS.c.display_name,
            _VIEWERS.c.role,
            _VIEWERS.c.language,
        )
    return _UPSERT_VIEWERS[dialect]


@cache
def _update_viewer(columns: tuple[str, ...]) -> Any:
    """UPDATE viewers SET <columns> for one viewer, built once per set of columns."""
    return (
        update(_VIEWERS)
        .where(_VIEWERS.c.id == bindparam("viewer_id"))
        .values({name: bindparam(f"new_{name}") for name in columns})
    )


def _without_nul(message: ChatMessage) -> ChatMessage:
    """PostgreSQL text cannot hold NUL characters: a comment carrying one is stored with
    U+FFFD in its place rather than failing its whole batch."""
    fields = ("chat_id", "message_id", "author_id", "author_name", "text")
    if not any("\x00" in getattr(message, name) for name in fields):
        return message
    return replace(
        message, **{name: getattr(message, name).replace("\x00", "\ufffd") for name in fields}
    )


class LivePipeline:
    """Processes the comments of one live session."""

    def __init__(
        self,
        database: UnitOfWorkProvider,
        *,
        live_session_id: int,
        parser: IntentParserPort,
        moderator: ModeratorPort | None,
        policy: CommercePolicy,
        record_moderation: ModerationLogPort | None = None,
    ) -> None:
        self.database = database
        self.live_session_id = live_session_id
        self.parser = parser
        self.moderator = moderator
        self.policy = policy
        self.record_moderation = record_moderation
        self._live: LiveInfo | None = None
        self._viewers: OrderedDict[tuple[str, str], KnownViewer] = OrderedDict()
        self._skus: dict[int, str] = {}
        self._questions = pending.OpenQuestions()  # viewers we asked "which size?"
        self._products = ProductFactsCache()
        # Opens the commerce ports on a unit's transaction with this pipeline's facts cache.
        self._commerce = partial(SqlCommerce, products=self._products)

    # -- the hot path -------------------------------------------------------------------

    def process(
        self, message: ChatMessage, now: datetime | None = None, *, featured: str | None = None
    ) -> PipelineResult:
        """Handle one comment exactly once; never raises for a bad comment.

        `featured` overrides the session's featured product (a replay knows it per line).
        """
        return self.process_batch([(message, now or utcnow(), featured)])[0]

    def process_batch(
        self, batch: list[tuple[ChatMessage, datetime, str | None]]
    ) -> list[PipelineResult]:
        """Handle comments that arrived together in one transaction (one commit, one disk
        flush); never raises for a bad comment.

        Decisions (moderation, intent) are taken once. The batch is first applied without
        savepoints; should one comment fail, it is applied again with a savepoint around
        each comment's effects, so that the bad one is recorded with its error and the
        others go through. Each result's latency runs from the batch's start to its commit:
        a comment is only handled once it is durable.
        """
        started = time.perf_counter()
        batch = [(_without_nul(message), now, featured) for message, now, featured in batch]
        decisions = self._decide(batch)
        try:
            results = self._apply(batch, decisions, isolate=False)
        except Exception:
            self._forget_viewers(batch)
            log.warning(
                "a batch of %d comments failed; isolating each comment", len(batch), exc_info=True
            )
            try:
                results = self._apply(batch, decisions, isolate=True)
            except Exception:  # the database itself is failing: the caller delivers again
                self._forget_viewers(batch)
                raise
        elapsed = (time.perf_counter() - started) * 1000
        for (message, _, _), result in zip(batch, results, strict=True):
            result.elapsed_ms = elapsed
            log.debug(
                "comment platform=%s msg=%s action=%s intent=%s outcomes=%s ms=%.1f",
                message.platform,
                message.message_id,
                result.verdict.action if result.verdict else None,
                result.intent.intent if result.intent else None,
                [type(o).__name__ for o in result.outcomes],
                elapsed,
            )
        return results

    def _forget_viewers(self, batch: list[tuple[ChatMessage, datetime, str | None]]) -> None:
        """Viewers a failed transaction created are gone: read them again next time."""
        for message, _, _ in batch:
            self._viewers.pop((message.platform, message.author_id), None)

    def _decide(
        self, batch: list[tuple[ChatMessage, datetime, str | None]]
    ) -> list[PipelineResult]:
        """Moderation and intent for each comment, once (moderation keeps author history)."""
        decisions: list[PipelineResult] = []
        featured_now: str | None = None
        looked_up = False
        acted: set[tuple[str, str]] = set()  # (chat, message) read as a claim or cancel
        for message, _, featured in batch:
            decision = PipelineResult(comment_id=None)
            live = self._live
            if live is None:
                live = read_in_own_unit(self.database, self._live_info)
            decision.verdict = self._moderate(message, live)
            wants_intent = (
                not decision.verdict.action.removes or decision.verdict.dry_run
            ) and message.role == ViewerRole.VIEWER
            if wants_intent and message.edit_of is not None:
                wants_intent = (message.chat_id, message.edit_of) not in acted and not (
                    read_in_own_unit(self.database, partial(_acted_on_before, message))
                )
            if wants_intent:
                if featured is None:
                    if not looked_up:  # the session's featured product, once per batch
                        featured_now = read_in_own_unit(self.database, self._featured_sku)
                        looked_up = True
                    featured = featured_now
                decision.intent = self._parse(message, featured, decision)
                parsed = decision.intent
                if parsed is not None and parsed.intent in (IntentKind.BUY, IntentKind.CANCEL):
                    # an edit later in this batch must see it (it is not stored yet)
                    acted.add((message.chat_id, message.edit_of or message.message_id))
            decisions.append(decision)
        return decisions

    def _apply(
        self,
        batch: list[tuple[ChatMessage, datetime, str | None]],
        decisions: list[PipelineResult],
        *,
        isolate: bool,
    ) -> list[PipelineResult]:
        """Store the batch's comments in one statement, then act on those that change
        something; with `isolate`, each in its own savepoint."""
        results = [
            PipelineResult(comment_id=None, verdict=d.verdict, intent=d.intent, error=d.error)
            for d in decisions
        ]
        try:
            with self.database.unit_of_work() as uow:
                self._write(uow, batch, results, isolate=isolate)
                uow.commit()
        except BaseException:
            self._questions.rollback()  # what the failed transaction asked is not durable
            raise
        self._questions.commit()
        return results

    def _write(
        self,
        uow: UnitOfWork,
        batch: list[tuple[ChatMessage, datetime, str | None]],
        results: list[PipelineResult],
        *,
        isolate: bool,
    ) -> None:
        session = uow.session
        live = self._live_info(session)
        viewers = self._viewers_for(
            session, [(m, r.intent) for (m, _, _), r in zip(batch, results, strict=True)]
        )
        ids = self._store_comments(session, live, batch, results, viewers)
        # The batch's replies go out in one INSERT, its questions in one INSERT and one
        # UPDATE; comment by comment (isolate), each is written in its own savepoint.
        with (
            nullcontext() if isolate else outbox.deferred(session),
            nullcontext(None) if isolate else pending.written_later(session) as questions,
        ):
            for index, ((message, now, _), comment_id) in enumerate(zip(batch, ids, strict=True)):
                if comment_id is None:
                    results[index] = PipelineResult(comment_id=None, duplicate=True)
                    continue
                result = results[index]
                result.comment_id = comment_id
                viewer = viewers[(message.platform, message.author_id)]
                if not self._has_effects(result, viewer):
                    continue
                if isolate:
                    results[index] = self._act_safely(uow, live, viewer, message, now, result)
                else:
                    self._act(uow, live, viewer, message, now, result)
        if questions is not None:
            self._questions.assign_ids(questions.ids)

    def _act_safely(
        self,
        uow: UnitOfWork,
        live: LiveInfo,
        viewer: KnownViewer,
        message: ChatMessage,
        now: datetime,
        result: PipelineResult,
    ) -> PipelineResult:
        session = uow.session
        staged = self._questions.staged_entry(viewer.id)
        try:
            with session.begin_nested():
                self._act(uow, live, viewer, message, now, result)
        except Exception as exc:  # a bad comment must never stop the live
            uow.drop_events()
            self._questions.restore(viewer.id, staged)
            forget_free_units(session)  # readings taken inside the savepoint may be wrong
            # Carts are written with Core statements, which a savepoint's rollback does not
            # undo in ORM copies loaded meanwhile: every copy is read again on next use.
            session.expire_all()
            log.exception("comment %s failed", message.message_id)
            error = f"{type(exc).__name__}: {exc}"[:2000]
            session.execute(
                update(Comment).where(Comment.id == result.comment_id).values(error=error)
            )
            return PipelineResult(
                comment_id=result.comment_id,
                verdict=result.verdict,
                intent=result.intent,
                error=error,
            )
        return result

    def _has_effects(self, result: PipelineResult, viewer: KnownViewer) -> bool:
        """Whether the comment changes anything beyond its own row."""
        if result.verdict is not None and result.verdict.action is not Action.ALLOW:
            return True
        intent = result.intent
        if intent is None:
            return False
        return intent.intent in (IntentKind.BUY, IntentKind.CANCEL) or (
            self._questions.get(viewer.id) is not None
        )

    def _parse(
        self, message: ChatMessage, featured: str | None, result: PipelineResult
    ) -> ParsedIntent | None:
        try:
            return self.parser.parse(message.text, featured)
        except Exception as exc:  # the parser must not take the live down with it
            log.exception("parser failed on comment %s", message.message_id)
            result.error = f"{type(exc).__name__}: {exc}"[:2000]
            return None

    def _store_comments(
        self,
        session: Session,
        live: LiveInfo,
        batch: list[tuple[ChatMessage, datetime, str | None]],
        results: list[PipelineResult],
        viewers: dict[tuple[str, str], KnownViewer],
    ) -> list[int | None]:
        """Store the comments with what we made of them, in one statement that doubles as
        the duplicate check; None for a comment that was already stored."""
        rows = []
        first: dict[tuple[str, str, str], int] = {}
        for index, ((message, now, _), result) in enumerate(zip(batch, results, strict=True)):
            key = (message.platform, message.chat_id, message.message_id)
            if key in first:
                continue  # the same comment twice in one batch: the second is a redelivery
            first[key] = index
            verdict, intent = result.verdict, result.intent
            rows.append(
                {
                    "session_id": live.id,
                    "viewer_id": viewers[(message.platform, message.author_id)].id,
                    "platform": message.platform,
                    "chat_id": message.chat_id,
                    "message_id": message.message_id,
                    "text": message.text,
                    "sent_at": message.sent_at,
                    "received_at": now,
                    "intent": intent.intent.value if intent else None,
                    "intent_items": [i.to_json() for i in intent.items] if intent else None,
                    "intent_confidence": intent.confidence if intent else None,
                    "moderation_action": verdict.action.value if verdict else None,
                    "moderation_reasons": list(verdict.reasons) if verdict else None,
                    "error": result.error,
                }
            )
        inserted = bulk.insert_rows(
            session,
            _COMMENTS,
            rows,
            conflict=("platform", "chat_id", "message_id"),
            returning=("id", "platform", "chat_id", "message_id"),
        )
        stored = {(r.platform, r.chat_id, r.message_id): r.id for r in inserted}
        ids: list[int | None] = [None] * len(batch)
        for key, index in first.items():
            ids[index] = stored.get(key)
        return ids

    def _act(
        self,
        uow: UnitOfWork,
        live: LiveInfo,
        viewer: KnownViewer,
        message: ChatMessage,
        now: datetime,
        result: PipelineResult,
    ) -> None:
        """Apply the verdict and the intent: audit log, moderation action, claims; their
        events are handled (announced, waitlists promoted) before the next comment."""
        assert result.comment_id is not None
        if self._moderate_effects(uow.session, live, viewer, message, now, result):
            return
        intent = result.intent
        if intent is None:
            return
        outcomes = self._intent_effects(uow, live, viewer, message, now, result, intent)
        if not outcomes:
            return
        uow.session.flush()
        cause = Cause(
            key=f"c:{result.comment_id}",
            now=now,
            live=live,
            author=ViewerContact(
                message.author_name or message.author_id, message.author_id, viewer.language
            ),
            author_id=viewer.id,
            language=intent.language or viewer.language,
            reply_to_message_id=message.message_id,
            products=self._products,
        )
        publish(uow, outcomes, cause)
        uow.dispatch()
        result.outcomes = cause.events
        result.replies.extend(cause.replies)

    def _moderate_effects(
        self,
        session: Session,
        live: LiveInfo,
        viewer: KnownViewer,
        message: ChatMessage,
        now: datetime,
        result: PipelineResult,
    ) -> bool:
        """Log a verdict other than allow, and remove the message; True when removed."""
        verdict = result.verdict
        if verdict is None or verdict.action is Action.ALLOW:
            return False
        assert result.comment_id is not None
        if self.record_moderation is not None:
            self.record_moderation(
                session,
                verdict=verdict,
                session_id=live.id,
                comment_id=result.comment_id,
                viewer_id=viewer.id,
                now=now,
            )
        if not verdict.action.removes or verdict.dry_run:
            return False
        action = moderation_reply(
            verdict,
            author_id=message.author_id,
            message_id=message.message_id,
            author_name=message.author_name,
            text=message.text,
        )
        write_replies(session, [action], live=live, key=f"c:{result.comment_id}:mod", now=now)
        result.replies.append(action)
        return True

    def _intent_effects(
        self,
        uow: UnitOfWork,
        live: LiveInfo,
        viewer: KnownViewer,
        message: ChatMessage,
        now: datetime,
        result: PipelineResult,
        intent: ParsedIntent,
    ) -> list[Event]:
        """Claims, cancels and answers to an open question, with the question kept current."""
        questions = uow.port(SqlQuestions)
        commerce = uow.port(self._commerce)
        question = self._questions.get(viewer.id)
        if question is not None and question.expired(now):
            questions.close(question, "expired")
            self._questions.stage(viewer.id, None)
            question = None
        if intent.intent is IntentKind.BUY:
            return self._buy(commerce, questions, live, viewer, now, result, intent, question)
        if intent.intent is IntentKind.CANCEL:
            if question is not None:
                questions.close(question, "cancelled")
                self._questions.stage(viewer.id, None)
            skus = [i.sku for i in intent.items]
            return carts.cancel(
                uow.session, session_id=live.id, viewer_id=viewer.id, skus=skus, now=now
            )
        if question is None:
            return []
        answered = question.answer(message.text)  # read in memory: chatter costs nothing
        if answered is None:
            return []
        self._questions.stage(viewer.id, None)
        if not questions.close(question, "answered"):
            return []
        return [self._claim(commerce, live, viewer, answered, result, now)]

    def _buy(
        self,
        commerce: CommerceUnit,
        questions: QuestionsPort,
        live: LiveInfo,
        viewer: KnownViewer,
        now: datetime,
        result: PipelineResult,
        intent: ParsedIntent,
        question: OpenQuestion | None,
    ) -> list[Event]:
        """Claim each item; an item missing an option asks which (one question per viewer)."""
        outcomes: list[Event] = []
        for claimed in intent.items:
            item = question.merge(claimed) if question is not None else claimed
            outcome = self._claim(commerce, live, viewer, item, result, now)
            if isinstance(outcome, OptionNeeded):
                product = commerce.products.get(item.sku)
                assert product is not None  # the claim just found it
                question = questions.ask(
                    session_id=live.id,
                    viewer_id=viewer.id,
                    item=item,
                    option=outcome.option,
                    product=product,
                    comment_id=result.comment_id,
                    now=now,
                    replaces=question,
                )
                self._questions.stage(viewer.id, question)
            elif question is not None:
                questions.supersede(question)
                self._questions.stage(viewer.id, None)
                question = None
            outcomes.append(outcome)
        return outcomes

    def _claim(
        self,
        commerce: CommerceUnit,
        live: LiveInfo,
        viewer: KnownViewer,
        item: ClaimedItem,
        result: PipelineResult,
        now: datetime,
    ) -> Outcome:
        return claim(
            commerce,
            session_id=live.id,
            viewer_id=viewer.id,
            item=item,
            comment_id=result.comment_id,
            now=now,
            policy=self.policy,
        )

    # -- cached facts -------------------------------------------------------------------

    def _live_info(self, session: Session) -> LiveInfo:
        if self._live is None:
            live = session.get(LiveSession, self.live_session_id)
            if live is None:
                raise LookupError(f"live session {self.live_session_id} does not exist")
            self._questions = pending.OpenQuestions(SqlQuestions(session).load_open(live.id))
            self._live = LiveInfo.of(live)
        return self._live

    def _featured_sku(self, session: Session) -> str | None:
        product_id = session.scalar(
            select(LiveSession.featured_product_id).where(LiveSession.id == self.live_session_id)
        )
        if product_id is None:
            return None
        if product_id not in self._skus:
            sku = session.scalar(select(Product.sku).where(Product.id == product_id))
            if sku is None:
                return None
            self._skus[product_id] = sku
        return self._skus[product_id]

    def _viewers_for(
        self, session: Session, items: list[tuple[ChatMessage, ParsedIntent | None]]
    ) -> dict[tuple[str, str], KnownViewer]:
        """The authors' viewer rows: created on first sight in one statement, kept up to
        date (name, role, language), cached for the next comments."""
        missing: dict[tuple[str, str], dict[str, object]] = {}
        for message, intent in items:
            key = (message.platform, message.author_id)
            if key in self._viewers or key in missing:
                continue
            missing[key] = {
                "platform": message.platform,
                "platform_user_id": message.author_id,
                "display_name": message.author_name,
                "role": message.role,
                "language": message.language or (intent.language if intent else None),
                "created_at": utcnow(),
            }
        if missing:
            rows = session.execute(_upsert_viewers(session), list(missing.values()))
            for row in rows:
                self._viewers[(row.platform, row.platform_user_id)] = KnownViewer(
                    row.id, row.display_name, row.role, row.language
                )
            while len(self._viewers) > VIEWER_CACHE_SIZE:
                self._viewers.popitem(last=False)
        found: dict[tuple[str, str], KnownViewer] = {}
        changed: dict[int, dict[str, Any]] = {}  # viewer id -> final values of what changed
        for message, intent in items:
            key = (message.platform, message.author_id)
            known = self._viewers[key]
            self._viewers.move_to_end(key)
            changed.setdefault(known.id, {}).update(self._refresh(known, message, intent))
            found[key] = known
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for viewer_id, changes in changed.items():
            if changes:
                updates.setdefault(tuple(sorted(changes)), []).append(
                    {"viewer_id": viewer_id, **{f"new_{k}": v for k, v in changes.items()}}
                )
        for columns, params in updates.items():  # one executemany (one round trip) per shape
            session.connection().execute(_update_viewer(columns), params)
        return found

    @staticmethod
    def _refresh(
        known: KnownViewer, message: ChatMessage, intent: ParsedIntent | None
    ) -> dict[str, Any]:
        """What changed about a viewer (name, role, a first language), applied to `known`."""
        language = message.language or (intent.language if intent else None)
        changes: dict[str, Any] = {}
        if message.author_name and message.author_name != known.name:
            changes["display_name"] = known.name = message.author_name
        if message.role != known.role and message.role in _ROLES:
            changes["role"] = known.role = message.role
        if language and not known.language:
            changes["language"] = known.language = language
        return changes

    def _moderate(self, message: ChatMessage, live: LiveInfo) -> Verdict:
        if self.moderator is None:
            return Verdict()
        ts = message.stream_ts
        if ts is None:
            started = live.started_at or message.sent_at
            ts = max(0.0, (message.sent_at - started).total_seconds())
        try:
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
        except Exception:  # moderation failing open keeps the sale; it is logged loudly
            log.exception("moderation failed on comment %s", message.message_id)
            return Verdict()


def _acted_on_before(message: ChatMessage, session: Session) -> bool:
    """Whether the message an edit changes (or an earlier edit of it) was already read as
    a claim or a cancel: the edit then changes nothing (what was reserved stays)."""
    original = str(message.edit_of)
    found = session.scalar(
        select(Comment.id)
        .where(
            Comment.platform == message.platform,
            Comment.chat_id == message.chat_id,
            (Comment.message_id == original) | Comment.message_id.startswith(f"{original}:"),
            Comment.intent.in_([IntentKind.BUY.value, IntentKind.CANCEL.value]),
        )
        .limit(1)
    )
    return found is not None
