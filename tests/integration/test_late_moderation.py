"""A second opinion removes an allowed message after the fact, once, through the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from commerce.holds import CommercePolicy
from commerce.intent import IntentKind, ParsedIntent
from kernel.models import LiveSession, OutboxMessage
from live.late_moderation import apply_late_verdict
from live.messages import ChatMessage
from live.pipeline import LivePipeline
from live.sessions import open_session
from moderation.models import ModerationAction
from moderation.verdict import Action, MessageToJudge, Verdict

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


class Nothing:
    def parse(self, text: str, featured: str | None = None) -> ParsedIntent:
        return ParsedIntent(IntentKind.OTHER)


def test_late_removal(database) -> None:
    with database.unit_of_work() as uow:
        live = open_session(uow.session, key="late", platform="test", chat_id="c", now=T0)
        uow.commit()
    pipeline = LivePipeline(
        database,
        live_session_id=live.id,
        parser=Nothing(),
        moderator=None,
        policy=CommercePolicy(),
    )
    pipeline.process(ChatMessage("test", "c", "m1", "u1", "Lou", "something subtle", T0), now=T0)
    message = MessageToJudge("m1", 1.0, "u1", "Lou", "viewer", "something subtle")
    verdict = Verdict(Action.DELETE, ("insult",), details=("second_opinion",))
    with database.unit_of_work() as uow:
        live_row = uow.session.get(LiveSession, live.id)
        uow.session.expunge(live_row)
    assert apply_late_verdict(database, live=live_row, message=message, verdict=verdict, now=T0)
    assert not apply_late_verdict(
        database, live=live_row, message=message, verdict=verdict, now=T0
    )  # already acted on
    unknown = MessageToJudge("m404", 1.0, "u1", "Lou", "viewer", "?")
    assert not apply_late_verdict(database, live=live_row, message=unknown, verdict=verdict, now=T0)
    with database.unit_of_work() as uow:
        entry = uow.session.scalars(select(ModerationAction)).one()
        assert (entry.actor, entry.action, entry.reasons) == (
            "second_opinion",
            "delete",
            ["insult"],
        )
        sent = uow.session.scalars(select(OutboxMessage)).one()
        assert sent.kind == "moderation" and sent.payload["message_id"] == "m1"
