"""A product noun in the plural names its product, in each language's way of making one;
a plural spelling that is already a word of the lexicons stays that word."""

from __future__ import annotations

import pytest

from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product

COLORS = {"color": ("rosso", "blu")}
CATALOG = catalog(
    product("POUCH", "31", "Pochette Riva", COLORS, ("borsa", "Tasche", "bag")),
    product("PILLOW", "32", "Cuscino Onda", COLORS, ("cuscino", "cojín", "Kissen")),
    product("SCARF", "33", "Sciarpa Vento", COLORS, ("scarf", "écharpe", "Schal")),
    product("NOVA", "34", "Nova", COLORS),
)


@pytest.mark.parametrize(
    ("text", "sku", "quantity"),
    [
        ("prendo due borse rosse", "POUCH", 2),
        ("zwei Taschen in blau bitte", "POUCH", 2),
        ("3 bags in red", "POUCH", 3),
        ("tre cuscini blu per me", "PILLOW", 3),
        ("quiero dos cojines rojos", "PILLOW", 2),
        ("two scarves in blue please", "SCARF", 2),
        ("je prends deux écharpes bleues", "SCARF", 2),
    ],
)
def test_a_plural_noun_names_its_product(text: str, sku: str, quantity: int) -> None:
    result = IntentParser(CATALOG).parse(text, "NOVA")
    assert [(i.sku, i.quantity) for i in result.items] == [(sku, quantity)]
    assert all(i.options.get("color") for i in result.items)


def test_a_plural_that_is_a_number_word_stays_a_number() -> None:
    # "nove" (nine) is not a plural of the product "Nova"
    result = IntentParser(CATALOG).parse("ne prendo nove in blu", "POUCH")
    assert [(i.sku, i.quantity) for i in result.items] == [("POUCH", 9)]
