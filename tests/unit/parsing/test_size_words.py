"""Size words in every gender and number reach the catalog's letter sizes, and the
word for "size" itself is never a size ("Größe S" is S, not L then S)."""

from __future__ import annotations

import pytest

from commerce.catalog import Catalog, CatalogProduct, CatalogVariant
from commerce.parsing import IntentParser

CATALOG = Catalog(
    "EUR",
    (
        CatalogProduct(
            sku="TOP",
            name="Top Alma",
            price_minor=3000,
            code="7",
            options={"size": ("S", "M", "L")},
            variants=tuple(CatalogVariant(f"TOP-{s}", {"size": s}, 5) for s in "SML"),
        ),
    ),
)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("ich nehme es in Größe S", "S"),
        ("Größe M bitte, ich nehme", "M"),
        ("ich nehme die kleine", "S"),
        ("lo prendo in taglia grande", "L"),
        ("prendo due piccole", "S"),
        ("je prends les petites", "S"),
        ("me la quedo en mediana", "M"),
        ("la quiero en talla grande", "L"),
    ],
)
def test_size_words(text: str, size: str) -> None:
    result = IntentParser(CATALOG).parse(text, "TOP")
    assert [item.options.get("size") for item in result.items] == [size]
