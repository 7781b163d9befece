"""No input crashes moderation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.engine import ModerationEngine
from moderation.normalize import words
from moderation.policy import ModerationPolicy
from moderation.verdict import Action, MessageToJudge

ENGINE = ModerationEngine(
    ModerationPolicy.from_settings_json(
        {
            "brand": "Brand",
            "protected_names": ["Ana"],
            "allowed_domains": ["brand.com"],
            "blocked_words": ["spamword"],
        }
    )
)


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(max_size=600),
    name=st.text(max_size=40),
    ts=st.floats(0, 1e6),
    role=st.sampled_from(["viewer", "moderator", "host", "weird"]),
)
def test_any_message_gets_a_verdict(text: str, name: str, ts: float, role: str) -> None:
    verdict = ENGINE.decide(MessageToJudge("m", ts, "author", name, role, text))
    assert verdict.action in set(Action)
    assert all(isinstance(r, str) for r in verdict.reasons)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.characters(categories=["Cf", "Mn", "Zs", "So", "Lo"]), max_size=3000)
)
def test_normalisation_of_exotic_text(text: str) -> None:
    assert isinstance(words(text), tuple)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(categories=["Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Nd", "P"]),
        max_size=800,
    ),
    name=st.text(alphabet=st.characters(categories=["Cc", "Cf", "Lu", "Nd"]), max_size=60),
)
def test_control_and_unassigned_characters(text: str, name: str) -> None:
    verdict = ENGINE.decide(MessageToJudge("m", 2.0, "ctl", name, "viewer", text))
    assert verdict.action in set(Action)


def test_huge_message_is_bounded() -> None:
    verdict = ENGINE.decide(MessageToJudge("m", 1.0, "big", "Big", "viewer", "a b " * 50_000))
    assert verdict.action.removes and "symbols" in verdict.reasons
    dotted = ENGINE.decide(MessageToJudge("m", 3.0, "big2", "B", "viewer", "a." * 100_000))
    assert dotted.action.removes
    for shape in ("0" * 100_000, "x@" * 50_000, "1,5€ " * 20_000):
        assert ENGINE.decide(MessageToJudge("m", 5.0, "big3", "B", "viewer", shape)).action.removes
