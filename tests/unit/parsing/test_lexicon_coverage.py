"""What the parser's lexicons cover, checked as data: number words one to ten and a dozen
in every language, and the words that take a claim back."""

from __future__ import annotations

import json
from importlib import resources

import pytest

LANGUAGES = ("fr", "en", "es", "de", "it")
# Number words left out on purpose: they are far more often other words in chat
# ("un sac neuf" is a new bag; "sei bellissima" is "you are beautiful").
HOMONYMS = {"fr": {9}, "it": {6}}


def _lexicon(language: str) -> dict:
    text = resources.files("commerce").joinpath("lexicons", f"{language}.json").read_text("utf-8")
    return json.loads(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_number_words_from_one_to_ten_and_a_dozen(language: str) -> None:
    values = set(_lexicon(language)["quantities"].values())
    expected = set(range(1, 11)) | {12}
    assert expected - HOMONYMS.get(language, set()) <= values


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_can_take_a_claim_back(language: str) -> None:
    data = _lexicon(language)
    assert data["no_longer"] and data["claim_verbs"] and data["cancel"]
