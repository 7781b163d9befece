"""Option values that are amounts ("500 g", "0,75 L", "4 Tassen") are reached however the
viewer says the amount: another unit or language ("500 gr", "750 ml", "4 tazas"), words
("mezzo chilo", "ein Pfund"), the number alone when it cannot be a count, or counted
("3 x 500g"). A value that is also another product's name is that product's option only
where the product being read has it."""

from __future__ import annotations

import pytest

from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product

TEA = product(
    "THE",
    "2",
    "Thé Nuage",
    {"weight": ("100 g", "500 g", "1 kg"), "form": ("vrac", "sachets")},
    ("thé",),
)
CARAFE = product("CARAFE", "5", "Carafe Onde", {"capacity": ("0,75 L", "1,5 L")}, ("carafe",))
POT = product("THEIERE", "7", "Théière Sachets", {"size": ("4 Tassen", "8 Tassen")}, ("théière",))
PARSER = IntentParser(catalog(TEA, CARAFE, POT))


@pytest.mark.parametrize(
    ("text", "featured", "item"),
    [
        ("je prends 500 gr", "THE", ("THE", 1, {"weight": "500 g"})),
        ("lo quiero de medio kilo", "THE", ("THE", 1, {"weight": "500 g"})),
        ("ich nehme ein Pfund", "THE", ("THE", 1, {"weight": "500 g"})),
        ("mine, a kilo please", "THE", ("THE", 1, {"weight": "1 kg"})),
        ("prendo 1000 grammi", "THE", ("THE", 1, {"weight": "1 kg"})),
        ("3 x 100g pour moi", "THE", ("THE", 3, {"weight": "100 g"})),
        ("la carafe de 750 ml svp", "CARAFE", ("CARAFE", 1, {"capacity": "0,75 L"})),
        ("I'll take the 1.5 litre one", "CARAFE", ("CARAFE", 1, {"capacity": "1,5 L"})),
        ("quiero la de 0,75", "CARAFE", ("CARAFE", 1, {"capacity": "0,75 L"})),
        ("me la llevo de 8 tazas", "THEIERE", ("THEIERE", 1, {"size": "8 Tassen"})),
        ("la prendo da 4 tazze", "THEIERE", ("THEIERE", 1, {"size": "4 Tassen"})),
    ],
)
def test_an_amount_reaches_the_catalog_value_of_that_amount(
    text: str, featured: str, item: tuple[str, int, dict[str, str]]
) -> None:
    result = PARSER.parse(text, featured)
    assert result.intent.value == "buy", text
    assert [(i.sku, i.quantity, i.options) for i in result.items] == [item], text


def test_a_small_number_alone_stays_a_count() -> None:
    result = PARSER.parse("je prends 3", "THE")
    assert [(i.sku, i.quantity, i.options) for i in result.items] == [("THE", 3, {})]


def test_a_name_that_is_an_option_value_of_the_product_read_is_that_option() -> None:
    """ "Sachets" names the teapot, and is a form of the tea: after the tea's weight it is
    the tea's form; with an article it is still the teapot."""
    result = PARSER.parse("100 g sachets pour moi", "THE")
    assert [(i.sku, i.options) for i in result.items] == [
        ("THE", {"weight": "100 g", "form": "sachets"})
    ]


@pytest.mark.parametrize(
    ("text", "grind"),
    [
        ("500 g in chicchi per me", "ganze Bohne"),
        ("me lo llevo en grano", "ganze Bohne"),
        ("je le prends moulu pour cafetière italienne", "moka"),
        ("ich nehme ihn für den Filter gemahlen", "filter"),
    ],
)
def test_grinds_said_in_any_language_reach_the_catalog_grind(text: str, grind: str) -> None:
    coffee = product(
        "CAFE",
        "3",
        "Café Alto",
        {"weight": ("500 g", "1 kg"), "grind": ("ganze Bohne", "filter", "moka")},
    )
    result = IntentParser(catalog(coffee)).parse(text, "CAFE")
    assert [i.options.get("grind") for i in result.items] == [grind], text


@pytest.mark.parametrize(
    ("text", "featured", "item"),
    [
        ("the small one for me", "THE", ("THE", 1, {"weight": "100 g"})),
        ("io prendo il grande", "THE", ("THE", 1, {"weight": "1 kg"})),
        ("ich nehm das mittlere", "THE", ("THE", 1, {"weight": "500 g"})),
        ("la petite pour moi", "CARAFE", ("CARAFE", 1, {"capacity": "0,75 L"})),
        ("dos grandes", "CARAFE", ("CARAFE", 2, {"capacity": "1,5 L"})),
    ],
)
def test_small_and_large_of_a_product_sold_by_amounts(
    text: str, featured: str, item: tuple[str, int, dict[str, str]]
) -> None:
    """Without letter sizes, "small" and "large" are the smallest and largest amount."""
    result = PARSER.parse(text, featured)
    assert result.intent.value == "buy"
    assert [(i.sku, i.quantity, i.options) for i in result.items] == [item]


@pytest.mark.parametrize(
    ("text", "featured", "item"),
    [
        ("para mí una de cien gramos", "THE", ("THE", 1, {"weight": "100 g"})),
        ("prendo quello da cinquecento grammi", "THE", ("THE", 1, {"weight": "500 g"})),
        ("ich nehm hundert Gramm", "THE", ("THE", 1, {"weight": "100 g"})),
        # a count of an amount, not the product whose code the count also is
        ("2 de 500 g", "THE", ("THE", 2, {"weight": "500 g"})),
        ("tres bolsitas de 100 g", "THE", ("THE", 3, {"weight": "100 g", "form": "sachets"})),
        ("a refill pouch of 100 g", "THE", ("THE", 1, {"weight": "100 g", "form": "sachets"})),
    ],
)
def test_amounts_in_words_and_counts_of_an_amount(
    text: str, featured: str, item: tuple[str, int, dict[str, str]]
) -> None:
    result = PARSER.parse(text, featured)
    assert result.intent.value == "buy"
    assert [(i.sku, i.quantity, i.options) for i in result.items] == [item]


def test_a_whole_alias_names_its_product_before_a_word_of_another_name() -> None:
    """ "matcha" is the powder's whole alias; the kit only has the word inside its name."""
    powder = product("POWDER", "9", "Matcha Uji", {"weight": ("30 g", "100 g")}, ("matcha",))
    kit = product("KIT", "10", "Coffret Rituel Matcha", {})
    parser = IntentParser(catalog(powder, kit))
    result = parser.parse("je rajoute un matcha 30g", None)
    assert [(i.sku, i.quantity, i.options) for i in result.items] == [
        ("POWDER", 1, {"weight": "30 g"})
    ]
