"""The live pipeline on real databases: comment in, stock held, replies in the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from commerce.holds import CommercePolicy
from commerce.intent import ClaimedItem, IntentKind, ParsedIntent
from commerce.models import Order, OrderStatus, PendingClaim, Variant, WaitlistEntry
from commerce.orders import mark_paid
from kernel.models import Comment, OutboxMessage, Viewer
from live.bus import publish
from live.events import Cause
from live.jobs import expire_holds_and_notify
from live.messages import ChatMessage
from live.pipeline import LivePipeline
from moderation.verdict import Action, MessageToJudge, Verdict

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"
T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


class ScriptedParser:
    """A fake parser: the test says what each text means."""

    def __init__(self) -> None:
        self.meanings: dict[str, ParsedIntent] = {}

    def means(self, text: str, intent: IntentKind, *items: ClaimedItem) -> str:
        self.meanings[text] = ParsedIntent(intent, tuple(items), 0.99, "fr")
        return text

    def parse(self, text: str, featured: str | None = None) -> ParsedIntent:
        return self.meanings.get(text, ParsedIntent(IntentKind.OTHER))


class KeywordModerator:
    """A fake moderator that deletes any message containing 'spam'."""

    def decide(self, message: MessageToJudge) -> Verdict:
        if "spam" in message.text:
            return Verdict(Action.DELETE, ("link",))
        return Verdict()


@pytest.fixture
def parser() -> ScriptedParser:
    return ScriptedParser()


@pytest.fixture
def pipeline(database, live, parser) -> LivePipeline:
    return LivePipeline(
        database,
        live_session_id=live,
        parser=parser,
        moderator=KeywordModerator(),
        policy=CommercePolicy(hold_seconds=900, max_units_per_product=3),
    )


def msg(n: int, author: str, text: str, at: float = 0.0) -> ChatMessage:
    return ChatMessage(
        platform="test",
        chat_id="chat1",
        message_id=f"m{n}",
        author_id=author,
        author_name=author.title(),
        text=text,
        sent_at=T0 + timedelta(seconds=at),
    )


def variant(database, sku: str) -> Variant:
    with database.unit_of_work() as uow:
        found = uow.session.scalars(select(Variant).where(Variant.sku == sku)).one()
        uow.session.expunge(found)
        return found


def outbox(database) -> list[OutboxMessage]:
    with database.unit_of_work() as uow:
        messages = list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        uow.session.expunge_all()
        return messages


def test_claim_holds_stock_and_replies(database, pipeline, parser) -> None:
    text = parser.means(
        "je prends la 52 dorée",
        IntentKind.BUY,
        ClaimedItem("BAGUE-ORA", 1, {"size": "52", "color": "doré"}),
    )
    result = pipeline.process(msg(1, "alice", text), now=T0)
    assert [type(o).__name__ for o in result.outcomes] == ["Reserved"]
    assert variant(database, "ORA-52-DORE").reserved == 1
    sent = outbox(database)
    assert [m.kind for m in sent] == ["public", "private"]
    assert "Bague Ora" in sent[0].payload["text"] and "@Alice" in sent[0].payload["text"]
    assert "/checkout/" in sent[1].payload["text"] and sent[1].destination == "dm:test:alice"


def test_redelivered_comment_changes_nothing(database, pipeline, parser) -> None:
    text = parser.means("mine", IntentKind.BUY, ClaimedItem("COLLIER-ISA", 1, {}))
    first = pipeline.process(msg(1, "alice", text), now=T0)
    again = pipeline.process(msg(1, "alice", text), now=T0 + timedelta(seconds=5))
    assert not first.duplicate and again.duplicate
    assert variant(database, "ISA").reserved == 1
    assert len(outbox(database)) == 2
    with database.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_sold_out_goes_to_waitlist_and_cancel_promotes(database, pipeline, parser) -> None:
    text = parser.means("le B7", IntentKind.BUY, ClaimedItem("COLLIER-ISA", 1, {}))
    for n, who in enumerate(["ann", "bob", "cid", "dan"], start=1):
        pipeline.process(msg(n, who, text, at=n), now=T0 + timedelta(seconds=n))
    assert variant(database, "ISA").reserved == 2
    with database.unit_of_work() as uow:
        waiting = uow.session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()
        assert [w.status for w in waiting] == ["waiting", "waiting"]
    texts = [m.payload["text"] for m in outbox(database) if m.kind == "public"]
    assert "n°1" in texts[2] and "n°2" in texts[3]
    cancel = parser.means("j'annule", IntentKind.CANCEL)
    result = pipeline.process(msg(10, "ann", cancel, at=20), now=T0 + timedelta(seconds=20))
    assert [type(o).__name__ for o in result.outcomes] == [
        "ClaimCancelled",
        "UnitsReleased",
        "WaitlistPromoted",
    ]
    assert variant(database, "ISA").reserved == 2
    promoted = [m for m in outbox(database) if m.destination == "dm:test:cid"]
    assert promoted, "the promoted viewer gets their checkout link"
    assert "Collier Isa" in promoted[-1].payload["text"]
    assert "49.90 EUR" in promoted[-1].payload["text"]


def test_missing_option_asks_and_holds_nothing(database, pipeline, parser) -> None:
    text = parser.means("je prends la bague", IntentKind.BUY, ClaimedItem("BAGUE-ORA", 1, {}))
    result = pipeline.process(msg(1, "alice", text), now=T0)
    assert [type(o).__name__ for o in result.outcomes] == ["OptionNeeded"]
    with database.unit_of_work() as uow:
        assert uow.session.scalar(select(func.sum(Variant.reserved))) == 0
    assert "50, 52, 54" in outbox(database)[0].payload["text"]


def test_hold_expiry_releases_and_promotes(database, pipeline, parser) -> None:
    text = parser.means(
        "52 doré", IntentKind.BUY, ClaimedItem("BAGUE-ORA", 1, {"size": "52", "color": "doré"})
    )
    pipeline.process(msg(1, "alice", text), now=T0)
    pipeline.process(msg(2, "bob", text, at=1), now=T0 + timedelta(seconds=1))
    assert expire_holds_and_notify(database, now=T0 + timedelta(minutes=14)) == []
    outcomes = expire_holds_and_notify(database, now=T0 + timedelta(minutes=16))
    assert [type(o).__name__ for o in outcomes] == [
        "HoldExpired",
        "UnitsReleased",
        "WaitlistPromoted",
    ]
    assert variant(database, "ORA-52-DORE").reserved == 1
    with database.unit_of_work() as uow:
        statuses = {o.viewer_id: o.status for o in uow.session.scalars(select(Order))}
        assert sorted(statuses.values()) == ["expired", "reserved"]


def test_paid_order_sells_units_and_reaches_brand_outbox(database, pipeline, parser) -> None:
    text = parser.means(
        "2 sérums 50ml", IntentKind.BUY, ClaimedItem("SERUM-ECLAT", 2, {"size": "50ml"})
    )
    result = pipeline.process(msg(1, "alice", text), now=T0)
    with database.unit_of_work() as uow:
        order = uow.session.get(Order, result.outcomes[0].order_id)
        assert order.total_minor == 4900
        now = T0 + timedelta(minutes=2)
        publish(uow, [mark_paid(uow.session, order, now)], Cause(key="test-pay", now=now))
        uow.commit()
    v = variant(database, "ECLAT-50")
    assert (v.stock, v.reserved) == (3, 0)
    brand = [m for m in outbox(database) if m.channel == "brand"]
    assert len(brand) == 1 and brand[0].payload["total_minor"] == 4900
    with database.unit_of_work() as uow:
        assert uow.session.get(Order, result.outcomes[0].order_id).status == OrderStatus.PAID


def test_removed_message_claims_nothing(database, pipeline, parser) -> None:
    text = parser.means("spam je prends", IntentKind.BUY, ClaimedItem("COLLIER-ISA", 1, {}))
    result = pipeline.process(msg(1, "eve", text), now=T0)
    assert result.removed and result.outcomes == []
    assert variant(database, "ISA").reserved == 0
    assert [m.kind for m in outbox(database)] == ["moderation"]


def test_limit_per_viewer(database, pipeline, parser) -> None:
    text = parser.means(
        "4 argent 50",
        IntentKind.BUY,
        ClaimedItem("BAGUE-ORA", 4, {"size": "50", "color": "argent"}),
    )
    result = pipeline.process(msg(1, "alice", text), now=T0)
    assert [type(o).__name__ for o in result.outcomes] == ["LimitReached"]


def test_bad_comment_does_not_stop_the_pipeline(database, pipeline, parser) -> None:
    class Exploding(ScriptedParser):
        def parse(self, text: str, featured: str | None = None) -> ParsedIntent:
            raise RuntimeError("boom")

    pipeline.parser = Exploding()
    result = pipeline.process(msg(1, "alice", "anything"), now=T0)
    assert result.error and "boom" in result.error
    pipeline.parser = parser
    ok = pipeline.process(
        msg(2, "alice", parser.means("mine", IntentKind.BUY, ClaimedItem("COLLIER-ISA"))), now=T0
    )
    assert ok.error is None and ok.outcomes
    with database.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Comment)) == 2


def test_answer_to_the_option_question_completes_the_claim(database, pipeline, parser) -> None:
    ask = parser.means(
        "je prends la bague dorée", IntentKind.BUY, ClaimedItem("BAGUE-ORA", 1, {"color": "doré"})
    )
    first = pipeline.process(msg(1, "alice", ask), now=T0)
    assert [type(o).__name__ for o in first.outcomes] == ["OptionNeeded"]
    chatter = pipeline.process(msg(2, "alice", "trop belle", at=3), now=T0 + timedelta(seconds=3))
    assert chatter.outcomes == []
    answer = pipeline.process(msg(3, "alice", "en 52 svp", at=9), now=T0 + timedelta(seconds=9))
    assert [type(o).__name__ for o in answer.outcomes] == ["Reserved"]
    assert answer.outcomes[0].item.variant_sku == "ORA-52-DORE"
    assert variant(database, "ORA-52-DORE").reserved == 1
    later = pipeline.process(msg(4, "alice", "52", at=12), now=T0 + timedelta(seconds=12))
    assert later.outcomes == []  # answered once; a second "52" is just chatter


def test_a_restarted_pipeline_still_hears_the_answer(database, pipeline, parser, live) -> None:
    ask = parser.means(
        "la bague argent", IntentKind.BUY, ClaimedItem("BAGUE-ORA", 1, {"color": "argent"})
    )
    pipeline.process(msg(1, "alice", ask), now=T0)
    restarted = LivePipeline(
        database,
        live_session_id=live,
        parser=parser,
        moderator=None,
        policy=pipeline.policy,
    )
    answer = restarted.process(msg(2, "alice", "54", at=5), now=T0 + timedelta(seconds=5))
    assert [o.item.variant_sku for o in answer.outcomes] == ["ORA-54-ARGENT"]
    # The first process still remembers the question, but the table says it was answered:
    # its copy completes nothing.
    stale = pipeline.process(msg(3, "alice", "54", at=6), now=T0 + timedelta(seconds=6))
    assert stale.outcomes == []
    assert variant(database, "ORA-54-ARGENT").reserved == 1


def test_unanswered_question_expires(database, pipeline, parser) -> None:
    ask = parser.means("la bague", IntentKind.BUY, ClaimedItem("BAGUE-ORA", 1, {}))
    pipeline.process(msg(1, "bob", ask), now=T0)
    late = pipeline.process(msg(2, "bob", "50 argent", at=600), now=T0 + timedelta(minutes=10))
    assert late.outcomes == []


def test_first_paid_first_served_holds_nothing(database, live, parser) -> None:
    pipeline = LivePipeline(
        database,
        live_session_id=live,
        parser=parser,
        moderator=None,
        policy=CommercePolicy(hold_seconds=None),
    )
    text = parser.means("le collier", IntentKind.BUY, ClaimedItem("COLLIER-ISA", 2, {}))
    a = pipeline.process(msg(1, "ann", text), now=T0)
    b = pipeline.process(msg(2, "bob", text, at=1), now=T0 + timedelta(seconds=1))
    assert [type(o).__name__ for o in a.outcomes + b.outcomes] == ["Reserved", "Reserved"]
    assert a.outcomes[0].expires_at is None
    assert variant(database, "ISA").reserved == 0  # nothing held: both carts stand
    from commerce.orders import SoldOutAtPayment

    with database.unit_of_work() as uow:
        mark_paid(uow.session, uow.session.get(Order, b.outcomes[0].order_id), T0)
        uow.commit()
    with database.unit_of_work() as uow, pytest.raises(SoldOutAtPayment):
        mark_paid(uow.session, uow.session.get(Order, a.outcomes[0].order_id), T0)
    v = variant(database, "ISA")
    assert (v.stock, v.reserved) == (0, 0)


def test_one_failing_comment_does_not_hold_back_its_batch(database, pipeline, parser) -> None:
    good = parser.means("le collier", IntentKind.BUY, ClaimedItem("COLLIER-ISA", 1, {}))
    # An item the commerce code cannot handle (a quantity that is not a number): it raises.
    broken = parser.means("broken", IntentKind.BUY, ClaimedItem("COLLIER-ISA", "x", {}))  # type: ignore[arg-type]
    batch = [
        (msg(1, "ann", good), T0, None),
        (msg(2, "bob", broken), T0, None),
        (msg(3, "cid", good), T0, None),
    ]
    results = pipeline.process_batch(batch)
    assert [type(o).__name__ for o in results[0].outcomes] == ["Reserved"]
    assert results[1].error and "TypeError" in results[1].error
    assert [type(o).__name__ for o in results[2].outcomes] == ["Reserved"]
    assert variant(database, "ISA").reserved == 2
    with database.unit_of_work() as uow:
        errors = uow.session.scalars(select(Comment.error).order_by(Comment.id)).all()
        assert [e is not None for e in errors] == [False, True, False]


def test_a_nul_character_is_stored_replaced_and_the_batch_goes_on(database, pipeline) -> None:
    batch = [
        (msg(1, "ann", "bonsoir\x00 tout le monde"), T0, None),
        (ChatMessage("test", "chat1", "m2", "b\x00b", "B\x00b", "trop belle", T0), T0, None),
    ]
    results = pipeline.process_batch(batch)
    assert [r.error for r in results] == [None, None]
    with database.unit_of_work() as uow:
        texts = sorted(uow.session.scalars(select(Comment.text)))
    assert texts == ["bonsoir\ufffd tout le monde", "trop belle"]


def test_a_question_asked_again_in_one_batch_leaves_one_open(database, pipeline, parser) -> None:
    ask = parser.means("la bague", IntentKind.BUY, ClaimedItem("BAGUE-ORA", 1, {}))
    again = parser.means(
        "la bague argent svp", IntentKind.BUY, ClaimedItem("BAGUE-ORA", 1, {"color": "argent"})
    )
    pipeline.process_batch(
        [(msg(1, "cleo", ask), T0, None), (msg(2, "cleo", again, at=2), T0, None)]
    )
    with database.unit_of_work() as uow:
        statuses = list(uow.session.scalars(select(PendingClaim.status).order_by(PendingClaim.id)))
    assert statuses == ["superseded", "open"]
    answer = pipeline.process(msg(3, "cleo", "en 54", at=5), now=T0 + timedelta(seconds=5))
    assert [o.item.variant_sku for o in answer.outcomes] == ["ORA-54-ARGENT"]


def test_viewers_keep_their_latest_name_and_first_language(database, pipeline) -> None:
    renamed = ChatMessage("test", "chat1", "m2", "dan", "Dan ✨", "coucou", T0, language="fr")
    pipeline.process_batch([(msg(1, "dan", "hello"), T0, None), (renamed, T0, None)])
    later = ChatMessage("test", "chat1", "m3", "dan", "Dan ✨", "hi", T0, language="en")
    pipeline.process(later, now=T0 + timedelta(seconds=1))
    with database.unit_of_work() as uow:
        viewer = uow.session.scalars(select(Viewer).where(Viewer.platform_user_id == "dan")).one()
        assert (viewer.display_name, viewer.language) == ("Dan ✨", "fr")


def test_a_question_from_a_failed_batch_is_asked_again_once(database, pipeline, parser) -> None:
    ask = parser.means(
        "la bague argent", IntentKind.BUY, ClaimedItem("BAGUE-ORA", 1, {"color": "argent"})
    )
    broken = parser.means("broken", IntentKind.BUY, ClaimedItem("COLLIER-ISA", "x", {}))  # type: ignore[arg-type]
    pipeline.process_batch([(msg(1, "eve", ask), T0, None), (msg(2, "fay", broken), T0, None)])
    with database.unit_of_work() as uow:
        open_ids = uow.session.scalars(
            select(PendingClaim.id).where(PendingClaim.status == "open")
        ).all()
    assert len(open_ids) == 1  # the first pass's question was rolled back with its batch
    answer = pipeline.process(msg(3, "eve", "54", at=4), now=T0 + timedelta(seconds=4))
    assert [o.item.variant_sku for o in answer.outcomes] == ["ORA-54-ARGENT"]


def test_a_question_asked_and_answered_in_one_batch(database, pipeline, parser) -> None:
    ask = parser.means(
        "la bague argent", IntentKind.BUY, ClaimedItem("BAGUE-ORA", 1, {"color": "argent"})
    )
    results = pipeline.process_batch(
        [(msg(1, "gus", ask), T0, None), (msg(2, "gus", "en 54 svp", at=1), T0, None)]
    )
    assert [type(o).__name__ for r in results for o in r.outcomes] == ["OptionNeeded", "Reserved"]
    with database.unit_of_work() as uow:
        statuses = uow.session.scalars(select(PendingClaim.status)).all()
    assert statuses == ["answered"]
    later = pipeline.process(msg(3, "gus", "54", at=3), now=T0 + timedelta(seconds=3))
    assert later.outcomes == []  # nothing left open to answer


def test_a_viewer_renamed_back_and_forth_in_one_batch_keeps_the_last_name(
    database, pipeline
) -> None:
    def named(n: int, name: str, language: str | None = None) -> ChatMessage:
        return ChatMessage("test", "chat1", f"m{n}", "hal", name, "coucou", T0, language=language)

    pipeline.process(named(0, "Z"), now=T0)
    pipeline.process_batch(
        [(named(1, "B"), T0, None), (named(2, "A", "fr"), T0, None), (named(3, "B"), T0, None)]
    )
    with database.unit_of_work() as uow:
        viewer = uow.session.scalars(select(Viewer).where(Viewer.platform_user_id == "hal")).one()
        assert (viewer.display_name, viewer.language) == ("B", "fr")


def test_two_items_in_one_comment_show_the_whole_cart_in_both_links(
    database, pipeline, parser
) -> None:
    text = parser.means(
        "le collier et un sérum 30",
        IntentKind.BUY,
        ClaimedItem("COLLIER-ISA", 1, {}),
        ClaimedItem("SERUM-ECLAT", 1, {"size": "30ml"}),
    )
    result = pipeline.process(msg(1, "iris", text), now=T0)
    assert [type(o).__name__ for o in result.outcomes] == ["Reserved", "Reserved"]
    private = [m.payload["text"] for m in outbox(database) if m.kind == "private"]
    assert len(private) == 2
    for dm in private:
        assert "Collier Isa" in dm and "Sérum Éclat (30ml)" in dm and "74.40 EUR" in dm
    with database.unit_of_work() as uow:
        order = uow.session.get(Order, result.outcomes[0].order_id)
        assert order.total_minor == 7440
        assert sorted(line.variant.sku for line in order.lines) == ["ECLAT-30", "ISA"]


def test_claims_and_cancels_of_one_viewer_in_one_batch_keep_the_cart_consistent(
    database, pipeline, parser
) -> None:
    """Cancels change the cart through the ORM, claims through plain statements: each must
    see what the other just did in the same transaction."""
    collier = parser.means("collier", IntentKind.BUY, ClaimedItem("COLLIER-ISA", 1, {}))
    serum = parser.means(
        "serum 30", IntentKind.BUY, ClaimedItem("SERUM-ECLAT", 1, {"size": "30ml"})
    )
    ring = parser.means(
        "bague 50 argent",
        IntentKind.BUY,
        ClaimedItem("BAGUE-ORA", 1, {"size": "50", "color": "argent"}),
    )
    no_collier = parser.means(
        "plus le collier", IntentKind.CANCEL, ClaimedItem("COLLIER-ISA", 1, {})
    )
    no_serum = parser.means("plus le serum", IntentKind.CANCEL, ClaimedItem("SERUM-ECLAT", 1, {}))
    steps = [collier, serum, no_collier, ring, no_serum]
    results = pipeline.process_batch(
        [
            (msg(n, "jade", text, at=n), T0 + timedelta(seconds=n), None)
            for n, text in enumerate(steps)
        ]
    )
    assert [r.error for r in results] == [None] * len(steps)
    assert [type(o).__name__ for r in results for o in r.outcomes] == [
        "Reserved",
        "Reserved",
        "ClaimCancelled",
        "UnitsReleased",
        "Reserved",
        "ClaimCancelled",
        "UnitsReleased",
    ]
    reserved = {
        sku: variant(database, sku).reserved for sku in ("ISA", "ECLAT-30", "ORA-50-ARGENT")
    }
    assert reserved == {"ISA": 0, "ECLAT-30": 0, "ORA-50-ARGENT": 1}
    with database.unit_of_work() as uow:
        (order,) = uow.session.scalars(select(Order)).all()
        active = [line.variant.sku for line in order.lines if line.status == "active"]
        assert (order.status, order.total_minor, active) == ("reserved", 3500, ["ORA-50-ARGENT"])
    ring_dm = [m.payload["text"] for m in outbox(database) if m.kind == "private"][-1]
    assert (
        "Bague Ora (50, argent)" in ring_dm and "Sérum Éclat" in ring_dm and "59.50 EUR" in ring_dm
    )


def _refuse_comments_saying(database, word: str) -> None:
    """A trigger that fails the INSERT of any comment with this text: a database that
    refuses a whole batch, the comment-by-comment retry included."""
    with database.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON comments "
                f"WHEN NEW.text = '{word}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.text = '{word}' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON comments "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )


def test_a_batch_the_database_refuses_twice_leaves_no_stale_viewer_behind(
    database, pipeline, caplog
) -> None:
    _refuse_comments_saying(database, "refused")
    with pytest.raises(Exception, match="refused"):
        pipeline.process_batch([(msg(1, "newcomer", "refused"), T0, None)])
    caplog.clear()
    result = pipeline.process(msg(2, "newcomer", "bonsoir"), now=T0)
    assert result.error is None and result.comment_id is not None
    assert "failed; isolating" not in caplog.text  # the viewer was created again, first time
