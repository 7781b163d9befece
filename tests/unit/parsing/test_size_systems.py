"""Sizes in sizing systems ("EU 42", "US 9.5", "UK 10", "T40"): a bare number, or one after
a size word in any language, decimal comma too, reaches the one value it can mean."""

from __future__ import annotations

import pytest

from commerce.catalog import Catalog, CatalogProduct, CatalogVariant
from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product


def _product(sku: str, code: str, sizes: list[str]) -> CatalogProduct:
    return CatalogProduct(
        sku=sku,
        name=f"Model {sku.title()}",
        price_minor=9000,
        code=code,
        options={"size": tuple(sizes)},
        variants=tuple(CatalogVariant(f"{sku}-{n}", {"size": s}, 3) for n, s in enumerate(sizes)),
    )


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser(
        Catalog(
            "EUR",
            (
                _product("SNEAK", "11", ["EU 40", "EU 41", "EU 42", "EU 42.5", "EU 43"]),
                _product("BOOT", "12", ["US 8", "US 8.5", "US 9", "US 9.5"]),
                _product("DRESS", "13", ["T36", "T38", "T40"]),
                _product("COAT", "14", ["UK 8", "UK 10", "UK 12"]),
            ),
        )
    )


@pytest.mark.parametrize(
    ("text", "featured", "size"),
    [
        ("je prends en 42", "SNEAK", "EU 42"),
        ("je prends la 42,5", "SNEAK", "EU 42.5"),
        ("pointure 43", "SNEAK", "EU 43"),
        ("I'll take size 9.5", "BOOT", "US 9.5"),
        ("me lo llevo en talla 9,5", "BOOT", "US 9.5"),
        ("ich nehme Größe 38", "DRESS", "T38"),
        ("lo prendo taglia 40", "DRESS", "T40"),
        ("mine in 10", "COAT", "UK 10"),
        ("je prends en EU 41", "SNEAK", "EU 41"),
    ],
)
def test_a_number_reaches_the_size_in_its_system(
    parser: IntentParser, text: str, featured: str, size: str
) -> None:
    result = parser.parse(text, featured)
    assert result.intent == "buy", result
    assert [(i.sku, i.quantity, i.options) for i in result.items] == [(featured, 1, {"size": size})]


@pytest.mark.parametrize(
    ("text", "size", "quantity"),
    [
        ("lo prendo 41", "EU 41", 1),
        ("je la prends 42,5", "EU 42.5", 1),
        ("la quiero 43", "EU 43", 1),
        ("lo prendo 2", None, 2),  # a small number after "lo prendo" is still a count
    ],
)
def test_a_size_after_a_claim_on_it_is_a_size_not_a_count(
    parser: IntentParser, text: str, size: str | None, quantity: int
) -> None:
    result = parser.parse(text, "SNEAK")
    assert [(i.sku, i.quantity, i.options.get("size")) for i in result.items] == [
        ("SNEAK", quantity, size)
    ]


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("the boot in 8 and a half", "US 8.5"),
        ("je la prends en 9 et demi", "US 9.5"),
        ("quiero la bota en 8 y media", "US 8.5"),
        ("lo prendo 9 e mezzo", "US 9.5"),
        ("ich nehme den Stiefel in 8einhalb", "US 8.5"),
        ("boot 9½ please", "US 9.5"),
    ],
)
def test_a_half_size_said_in_words(parser: IntentParser, text: str, size: str) -> None:
    result = parser.parse(text, "BOOT")
    assert [(i.sku, i.options.get("size")) for i in result.items] == [("BOOT", size)]


def test_a_size_of_two_numbers_is_said_whole() -> None:
    socks = product("SOCK", "5", "Chaussettes Brume", {"size": ("35-38", "39-42", "43-46")})
    parser = IntentParser(catalog(socks))
    for text, quantity, size in (
        ("chaussettes 39-42 x3", 3, "39-42"),
        ("deux paires en 35 38", 2, "35-38"),
        ("une douzaine de chaussettes 43/46", 12, "43-46"),
    ):
        result = parser.parse(text, "SOCK")
        assert [(i.quantity, i.options.get("size")) for i in result.items] == [(quantity, size)]


@pytest.mark.parametrize(("text", "size"), [("8 us", "US 8"), ("size 9,5 US", "US 9.5")])
def test_the_system_said_after_the_number(parser: IntentParser, text: str, size: str) -> None:
    result = parser.parse(text, "BOOT")
    assert [(i.sku, i.options.get("size")) for i in result.items] == [("BOOT", size)]


def test_a_product_sized_in_two_systems() -> None:
    """Slides sized both UK and US: the system said names the value; a bare number or one
    after a size word could mean either, so it is neither a size nor a count."""
    slide = product("SLIDE", "4", "Pool Slide", {"size": ("UK 7", "UK 8", "US 8", "US 9")})
    parser = IntentParser(catalog(slide))
    for text, size in (
        ("mine 8 uk", "UK 8"),
        ("slide talla 9 us", "US 9"),
        ("pointure 8 UK svp", "UK 8"),
        ("sold US 8", "US 8"),
    ):
        result = parser.parse(text, "SLIDE")
        assert [(i.quantity, i.options.get("size")) for i in result.items] == [(1, size)], text
    result = parser.parse("mine in size 8", "SLIDE")
    assert [(i.quantity, i.options) for i in result.items] == [(1, {})]


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("je prends la robe en 104", "98/104"),
        ("robe 92 rouge", "86/92"),
        ("la robe 110-116 svp", "110/116"),
        ("mine in 116", "110/116"),
        ("lo quiero talla 98", "98/104"),
    ],
)
def test_a_childs_size_pair_is_named_by_either_number(text: str, size: str) -> None:
    dress = product(
        "ROBE", "4", "Robe Mohn", {"size": ("86/92", "98/104", "110/116"), "color": ("rouge",)}
    )
    result = IntentParser(catalog(dress)).parse(text, "ROBE")
    assert [i.options.get("size") for i in result.items] == [size]
