"""Normalisation: evasion folds to the plain word, innocent words keep their boundaries."""

from __future__ import annotations

import pytest

from moderation.normalize import fold, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IDIOT", ("idiot",)),
        ("ïdïöt", ("idiot",)),
        ("1d10t", ("idiot",)),
        ("i d i o t", ("idiot",)),
        ("i.d.i.o.t", ("idiot",)),
        ("i-d-i-o-t", ("idiot",)),
        ("idiooooot", ("idiot",)),
        ("ｉｄｉｏｔ", ("idiot",)),
        ("𝐢𝐝𝐢𝐨𝐭", ("idiot",)),
        ("𝓲𝓭𝓲𝓸𝓽", ("idiot",)),
        ("іdіot", ("idiot",)),  # Cyrillic і
        ("id\u200biot", ("idiot",)),
        ("id\u00adiot", ("idiot",)),
        ("i d 1 o t", ("idiot",)),  # a leet digit among letters spaced apart
    ],
)
def test_evasion_folds_to_the_plain_word(text: str, expected: tuple[str, ...]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize("text", ["Scunthorpe", "cocktail", "bassiste", "analyse", "Penistone"])
def test_innocent_words_are_not_cut(text: str) -> None:
    assert len(words(text)) == 1


def test_homoglyphs_use_the_skeleton_not_transliteration() -> None:
    # Cyrillic "В" looks like Latin "B" (a transliteration would give "V").
    assert fold("Вella") == "bella"


def test_spaced_letters_join_but_words_stay_apart() -> None:
    assert words("S O L D") == ("sold",)
    assert words("je prends le 3") == ("je", "prends", "le", "3")


def test_dotted_words_spaced_apart_stay_two_words() -> None:
    assert words("t.r.o.p b.e.l.l.e") == ("trop", "bele")
    assert words("c . o . n") == ("con",)


def test_spaced_digits_are_a_number_not_a_word() -> None:
    assert words("0 6 1 2") == ("0", "6", "1", "2")
    assert words("t e m u 2") == ("temu", "2")  # the number beside the word stays a number


def test_ligatures_are_two_letters() -> None:
    assert words("ma sœur, ex æquo") == ("ma", "soeur", "ex", "aequo")
