"""Every colour the lexicons know, in every language and form, reaches the catalog's own
value, whether the catalog names its colours in English or in French."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from commerce.catalog import Catalog, CatalogProduct, CatalogVariant
from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product

LANGUAGES = ("en", "fr", "es", "de", "it")
CLAIM = {
    "en": "I'll take it in {}",
    "fr": "je le prends en {}",
    "es": "lo quiero en {}",
    "de": "ich nehme es in {}",
    "it": "lo prendo in {}",
}


def _colors(language: str) -> dict[str, list[str]]:
    text = resources.files("commerce").joinpath("lexicons", f"{language}.json").read_text("utf-8")
    return json.loads(text)["colors"]


COLORS = {language: _colors(language) for language in LANGUAGES}
CONCEPTS = sorted(set(COLORS["en"]) & set(COLORS["fr"]))


def _catalog(values_language: str) -> tuple[Catalog, dict[str, str]]:
    """A product per colour concept, in two colours: that one (named as the catalog's
    language names it) and another."""
    products, value_of = [], {}
    for n, concept in enumerate(CONCEPTS):
        value = COLORS[values_language][concept][0]
        other_concept = CONCEPTS[(n + len(CONCEPTS) // 2) % len(CONCEPTS)]
        other = COLORS[values_language][other_concept][0]
        value_of[concept] = value
        products.append(
            CatalogProduct(
                sku=f"P{n}",
                name=f"Article {n}",
                price_minor=1000,
                code=str(100 + n),
                options={"color": (value, other)},
                variants=(
                    CatalogVariant(f"P{n}-A", {"color": value}, 5),
                    CatalogVariant(f"P{n}-B", {"color": other}, 5),
                ),
            )
        )
    return Catalog("EUR", tuple(products)), value_of


def test_the_lexicons_know_at_least_sixty_colours_in_every_language() -> None:
    for language in LANGUAGES:
        assert len(COLORS[language]) >= 60, language
    assert set(COLORS["en"]) == set(COLORS["fr"]) == set(COLORS["de"])


@pytest.mark.parametrize("values_language", ["en", "fr"])
def test_every_colour_form_reaches_the_catalog_value(values_language: str) -> None:
    catalog, value_of = _catalog(values_language)
    parser = IntentParser(catalog)
    misses = []
    for n, concept in enumerate(CONCEPTS):
        for language in LANGUAGES:
            for form in COLORS[language].get(concept, []):
                result = parser.parse(CLAIM[language].format(form), f"P{n}")
                got = [item.options.get("color") for item in result.items]
                if got != [value_of[concept]]:
                    misses.append((language, form, got))
    assert misses == []


@pytest.mark.parametrize(
    ("values", "said", "expected"),
    [
        (("bianco latte", "nero opaco"), "I'll take it in white", "bianco latte"),
        (("bianco latte", "nero opaco"), "je le prends en noir", "nero opaco"),
        (("Ocean Blue", "Sand"), "lo quiero en azul", "Ocean Blue"),
        (("rosso corallo", "verde salvia"), "ich nehme es in grün", "verde salvia"),
        (("blu", "blu navy"), "lo prendo in blu", "blu"),  # the value said whole wins
    ],
)
def test_a_value_of_several_words_is_reached_through_its_colour(
    values: tuple[str, str], said: str, expected: str
) -> None:
    cup = catalog(product("CUP", "5", "Tazza Alba", {"color": values}))
    result = IntentParser(cup).parse(said, "CUP")
    assert [item.options.get("color") for item in result.items] == [expected]


def _one_product(values: tuple[str, ...]) -> Catalog:
    return catalog(product("LAMP", "9", "Lampada Neve", {"color": values}))


@pytest.mark.parametrize(
    ("values", "said", "expected"),
    [
        # the broad colour reaches the product's only shade of it
        (("tannengrün", "weiss"), "I'll take it in green", "tannengrün"),
        (("Vert Sapin", "Noir"), "lo quiero en verde", "Vert Sapin"),
        (("Orage", "navy"), "je le prends en bleu", "navy"),
        # a shade reaches the product's only value of its colour
        (("ecru", "black"), "ich nehme es in elfenbein", "ecru"),
        (("arena", "negro"), "I'll take it in beige", "arena"),
        (("cammello", "nero"), "je le prends en cognac", "cammello"),
        # the shade itself, when the product has it, wins over its colour
        (("verde", "verde oliva"), "I'll take it in olive", "verde oliva"),
        (("verde", "verde oliva"), "lo prendo in verde", "verde"),
    ],
)
def test_a_colour_reaches_the_products_only_value_of_that_colour(
    values: tuple[str, ...], said: str, expected: str
) -> None:
    result = IntentParser(_one_product(values)).parse(said, "LAMP")
    assert [item.options.get("color") for item in result.items] == [expected]


def test_two_shades_of_one_colour_are_not_guessed_between() -> None:
    result = IntentParser(_one_product(("bleu ciel", "bleu marine", "blanc"))).parse(
        "je le prends en turquoise", "LAMP"
    )
    assert [item.options for item in result.items] == [{}]


def test_every_shade_has_a_broad_colour_the_lexicons_know() -> None:
    families = json.loads(
        resources.files("commerce").joinpath("lexicons", "common.json").read_text("utf-8")
    )["color_families"]
    assert set(families) <= set(CONCEPTS)
    assert set(families.values()) <= set(CONCEPTS)
    assert all(families.get(family, family) == family for family in families.values())
