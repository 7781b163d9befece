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
    env = {**os.environ, "VITRINE_DATA_DIR": str(cwd or Path.cwd())}
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
