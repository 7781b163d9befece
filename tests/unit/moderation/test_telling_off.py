"""The chat telling off someone removed earlier is defending itself: a mild insult in answer to
them stays; the same words to anyone else, or a strong insult, are removed."""

from __future__ import annotations

from moderation.engine import ModerationEngine
from tests.unit.moderation.conftest import make_judge


def _engine_with_a_removed_troll(engine: ModerationEngine) -> None:
    judge = make_judge(engine)
    troll = judge("Ingrid t'es vraiment une conne", author="t1", name="Grumpy_77", ts=1.0)
    assert troll.action.value != "allow"


def test_a_mild_answer_to_a_removed_troll_is_allowed(engine: ModerationEngine) -> None:
    _engine_with_a_removed_troll(engine)
    judge = make_judge(engine)
    for n, text in enumerate(
        [
            "@Grumpy_77 t'es lourd, dégage",
            "@grumpy_77 sei pesante, vattene",
            "@Grumpy_77 du nervst, geh",
        ]
    ):
        verdict = judge(text, author=f"v{n}", name=f"Fan{n}", ts=10.0 + n)
        assert verdict.action.value == "allow", text


def test_the_same_words_to_someone_not_removed_are_removed(engine: ModerationEngine) -> None:
    _engine_with_a_removed_troll(engine)
    judge = make_judge(engine)
    verdict = judge("@Julia t'es lourde, dégage", author="v9", name="Fan9", ts=20.0)
    assert verdict.action.value != "allow"


def test_a_strong_insult_to_a_removed_troll_is_still_removed(engine: ModerationEngine) -> None:
    _engine_with_a_removed_troll(engine)
    judge = make_judge(engine)
    verdict = judge("@Grumpy_77 espèce de connard", author="v8", name="Fan8", ts=30.0)
    assert verdict.action.value != "allow"
