"""Letters stretched for emphasis ("neeeed", "annuleeee") do not hide a claim or a
cancel, even in words whose spelling has a double letter."""

from __future__ import annotations

import pytest

from commerce.parsing import IntentParser
from tests.unit.parsing.test_size_words import CATALOG


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("neeeed it", "buy"),
        ("takeee", "buy"),
        ("lo quierooo", "buy"),
        ("ich nehmeee", "buy"),
        ("annuleeeez", "cancel"),
        ("cancellll", "cancel"),
        ("trop beauuuu", "other"),
        ("take a look at the back", "other"),
    ],
)
def test_stretched_words(text: str, intent: str) -> None:
    assert IntentParser(CATALOG).parse(text, "TOP").intent.value == intent
