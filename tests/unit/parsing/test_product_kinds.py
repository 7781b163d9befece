"""A kind of product said in any language names the catalog's product of that kind, whatever
language the catalog names it in ("borsa" of a "Bolso Lía", "Kleid" of a "Robe Alix")."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from commerce.parsing import IntentParser
from commerce.parsing.lexicon import load_lexicon
from commerce.parsing.text import phrase_tokens
from tests.unit.parsing.builders import catalog, product

LANGUAGES = ("en", "fr", "es", "de", "it")
CLAIM = {
    "en": "I'll take the {} please",
    "fr": "je prends le {} svp",
    "es": "me llevo el {} porfa",
    "de": "ich nehme den {} bitte",
    "it": "prendo il {} grazie",
}


def _kinds(language: str) -> dict[str, list[str]]:
    text = resources.files("commerce").joinpath("lexicons", f"{language}.json").read_text("utf-8")
    return json.loads(text)["product_types"]


KINDS = {language: _kinds(language) for language in LANGUAGES}


def test_every_language_lists_the_same_kinds_and_a_spelling_names_one_kind() -> None:
    assert all(set(KINDS[language]) == set(KINDS["en"]) for language in LANGUAGES)
    assert len(KINDS["en"]) >= 80
    lexicon = load_lexicon()
    for language in LANGUAGES:
        for kind, spellings in KINDS[language].items():
            for spelling in spellings:
                assert lexicon.product_types[phrase_tokens(spelling)] == kind, (language, spelling)


@pytest.mark.parametrize("catalog_language", ["fr", "it"])
def test_a_kind_said_in_any_language_reaches_the_product_of_that_kind(
    catalog_language: str,
) -> None:
    lexicon = load_lexicon()
    misses = []
    for kind, named in KINDS[catalog_language].items():
        if not named:
            continue
        item = product("ITEM", "1", f"{named[0]} Aurore", {"color": ("noir", "rouge")})
        other = product("OTHER", "2", "Article Zéphyr", {"color": ("bleu", "vert")})
        parser = IntentParser(catalog(item, other))
        for language in LANGUAGES:
            for spelling in KINDS[language][kind]:
                tokens = phrase_tokens(spelling)
                if lexicon.product_types.get(tokens) != kind:
                    continue  # listed under another kind first
                if len(tokens) == 1 and lexicon.knows_word(tokens[0]):
                    continue  # a word with a meaning of its own is not read as a kind
                got = [i.sku for i in parser.parse(CLAIM[language].format(spelling), "OTHER").items]
                if got != ["ITEM"]:
                    misses.append((kind, language, spelling, got))
    assert misses == []
