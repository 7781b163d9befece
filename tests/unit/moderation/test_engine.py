"""The engine over a stream: flood, repetition, escalation, exemptions, overrides, dry run,
late removals, and state that stays bounded over a long live."""

from __future__ import annotations

from moderation.engine import ModerationEngine
from moderation.policy import ModerationPolicy
from moderation.verdict import Action
from tests.unit.moderation.conftest import SETTINGS, Judge, make_judge

LINK = "va voir promo-coats.shop"


def test_flood_is_the_sixth_message_within_ten_seconds(judge: Judge) -> None:
    results = [judge(f"question {i} ?", ts=i * 1.5) for i in range(7)]
    assert [r.action.removes for r in results] == [False] * 5 + [True, True]
    assert results[5].reasons == ("flood",)
    slow = [judge(f"slow {i}", author="u2", ts=i * 2.5) for i in range(8)]
    assert not any(r.action.removes for r in slow)


def test_repeat_is_the_fourth_same_text_within_a_minute(judge: Judge) -> None:
    texts = ["vous livrez en Suisse ?", "VOUS LIVREZ EN SUISSE ???", "vous livrez en suisse"]
    results = [judge(texts[i % 3], ts=i * 15.0) for i in range(5)]
    assert [r.action.removes for r in results] == [False, False, False, True, True]
    assert "repeat" in results[3].reasons
    later = judge("vous livrez en Suisse ?", ts=300.0)
    assert not later.action.removes


def test_one_message_saying_sold_thrice_is_not_repetition(judge: Judge) -> None:
    assert not judge("SOLD SOLD SOLD SOLD SOLD").action.removes


def test_escalation_ladder_per_author(judge: Judge) -> None:
    actions = [judge(LINK, ts=t * 30.0).action for t in range(4)]
    assert actions == [Action.DELETE, Action.TIMEOUT, Action.BAN, Action.BAN]
    assert judge(LINK, author="other", ts=200).action is Action.DELETE


def test_timeout_lasts_600_seconds(judge: Judge) -> None:
    judge(LINK)
    second = judge(LINK, ts=30.0)
    assert second.action is Action.TIMEOUT and second.duration_s == 600
    assert second.to_json() == {"action": "timeout", "reasons": ["link"], "duration_s": 600}


def test_scam_hate_and_impersonation_go_straight_to_ban(judge: Judge) -> None:
    assert judge("sale arabe", author="a").action is Action.BAN
    assert judge("DM me for a 50% discount code", author="b").action is Action.BAN
    assert judge("coucou", author="c", name="Ingrid_Officiel").action is Action.BAN


def test_moderators_and_hosts_are_never_acted_on(judge: Judge) -> None:
    for role in ("moderator", "host"):
        for i in range(10):
            verdict = judge(LINK + " 06 12 34 56 78", author=role, role=role, ts=i * 0.1)
            assert verdict.action is Action.ALLOW


def test_each_decision_carries_its_reasons(judge: Judge) -> None:
    verdict = judge("Ingrid t'es conne, appelle moi au 06 12 34 56 78")
    assert set(verdict.reasons) == {"insult", "contact"}


def test_thresholds_and_actions_are_configurable() -> None:
    policy = ModerationPolicy.from_settings_json(
        SETTINGS,
        {"flood_max_messages": 2, "ladder": ["flag", "delete"], "instant_ban": [], "timeout_s": 60},
    )
    judge = make_judge(ModerationEngine(policy))
    assert [judge(f"m {i}", ts=i).action for i in range(3)][-1] is Action.FLAG
    assert judge("sale arabe", author="x").action is Action.FLAG
    assert judge("sale arabe", author="x").action is Action.DELETE


def test_flag_only_categories_alert_but_stay() -> None:
    policy = ModerationPolicy.from_settings_json(SETTINGS, {"flag_only": ["link"]})
    verdict = make_judge(ModerationEngine(policy))(LINK)
    assert verdict.action is Action.FLAG and verdict.reasons == ("link",)


def test_pardon_resets_the_ladder(engine: ModerationEngine, judge: Judge) -> None:
    judge(LINK, author="u5")
    judge(LINK, author="u5", ts=30)
    engine.pardon("u5")
    assert judge(LINK, author="u5", ts=60).action is Action.DELETE


def test_mute_and_ban_count_on_the_ladder(engine: ModerationEngine, judge: Judge) -> None:
    engine.mute("u6")
    assert judge(LINK, author="u6").action is Action.TIMEOUT
    engine.ban("u7")
    assert judge(LINK, author="u7").action is Action.BAN


def test_allow_domain_and_block_word(engine: ModerationEngine, judge: Judge) -> None:
    # Judged once before each change: a text seen before is judged again under a new policy.
    assert judge("voir partner-shop.com", author="u1").reasons == ("link",)
    assert judge("wesh", author="u2").action is Action.ALLOW
    engine.allow_domain("https://www.Partner-Shop.com/")
    assert judge("voir partner-shop.com", author="u3").action is Action.ALLOW
    assert judge("voir partner-shop.com et shop.partner-shop.com").action is Action.ALLOW
    engine.block_word("wesh")
    assert judge("wesh", author="u9").reasons == ("blocked_word",)


def test_a_repeated_text_gets_the_same_verdict_from_any_author(judge: Judge) -> None:
    for n in range(3):
        assert judge("promo sur cheap-coats.shop", author=f"a{n}").reasons == ("link",)
        assert judge("+1", author=f"b{n}").action is Action.ALLOW
    assert judge("+1", author="x", name="Ingrid").reasons == ("impersonation",)


def test_dry_run_decides_everything_and_says_so(policy: ModerationPolicy) -> None:
    engine = ModerationEngine(policy.with_dry_run(True))
    judge = make_judge(engine)
    first, second = judge(LINK), judge(LINK, ts=30)
    assert (first.action, second.action) == (Action.DELETE, Action.TIMEOUT)
    assert first.dry_run and second.dry_run
    engine.set_dry_run(False)
    assert not judge(LINK, ts=60).dry_run


def test_a_late_removal_climbs_the_same_ladder(engine: ModerationEngine, judge: Judge) -> None:
    judge(LINK, author="u8")
    late = engine.escalate("u8", ["insult"])
    assert late.action is Action.TIMEOUT and late.reasons == ("insult",)
    assert engine.removals("u8") == 2
    assert engine.escalate("u8", []).action is Action.ALLOW


def test_state_stays_bounded_over_a_long_live(policy: ModerationPolicy) -> None:
    engine = ModerationEngine(policy, max_authors=500)
    judge = make_judge(engine)
    for i in range(20_000):  # about 11 hours at one message every 2 s
        judge(f"message numéro {i % 97}", author=f"u{i % 2000}", ts=i * 2.0)
    assert engine.tracked_authors() <= 500
    for i in range(3_000):  # one very chatty author
        judge(f"question {i}", author="chatty", ts=40_000 + i * 0.5)
    state = engine._authors["chatty"]
    assert len(state.history.recent) <= 21
    assert len(state.history.texts) <= 200
    assert engine.state_size() < 500 * 10 + 400
