"""An option said before a product's name belongs to that product, and a bare claim next to
a named product claims that product, not the featured one too (unless "also" says so)."""

from __future__ import annotations

import pytest

from commerce.catalog import CatalogProduct
from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product

CATALOG = catalog(
    product("TRAIL", "4", "Trail Kestrel", {"size": ("EU 40", "EU 41", "EU 42")}),
    product("SOAP", "6", "Savon Alpage", {"volume": ("100 ml", "250 ml")}),
    product("BEANIE", "9", "Bonnet Flocon", {"color": ("gris", "rouge")}),
    product("SCARF", "12", "Echarpe Brume", {"color": ("gris", "bleu")}),
)


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser(CATALOG)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("je le veux en 41 le trail kestrel", [("TRAIL", {"size": "EU 41"})]),
        ("sold!! 250 ml savon alpage", [("SOAP", {"volume": "250 ml"})]),
        ("vendu ! bonnet flocon en rouge", [("BEANIE", {"color": "rouge"})]),
        ("mine!! the kestrel 42", [("TRAIL", {"size": "EU 42"})]),
        ("quiero el 6 de 100 ml", [("SOAP", {"volume": "100 ml"})]),
        ("ich nehme Nr. 9 in rot", [("BEANIE", {"color": "rouge"})]),
        ("je prends ! et le 9 aussi", [("SCARF", {}), ("BEANIE", {})]),
    ],
)
def test_options_and_claims_bind_to_the_named_product(
    parser: IntentParser, text: str, expected: list[tuple[str, dict[str, str]]]
) -> None:
    result = parser.parse(text, "SCARF")
    assert result.intent == "buy"
    assert [(i.sku, dict(i.options)) for i in result.items] == expected


def test_a_count_of_a_code_is_still_a_count(parser: IntentParser) -> None:
    result = parser.parse("dos del 9 por favor", "SCARF")
    assert [(i.sku, i.quantity) for i in result.items] == [("BEANIE", 2)]


def _coloured(sku: str, code: str, name: str, colors: tuple[str, ...]) -> CatalogProduct:
    return product(sku, code, name, {"color": colors})


SHARED_WORDS = catalog(
    product("EAU", "1", "Eau Rose Ancienne", {"volume": ("30 ml", "50 ml")}),
    _coloured("TOTE", "2", "Cabas Léon", ("rose", "noir", "camel")),
    product("COAT", "4", "Manteau Camel", {"size": ("S", "M", "L")}),
)


@pytest.mark.parametrize(
    ("text", "featured", "expected"),
    [
        ("je prends le cabas en rose", "TOTE", [("TOTE", {"color": "rose"})]),
        ("2 cabas camel", None, [("TOTE", {"color": "camel"})]),
        ("mine in rose", "TOTE", [("TOTE", {"color": "rose"})]),
        # the word names its product where the product being read has no such colour
        ("le manteau camel en L", "TOTE", [("COAT", {"size": "L"})]),
        ("l'eau rose en 50 ml", "TOTE", [("EAU", {"volume": "50 ml"})]),
        ("je prends le camel en M", "EAU", [("COAT", {"size": "M"})]),
    ],
)
def test_a_colour_word_does_not_pull_in_a_product_named_with_it(
    text: str, featured: str | None, expected: list[tuple[str, dict[str, str]]]
) -> None:
    result = IntentParser(SHARED_WORDS).parse(text, featured)
    assert [(i.sku, dict(i.options)) for i in result.items] == expected


CODES_AND_COUNTS = catalog(
    _coloured("SCARF", "2", "Foulard Iris", ("noir", "bleu")),
    _coloured("TEE", "7", "Tee Onda", ("noir", "blanc")),
    _coloured("CUP", "12", "Tasse Lune", ("blanc",)),
)


@pytest.mark.parametrize(
    ("text", "featured", "expected"),
    [
        ("2 in black pls", "TEE", [("TEE", 2, {"color": "noir"})]),  # the tee comes in black
        ("2 en blanc", "TEE", [("TEE", 2, {"color": "blanc"})]),
        ("2 en bleu", "TEE", [("SCARF", 1, {"color": "bleu"})]),  # only the scarf is blue
        ("le 2 en noir", "TEE", [("SCARF", 1, {"color": "noir"})]),  # an article: a code
        ("12 en blanc", "TEE", [("CUP", 1, {"color": "blanc"})]),  # too many to be a count
    ],
)
def test_a_small_bare_number_before_a_colour_counts_the_product_on_screen(
    text: str, featured: str, expected: list[tuple[str, int, dict[str, str]]]
) -> None:
    result = IntentParser(CODES_AND_COUNTS).parse(text, featured)
    assert [(i.sku, i.quantity, dict(i.options)) for i in result.items] == expected


@pytest.mark.parametrize(
    "text",
    [
        "je prends l'eau rose au lieu du cabas",
        "I'll take the eau rose instead of the cabas",
        "quiero el eau rose en vez del cabas",
        "ich nehme doch lieber das Eau Rose statt dem Cabas",
        "prendo l'eau rose invece del cabas",
    ],
)
def test_what_comes_after_instead_of_is_not_taken(text: str) -> None:
    result = IntentParser(SHARED_WORDS).parse(text, "TOTE")
    assert result.intent == "buy" and [i.sku for i in result.items] == ["EAU"], result


LETTER_CODES = catalog(
    _coloured("JACKET", "A12", "Veste Alba", ("noir", "écru")),
    _coloured("SHIRT", "C-7", "Chemise Cala", ("blanc", "bleu")),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le A 12 en noir", [("JACKET", 1, {"color": "noir"})]),  # a code typed apart
        ("C-7 en bleu", [("SHIRT", 1, {"color": "bleu"})]),
        ("c7 blanc x2", [("SHIRT", 2, {"color": "blanc"})]),
    ],
)
def test_codes_typed_apart_or_without_their_dash(
    text: str, expected: list[tuple[str, int, dict[str, str]]]
) -> None:
    result = IntentParser(LETTER_CODES).parse(text, None)
    assert [(i.sku, i.quantity, dict(i.options)) for i in result.items] == expected


def test_a_price_after_a_is_not_a_code() -> None:
    assert IntentParser(LETTER_CODES).parse("elle est à 12 € ?", "JACKET").items == ()
