"""CSV exports never carry a formula a spreadsheet would run (OWASP CSV injection)."""

from __future__ import annotations

import csv
from pathlib import Path

from commerce.export import write_orders_csv
from kernel.csv_cells import safe_cell


def _document(buyer: str, name: str) -> dict:
    return {
        "order_id": 7,
        "status": "paid",
        "currency": "EUR",
        "total_minor": 9000,
        "paid_at": None,
        "buyer": {"name": buyer, "platform_user_id": "@handle", "email": "=x@y.example"},
        "shipping_address": {"line1": "-1 Main St", "city": "Lyon"},
        "lines": [
            {
                "product_sku": "TOTE",
                "variant_sku": "TOTE-1",
                "name": name,
                "options": {"color": "=red"},
                "quantity": 2,
                "unit_price_minor": 4500,
            }
        ],
    }


def test_formula_like_text_is_neutralised_and_plain_text_kept() -> None:
    for risky in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(risky) == "'" + risky
    assert safe_cell("Ann") == "Ann" and safe_cell(3) == 3 and safe_cell(None) is None


def test_the_order_export_neutralises_viewer_text(tmp_path: Path) -> None:
    path = write_orders_csv([_document('=cmd|"/c calc"!A1', "+Tote")], tmp_path / "o.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["buyer"] == '\'=cmd|"/c calc"!A1'
    assert row["buyer_platform_id"] == "'@handle"
    assert row["name"] == "'+Tote"
    assert row["options"] == "color==red"  # starts with a letter: nothing to neutralise
    assert row["buyer_email"] == "'=x@y.example" and row["ship_line1"] == "'-1 Main St"
    assert row["ship_city"] == "Lyon" and row["order_total"] == "90.00"
    assert row["quantity"] == "2" and row["unit_price"] == "45.00"
