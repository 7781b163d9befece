"""Catalog files are validated whole: a bad one is refused with its line and field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from commerce.catalog import CatalogError
from commerce.catalog_formats.json_format import parse_catalog_json
from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_formats.shopify_csv import parse_shopify_csv

DATA = Path(__file__).resolve().parents[1] / "data"


def catalog_text(**product_overrides: object) -> str:
    product = {
        "sku": "P1",
        "code": "1",
        "name": "Pull",
        "price": "30.00",
        "options": {"size": ["S", "M"]},
        "variants": [{"sku": "P1-S", "options": {"size": "S"}, "stock": 2}],
    }
    product.update(product_overrides)
    return json.dumps({"currency": "EUR", "products": [product]}, indent=2)


def test_json_catalog_loads_with_prices_in_minor_units() -> None:
    catalog = load_catalog_file(DATA / "catalog-bijoux.json")
    assert catalog.currency == "EUR"
    collier = catalog.by_sku("COLLIER-ISA")
    assert collier is not None and collier.price_minor == 4990 and collier.code == "B7"
    ring = catalog.by_sku("BAGUE-ORA")
    assert (
        ring is not None and ring.variant_for({"size": "52", "color": "DORÉ"}).sku == "ORA-52-DORE"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price": 30.5}, "field 'price' must be str/int"),
        ({"price": "30.555"}, "too many decimals"),
        ({"sku": ""}, "field 'sku' is empty"),
        ({"variants": [{"sku": "X", "options": {"size": "XXL"}, "stock": 1}]}, "size='XXL'"),
        (
            {"variants": [{"sku": "X", "options": {"size": "S"}, "stock": -1}]},
            "'stock' must be >= 0",
        ),
        ({"aliases": "pull"}, "'aliases' must be a list"),
    ],
)
def test_bad_product_is_refused_with_line_and_field(overrides: dict, message: str) -> None:
    with pytest.raises(CatalogError) as err:
        parse_catalog_json(catalog_text(**overrides), source="cat.json")
    assert message in str(err.value)
    assert str(err.value).startswith("cat.json:4")  # the product's opening line


def test_invalid_json_names_the_line() -> None:
    with pytest.raises(CatalogError, match=r"cat.json:3: not valid JSON"):
        parse_catalog_json('{\n"currency": "EUR",\n"products": [,]}', source="cat.json")


def test_duplicate_codes_are_refused() -> None:
    text = json.dumps(
        {
            "currency": "EUR",
            "products": [
                {"sku": "A", "code": "7", "name": "A", "price": "1.00"},
                {"sku": "B", "code": "7", "name": "B", "price": "1.00"},
            ],
        }
    )
    with pytest.raises(CatalogError, match="duplicate code"):
        parse_catalog_json(text)


def test_shopify_csv_groups_variant_rows_under_their_product() -> None:
    catalog = load_catalog_file(DATA / "shopify-products.csv", currency="EUR")
    assert [p.sku for p in catalog.products] == ["veste-luna", "bonnet-neve"]
    luna, neve = catalog.products
    assert luna.code == "L1" and luna.price_minor == 12000
    assert luna.options == {"size": ("S", "M"), "color": ("noir", "camel")}
    assert [(v.sku, v.stock) for v in luna.variants] == [
        ("LUNA-S-NOIR", 3),
        ("LUNA-M-NOIR", 0),
        ("LUNA-M-CAMEL", 5),
    ]
    assert neve.code == "2" and neve.options == {} and neve.variants[0].stock == 12


def test_shopify_csv_bad_price_names_line_and_field() -> None:
    text = (
        (DATA / "shopify-products.csv")
        .read_text()
        .replace("LUNA-M-CAMEL,120.00", "LUNA-M-CAMEL,abc")
    )
    with pytest.raises(CatalogError, match=r"products.csv:4: field 'Variant Price'"):
        parse_shopify_csv(text, "EUR")


def test_shopify_csv_missing_columns() -> None:
    with pytest.raises(CatalogError, match="missing column"):
        parse_shopify_csv("Handle,Title\nx,y\n", "EUR")


def _without_column(text: str, column: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out).writerows(r[:index] + r[index + 1 :] for r in rows)
    return out.getvalue()


@pytest.mark.parametrize("column", ["Variant Inventory Qty", "Option1 Value", "Variant SKU"])
def test_shopify_csv_without_a_key_column_is_rejected_whole(column: str) -> None:
    """Without quantities real stock would be zeroed; without option values the variants
    would all look alike; without SKUs a later import would count stock twice."""
    text = _without_column((DATA / "shopify-products.csv").read_text(), column)
    with pytest.raises(CatalogError, match=rf"products.csv:1: missing column\(s\): {column}"):
        parse_shopify_csv(text, "EUR")


def test_shopify_csv_row_without_a_variant_sku_is_rejected_with_its_line() -> None:
    text = (DATA / "shopify-products.csv").read_text().replace("LUNA-M-NOIR", "")
    with pytest.raises(CatalogError, match=r"products.csv:3: field 'Variant SKU' is empty"):
        parse_shopify_csv(text, "EUR")
