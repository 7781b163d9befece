"""Option values beyond colours and sizes: scents, flavours and materials said in any of the
five languages reach the catalog's value; values written as dimensions ("160x200", "30 cm")
are read as the catalog writes them."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product

LANGUAGES = ("en", "fr", "es", "de", "it")


def _value_words(language: str) -> dict[str, list[str]]:
    folder = resources.files("commerce").joinpath("lexicons")
    data = json.loads(folder.joinpath(f"{language}.json").read_text("utf-8"))
    return data["value_words"]


@pytest.mark.parametrize("catalog_language", ["fr", "it"])
@pytest.mark.parametrize("concept", ["vanilla", "fig", "lavender", "linen", "stoneware"])
def test_every_language_reaches_the_catalog_value(catalog_language: str, concept: str) -> None:
    value = _value_words(catalog_language)[concept][0]
    other = "cedar" if concept != "cedar" else "musk"
    second = _value_words(catalog_language)[other][0]
    parser = IntentParser(catalog(product("ITEM", "3", "Objet Prisme", {"kind": (value, second)})))
    for language in LANGUAGES:
        for word in _value_words(language)[concept]:
            result = parser.parse(f"+1 {word}", "ITEM")
            assert [i.options for i in result.items] == [{"kind": value}], (language, word)


def test_a_value_word_the_catalog_does_not_sell_is_just_a_word() -> None:
    mug = product("MUG", "2", "Mug Lou", {"color": ("jaune", "bleu")})
    parser = IntentParser(catalog(mug))
    # "café" names no option of this catalog: a weak claim beside chatter stays chatter
    assert parser.parse("moi je bois du café", "MUG").intent == "other"


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("la nappe en 160x200 pour moi", "160x200"),
        ("tovaglia 160x300 x2", "160x300"),
        ("le vase 30 cm svp", "30 cm"),
        ("je prends en 20cm", "20 cm"),
    ],
)
def test_dimensions_as_the_catalog_writes_them(text: str, size: str) -> None:
    cloth = product(
        "NAPPE", "4", "Nappe Ria", {"size": ("160x200", "160x300")}, ("nappe", "tovaglia")
    )
    vase = product("VASE", "5", "Vase Brin", {"size": ("20 cm", "30 cm")}, ("vase",))
    parser = IntentParser(catalog(cloth, vase))
    featured = "NAPPE" if "x" in size else "VASE"
    result = parser.parse(text, featured)
    assert [(i.sku, i.options) for i in result.items] == [(featured, {"size": size})]


@pytest.mark.parametrize(
    ("text", "quantity", "size"),
    [
        ("two of the 30 cm ones", 2, "30 cm"),
        ("zwei von den 20 cm bitte", 2, "20 cm"),
        ("tres de 30 cm", 3, "30 cm"),
        ("quello da 20 per me", 1, "20 cm"),
    ],
)
def test_a_count_of_a_size(text: str, quantity: int, size: str) -> None:
    vase = product("VASE", "5", "Vase Brin", {"size": ("20 cm", "30 cm")}, ("vase",))
    result = IntentParser(catalog(vase)).parse(text, "VASE")
    assert [(i.quantity, i.options) for i in result.items] == [(quantity, {"size": size})]


@pytest.mark.parametrize("word", ["natural", "naturelle", "naturales", "Natur", "naturali"])
def test_natural_linen_is_a_colour(word: str) -> None:
    cloth = product("NAPPE", "4", "Nappe Ria", {"color": ("naturel", "blanc")}, ("nappe",))
    result = IntentParser(catalog(cloth)).parse(f"+1 {word}", "NAPPE")
    assert [i.options for i in result.items] == [{"color": "naturel"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le fond de teint teinte 2 mate", ("FOND", {"shade": "02", "finish": "mat"})),
        ("base tono 03 acabado mate para mí", ("FOND", {"shade": "03", "finish": "mat"})),
        ("foundation shade 1 satin please", ("FOND", {"shade": "01", "finish": "satiné"})),
        ("la crema para piel seca, me la llevo", ("CREME", {"skin": "peau sèche"})),
        ("Creme für fettige Haut, nehme ich", ("CREME", {"skin": "peau grasse"})),
    ],
)
def test_shades_finishes_and_skin_types(text: str, expected: tuple) -> None:
    """A cosmetics catalog in French: shades "01".."03" said without the zero, finishes and
    skin types said in any language."""
    foundation = product(
        "FOND",
        "5",
        "Fond de teint Lumière",
        {"shade": ("01", "02", "03"), "finish": ("mat", "satiné")},
        ("fond de teint", "base", "foundation"),
    )
    cream = product(
        "CREME",
        "6",
        "Crème Douceur",
        {"skin": ("peau sèche", "peau grasse")},
        ("crème", "crema", "creme"),
    )
    result = IntentParser(catalog(foundation, cream)).parse(text, None)
    assert [(i.sku, i.options) for i in result.items] == [expected]
