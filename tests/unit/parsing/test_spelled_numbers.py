"""Numbers from eleven to ninety-nine said in words reach sizes and counts as digits do."""

from __future__ import annotations

import pytest

from commerce.parsing import IntentParser
from commerce.parsing.spelled_numbers import digits_for_spelled
from commerce.parsing.text import normalize
from tests.unit.parsing.builders import catalog, product


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("thirty-seven", "37"),
        ("forty one", "41"),
        ("trente-neuf", "39"),
        ("soixante et onze", "71"),
        ("quatre-vingt-douze", "92"),
        ("nonante-trois", "93"),
        ("treinta y seis", "36"),
        ("veintitrés", "23"),
        ("neununddreißig", "39"),
        ("einundvierzig", "41"),
        ("trentanove", "39"),
        ("quarantotto", "48"),
        ("diciassette", "17"),
    ],
)
def test_a_spelled_number_becomes_its_digits(said: str, digits: str) -> None:
    assert normalize(said) == digits


@pytest.mark.parametrize("text", ["once again", "quince jam", "un elf", "deux", "una", "seven"])
def test_words_that_are_often_something_else_and_one_to_ten_stay_words(text: str) -> None:
    assert digits_for_spelled(normalize(text)) == normalize(text)


def test_a_size_said_in_words_reaches_the_catalog_value() -> None:
    shoes = product("BOOT", "4", "Bottine Alma", {"size": ("37", "38", "39", "40", "41")})
    parser = IntentParser(catalog(shoes))
    for text in (
        "je la prends en trente-neuf",
        "la quiero en treinta y nueve",
        "neununddreißig bitte",
    ):
        items = parser.parse(text, "BOOT").items
        assert [(i.sku, i.options) for i in items] == [("BOOT", {"size": "39"})], text
