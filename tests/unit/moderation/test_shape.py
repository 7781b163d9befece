"""Symbols: long runs of one character, zalgo text and oversized messages; emoji fans stay."""

from __future__ import annotations

import pytest

from tests.unit.moderation.conftest import Judge


@pytest.mark.parametrize(
    "text",
    [
        "!" * 31,
        "🤑" * 31,
        "😍 " * 31,
        "NOOO" + "O" * 30 + "N",
        "x" * 501,
        "Z̴̡̛͓̯̓A̸̛̰̓L̵̨̛̗̓G̴̛̰̓O̵̧̗̓ i̴̡̛̓s̵̨̛̓ h̴̡̛̓e̵̡̛̓r̵̨̛̓e̴̡̛̓",
    ],
)
def test_symbol_spam_is_removed(fresh_judge: Judge, text: str) -> None:
    verdict = fresh_judge(text)
    assert verdict.action.removes and "symbols" in verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "😍" * 30,
        "❤️" * 25,
        "🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥",
        "OUIIIIIIIIIIIIII",
        ("la robe " * 63)[:500],
        "Tiếng Việt có dấu, được không?",
        "नमस्ते, क्या यह उपलब्ध है?",
        "👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽",
        "👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧",
    ],
)
def test_loud_but_human_messages_stay(fresh_judge: Judge, text: str) -> None:
    assert fresh_judge(text).action.value == "allow", text
