"""A count of a code after "of" and an article ("2 de la 3", "zwei von der 3"), and a
number word asked for with "please" ("deux svp", "dos por favor"), but never "tres bien"."""

from __future__ import annotations

import pytest

from commerce.catalog import Catalog, CatalogProduct, CatalogVariant
from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product


def _product(sku: str, code: str) -> CatalogProduct:
    return CatalogProduct(
        sku=sku,
        name=f"Vase {sku.title()}",
        price_minor=2500,
        code=code,
        options={"size": ("S", "M")},
        variants=(CatalogVariant(f"{sku}-S", {"size": "S"}, 9),),
    )


CATALOG = Catalog("EUR", (_product("ONDA", "3"), _product("LUNA", "5"), _product("SOLE", "8")))


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("2 of the 3", [("ONDA", 2)]),
        ("2 de la 3 et 1 de la 5", [("ONDA", 2), ("LUNA", 1)]),
        ("zwei von der 3", [("ONDA", 2)]),
        ("deux de la 5", [("LUNA", 2)]),
        ("2 della 8", [("SOLE", 2)]),
        ("deux svp", [("SOLE", 2)]),
        ("zwei bitte", [("SOLE", 2)]),
        ("dos por favor", [("SOLE", 2)]),
        ("tres bien", []),
    ],
)
def test_counts(text: str, items: list[tuple[str, int]]) -> None:
    result = IntentParser(CATALOG).parse(text, "SOLE")
    assert [(i.sku, i.quantity) for i in result.items] == items


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("#3 en S x3", [("ONDA", 3, {"size": "S"})]),
        ("#5 x2", [("LUNA", 2, {})]),
        ("#8 small x3", [("SOLE", 3, {"size": "S"})]),  # the featured product's own code
        ("deux 5", [("LUNA", 2, {})]),
        ("je prends #3 et #8", [("ONDA", 1, {}), ("SOLE", 1, {})]),
    ],
)
def test_a_hash_number_is_a_code_and_the_count_comes_around_it(
    text: str, items: list[tuple[str, int, dict[str, str]]]
) -> None:
    result = IntentParser(CATALOG).parse(text, "SOLE")
    assert [(i.sku, i.quantity, i.options) for i in result.items] == items


@pytest.mark.parametrize(
    ("text", "sku", "quantity"),
    [
        ("2x 102 en bleu", "HOODIE", 2),
        ("102 x 2", "HOODIE", 2),
        ("2 x 103", "CAP", 2),
        ("103 x 3", "CAP", 3),
    ],
)
def test_a_count_and_a_code_around_an_x(text: str, sku: str, quantity: int) -> None:
    hoodie = product("HOODIE", "102", "Hoodie Dune", {"color": ("bleu", "gris")})
    cap = product("CAP", "103", "Casquette Dune", {"color": ("noir",)})
    result = IntentParser(catalog(hoodie, cap)).parse(text, "HOODIE")
    assert [(i.sku, i.quantity) for i in result.items] == [(sku, quantity)]


@pytest.mark.parametrize(
    ("text", "quantity"),
    [("hoodie bleu zwei Stück", 2), ("hoodie bleu 2 pcs", 2), ("hoodie en bleu 3 unidades", 3)],
)
def test_a_count_with_its_unit_after_the_options_counts_that_item(text: str, quantity: int) -> None:
    hoodie = product("HOODIE", "102", "Hoodie Dune", {"color": ("bleu", "gris")}, ("hoodie",))
    result = IntentParser(catalog(hoodie)).parse(text, "HOODIE")
    assert [(i.quantity, i.options.get("color")) for i in result.items] == [(quantity, "bleu")]


def test_a_count_before_a_code() -> None:
    hoodie = product("HOODIE", "2", "Hoodie Dune", {"color": ("bleu",)})
    cap = product("CAP", "A1", "Casquette Dune", {"color": ("noir",)})
    result = IntentParser(catalog(hoodie, cap)).parse("2 A1", "HOODIE")
    assert [(i.sku, i.quantity) for i in result.items] == [("CAP", 2)]


def test_a_code_then_a_count_with_its_unit() -> None:
    """ "7 rouge L 3 pièces": the count comes with its unit after the options, so the first
    number was the code of a product that has those options, not a count."""
    shirt = product("CHEMISE", "7", "Chemise Rivage", {"size": ("M", "L"), "color": ("rouge",)})
    cap = product("CASQUETTE", "2", "Casquette Rade", {"color": ("bleu", "rouge")})
    parser = IntentParser(catalog(shirt, cap))
    for text in ("7 rouge L 3 pièces", "7 rot L 3 Stück", "7 red large x3"):
        result = parser.parse(text, "CHEMISE")
        assert [(i.sku, i.quantity, i.options) for i in result.items] == [
            ("CHEMISE", 3, {"color": "rouge", "size": "L"})
        ], text
    for text in ("7 rouge 3 pièces", "7 rosso 3 pezzi"):  # a red cap is on screen
        result = parser.parse(text, "CASQUETTE")
        assert [(i.sku, i.quantity, i.options) for i in result.items] == [
            ("CHEMISE", 3, {"color": "rouge"})
        ], text
    # a red cap on screen: "7 rouge" alone counts caps
    assert [(i.sku, i.quantity) for i in parser.parse("7 rouge", "CASQUETTE").items] == [
        ("CASQUETTE", 7)
    ]
    # the code's product lacks the options: the first number stays the count
    result = parser.parse("2 rouge L 3 pièces", "CHEMISE")
    assert [(i.sku, i.quantity) for i in result.items] == [("CHEMISE", 2)]


def test_a_count_before_a_named_size_and_an_article() -> None:
    sheet = product("DRAP", "9", "Drap Aube", {"size": ("simple", "double")})
    parser = IntentParser(catalog(sheet))
    assert [(i.quantity, i.options) for i in parser.parse("due matrimoniali", "DRAP").items] == [
        (2, {"size": "double"})
    ]
    assert [i.quantity for i in parser.parse("deux le drap", None).items] == [2]


def test_grosse_is_large_before_a_product_and_the_size_word_before_a_size() -> None:
    bag = product("TASCHE", "4", "Tasche Mira", {"size": ("klein", "groß"), "color": ("noir",)})
    dress = product("KLEID", "6", "Kleid Nova", {"size": ("S", "M", "L")})
    parser = IntentParser(catalog(bag, dress))
    assert parser.parse("ich nehme die große schwarze Tasche", "TASCHE").items[0].options == {
        "size": "groß",
        "color": "noir",
    }
    assert parser.parse("Größe M bitte", "KLEID").items[0].options == {"size": "M"}


_MUG = product("TASSE", "4", "Tasse Alba", {"size": ("S", "L")}, ("tasse", "mug"))


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("one for me and one for my aunt", [(2, {})]),
        ("una per me e una per mia zia", [(2, {})]),
        ("eine für mich und eine für meine Oma", [(2, {})]),
        # the total came first, then how it is shared: still two
        ("deux : une pour moi et une pour ma voisine", [(2, {})]),
        # counts per person with their own options stay separate items
        ("una en S para mí y una en L para mi prima", [(1, {"size": "S"}), (1, {"size": "L"})]),
    ],
)
def test_units_counted_one_person_at_a_time_add_up(
    text: str, items: list[tuple[int, dict[str, str]]]
) -> None:
    result = IntentParser(catalog(_MUG)).parse(text, "TASSE")
    assert result.intent.value == "buy", text
    assert [(i.quantity, i.options) for i in result.items] == items, text
