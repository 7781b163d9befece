"""Sizes a catalog names in words ("piccola", "matrimoniale", "taglia unica") are reached
from any language: a size word reaches its letter's value, a named size its concept."""

from __future__ import annotations

import pytest

from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product

CATALOG = catalog(
    product(
        "BORSA",
        "1",
        "Borsa Luna",
        {"taglia": ("piccola", "media", "grande"), "colore": ("oro", "bianco")},
        ("borsa", "bag", "sac", "bolso", "tasche"),
    ),
    product(
        "LENZ",
        "2",
        "Lenzuola Lino",
        {"misura": ("singolo", "matrimoniale"), "colore": ("bianco", "verde salvia")},
        ("lenzuola", "sheets", "draps", "sábanas", "bettwäsche"),
    ),
    product("CAPPELLO", "3", "Cappello Sole", {"taglia": ("taglia unica",)}, ("hat", "chapeau")),
)


@pytest.mark.parametrize(
    ("text", "sku", "option", "value"),
    [
        ("the small bag in gold", "BORSA", "taglia", "piccola"),
        ("le sac en petit", "BORSA", "taglia", "piccola"),
        ("bolso mediano", "BORSA", "taglia", "media"),
        ("die Tasche in groß", "BORSA", "taglia", "grande"),
        ("I'll take the bag in M", "BORSA", "taglia", "media"),
        ("les draps en 2 personnes", "LENZ", "misura", "matrimoniale"),
        ("sheets double white", "LENZ", "misura", "matrimoniale"),
        ("sábanas de matrimonio", "LENZ", "misura", "matrimoniale"),
        ("Bettwäsche Einzelbett", "LENZ", "misura", "singolo"),
        ("lenzuola matrimoniali bianche", "LENZ", "misura", "matrimoniale"),
        ("le chapeau taille unique", "CAPPELLO", "taglia", "taglia unica"),
        ("the hat, one size", "CAPPELLO", "taglia", "taglia unica"),
    ],
)
def test_a_size_named_in_another_language_reaches_the_catalog_value(
    text: str, sku: str, option: str, value: str
) -> None:
    result = IntentParser(CATALOG).parse(text, sku)
    assert [(i.sku, i.options.get(option)) for i in result.items] == [(sku, value)], result


def test_a_lined_question_is_not_a_double_bed() -> None:
    assert IntentParser(CATALOG).parse("elle est doublée ?", "BORSA").intent.value == "question"
