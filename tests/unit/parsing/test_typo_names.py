"""A product name with one typo still names its product; short words and catalog values
are never taken for a misspelt name, and a shared word followed by the telling one names
one product."""

from __future__ import annotations

import pytest

from commerce.catalog import Catalog, CatalogProduct, CatalogVariant
from commerce.parsing import IntentParser


def _product(sku: str, code: str, name: str, aliases: tuple[str, ...] = ()) -> CatalogProduct:
    return CatalogProduct(
        sku=sku,
        name=name,
        price_minor=2000,
        code=code,
        aliases=aliases,
        options={"color": ("noir", "camel")},
        variants=(CatalogVariant(f"{sku}-N", {"color": "noir"}, 3),),
    )


CATALOG = Catalog(
    "EUR",
    (
        _product("ROSALIE", "1", "Robe Rosalie"),
        _product("MARGOT", "2", "Robe Margot"),
        _product("TRENCH", "3", "Trench Odette", ("trench",)),
        _product("SHIRT", "4", "Shirt Basile", ("shirt",)),
        _product("COLLANA", "5", "Collana Luce", ("collana", "necklace")),
    ),
)


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("je prends la robe rosallie", "ROSALIE"),
        ("je prends la robe margo", "MARGOT"),
        ("I want the trensh", "TRENCH"),
        ("lo prendo la colana", "COLLANA"),
        ("je veux odete en noir", "TRENCH"),
        ("la robe rosaile en noir", "ROSALIE"),  # two letters swapped
        ("I want the neckalce", "COLLANA"),
    ],
)
def test_one_typo(text: str, sku: str) -> None:
    assert [item.sku for item in IntentParser(CATALOG).parse(text, None).items] == [sku]


def test_other_words_are_not_misspelt_names() -> None:
    parser = IntentParser(CATALOG)
    assert parser.parse("I'm not taking it, too short for me", "MARGOT").intent.value == "other"
    # "camel" is a colour of the catalog, not a typo of anything
    items = parser.parse("je prends la robe margot en camel", None).items
    assert [(i.sku, i.options) for i in items] == [("MARGOT", {"color": "camel"})]
