"""Each lexicon file says what it covers: every list it holds is described in its
`_covers`, and every language file covers the same ground (a category missing from one
language is a hole in that language)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

LANGUAGES = ("en", "fr", "es", "de", "it")


def _file(package: str, name: str) -> dict:
    return json.loads(resources.files(package).joinpath("lexicons", name).read_text("utf-8"))


@pytest.mark.parametrize("package", ["commerce", "moderation"])
def test_every_list_is_described(package: str) -> None:
    for name in (*(f"{language}.json" for language in LANGUAGES), "common.json"):
        data = _file(package, name)
        covers = data.get("_covers") or {}
        undescribed = sorted(k for k in data if not k.startswith("_") and k not in covers)
        assert undescribed == [], f"{package}/lexicons/{name}: {undescribed}"
        assert all(len(text) > 10 for text in covers.values())


def test_every_language_knows_the_same_colours_and_at_least_sixty() -> None:
    concepts = {
        language: set(_file("commerce", f"{language}.json")["colors"]) for language in LANGUAGES
    }
    assert all(concepts[language] == concepts["en"] for language in LANGUAGES)
    assert len(concepts["en"]) >= 60


def test_number_words_one_to_ten_and_a_dozen_in_every_language() -> None:
    for language in LANGUAGES:
        values = set(_file("commerce", f"{language}.json")["quantities"].values())
        assert set(range(1, 11)) | {12} <= {int(v) for v in values}, language
