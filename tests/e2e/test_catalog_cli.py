"""`vitrine catalog import` as a user runs it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from commerce.models import Product, Variant

DATA = Path(__file__).resolve().parents[1] / "data"


def vitrine(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # Wide enough that an error quoting a long temporary path (a long user name, TMPDIR or
    # --basetemp) stays on one line: the terminal width is the caller's environment too.
    env = {**os.environ, "VITRINE_DATA_DIR": str(cwd or Path.cwd()), "COLUMNS": "1000"}
    return subprocess.run(
        [sys.executable, "-m", "vitrine.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def counts(database) -> tuple[int, int]:
    with database.unit_of_work() as uow:
        s = uow.session
        return (
            s.scalar(select(func.count()).select_from(Product)),
            s.scalar(select(func.count()).select_from(Variant)),
        )


def test_import_json_then_csv(database, database_url: str) -> None:
    done = vitrine("catalog", "import", str(DATA / "catalog-bijoux.json"), "--db", database_url)
    assert done.returncode == 0, done.stderr
    assert "imported 3 products (3 new, 0 updated), 9 variants, 27 units" in done.stdout
    again = vitrine("catalog", "import", str(DATA / "catalog-bijoux.json"), "--db", database_url)
    assert "(0 new, 3 updated)" in again.stdout
    csv_done = vitrine(
        "catalog", "import", str(DATA / "shopify-products.csv"), "--db", database_url
    )
    assert csv_done.returncode == 0, csv_done.stderr
    assert counts(database) == (5, 13)


def test_bad_file_is_rejected_whole(database, database_url: str, tmp_path: Path) -> None:
    catalog = json.loads((DATA / "catalog-bijoux.json").read_text())
    catalog["products"][2]["variants"][1]["stock"] = "many"  # the last product is bad
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(catalog, indent=2))
    done = vitrine("catalog", "import", str(bad), "--db", database_url)
    assert done.returncode == 1
    assert "nothing imported" in done.stderr and "SERUM-ECLAT" in done.stderr
    assert "'stock' must be int" in done.stderr
    assert counts(database) == (0, 0)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    done = vitrine("catalog", "import", str(tmp_path / "nope.json"))
    assert done.returncode == 2 and "does not exist" in done.stderr


def test_a_code_another_product_already_has_is_refused_in_one_line(
    database, database_url: str, tmp_path: Path
) -> None:
    assert (
        vitrine(
            "catalog", "import", str(DATA / "catalog-bijoux.json"), "--db", database_url
        ).returncode
        == 0
    )
    other = {
        "currency": "EUR",
        "products": [
            {
                "sku": "NEW-TEE",
                "name": "Tee",
                "price": "10.00",
                "code": "1",
                "options": {},
                "variants": [{"sku": "TEE-1", "options": {}, "stock": 3}],
            }
        ],
    }
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    done = vitrine("catalog", "import", str(path), "--db", database_url)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "code '1' of NEW-TEE is already the code of BAGUE-ORA" in done.stderr
    assert counts(database) == (3, 9)  # nothing imported


def test_a_catalog_lowering_stock_below_holds_is_one_line(
    database, database_url: str, tmp_path: Path
) -> None:
    from sqlalchemy import select as sql_select

    from commerce.stock import reserve_units

    first = vitrine("catalog", "import", str(DATA / "catalog-bijoux.json"), "--db", database_url)
    assert first.returncode == 0
    with database.unit_of_work() as uow:
        isa = uow.session.scalars(sql_select(Variant).where(Variant.sku == "ISA")).one()
        assert reserve_units(uow.session, isa.id, 2)
        uow.commit()
    lowered = json.loads((DATA / "catalog-bijoux.json").read_text())
    for product in lowered["products"]:
        for variant in product["variants"]:
            if variant["sku"] == "ISA":
                variant["stock"] = 1
    path = tmp_path / "lowered.json"
    path.write_text(json.dumps(lowered))
    done = vitrine("catalog", "import", str(path), "--db", database_url)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "stock 1 is below the 2 units on hold" in done.stderr
