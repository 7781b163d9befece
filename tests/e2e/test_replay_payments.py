"""A replayed `pay` line changes money once: running the same transcript again on the same
session (or resuming it after a crash) pays no other cart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text


def _inputs(folder: Path) -> tuple[Path, Path]:
    catalog = {
        "currency": "EUR",
        "products": [
            {
                "sku": sku,
                "code": code,
                "name": name,
                "price": "20.00",
                "options": {},
                "variants": [{"sku": f"{sku}-1", "options": {}, "stock": 5}],
            }
            for sku, code, name in (("TOTE", "1", "Tote bag"), ("CAP", "2", "Cap"))
        ],
    }
    buyer = {"id": "b0", "name": "Ann", "role": "viewer"}
    lines = [
        {"ts": 0.0, "event": "feature", "sku": "TOTE"},
        {"id": "m1", "ts": 1.0, "text": "je prends", "author": buyer},
        {"ts": 2.0, "event": "pay", "author_id": "b0"},
        {"ts": 3.0, "event": "feature", "sku": "CAP"},
        {"id": "m2", "ts": 4.0, "text": "je prends", "author": buyer},
    ]
    (folder / "catalog.json").write_text(json.dumps(catalog))
    (folder / "chat.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return folder / "catalog.json", folder / "chat.jsonl"


def _replay(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "vitrine.cli", "replay", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_replaying_a_transcript_again_pays_no_other_cart(database_url: str, tmp_path: Path):
    catalog, chat = _inputs(tmp_path)
    first = _replay(str(chat), "--catalog", str(catalog), "--db", database_url, "--session", "s1")
    assert first["paid_orders"] == 1 and first["carts"] == 2
    again = _replay(str(chat), "--db", database_url, "--session", "s1")
    assert again["paid_orders"] == 1  # the cart of the later claim stays unpaid
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        paid = conn.execute(
            text(
                "SELECT p.sku FROM orders o JOIN order_lines l ON l.order_id = o.id "
                "JOIN products p ON p.id = l.product_id WHERE o.status = 'paid'"
            )
        ).scalars()
        assert list(paid) == ["TOTE"]
        brand = conn.execute(text("SELECT count(*) FROM outbox WHERE channel = 'brand'"))
        assert brand.scalar_one() == 1
    engine.dispose()


def test_a_pay_line_that_paid_nothing_pays_nothing_when_replayed(
    database_url: str, tmp_path: Path
) -> None:
    catalog, _ = _inputs(tmp_path)
    buyer = {"id": "b0", "name": "Ann", "role": "viewer"}
    lines = [
        {"ts": 0.0, "event": "feature", "sku": "TOTE"},
        {"ts": 1.0, "event": "pay", "author_id": "b0"},  # no cart yet: pays nothing
        {"id": "m1", "ts": 2.0, "text": "je prends", "author": buyer},
    ]
    chat = tmp_path / "early-pay.jsonl"
    chat.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    first = _replay(str(chat), "--catalog", str(catalog), "--db", database_url, "--session", "s2")
    assert first["paid_orders"] == 0 and first["carts"] == 1
    again = _replay(str(chat), "--db", database_url, "--session", "s2")
    assert again["paid_orders"] == 0  # the cart opened after the pay line stays unpaid


def test_a_feature_of_an_unknown_sku_is_a_skipped_line_not_a_crash(tmp_path: Path) -> None:
    """The replay goes on with the product featured before; the line is named."""
    catalog, chat = _inputs(tmp_path)
    lines = chat.read_text().splitlines()
    lines[3] = json.dumps({"ts": 3.0, "event": "feature", "sku": "NOT-IN-CATALOG"})
    chat.write_text("\n".join(lines) + "\n")
    url = f"sqlite:///{tmp_path / 'v.db'}"
    command = [sys.executable, "-m", "vitrine.cli", "replay", str(chat)]
    done = subprocess.run(
        [*command, "--catalog", str(catalog), "--db", url, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "skipped line 4: no product with sku 'NOT-IN-CATALOG' to feature" in done.stderr
    summary = json.loads(done.stdout)
    assert summary["comments"] == 2 and summary["reserved_units"] == 2  # both totes
    engine = create_engine(url)
    with engine.connect() as conn:
        featured = conn.execute(
            text(
                "SELECT p.sku FROM live_sessions s JOIN products p ON p.id = s.featured_product_id"
            )
        ).scalar_one()
    engine.dispose()
    assert featured == "TOTE"


def test_replay_without_a_catalog_on_an_empty_database_opens_nothing(tmp_path: Path) -> None:
    _, chat = _inputs(tmp_path)
    url = f"sqlite:///{tmp_path / 'v.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "vitrine.cli", "replay", str(chat), "--db", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("error: the database has no catalog: pass --catalog FILE")
    )
    assert "Traceback" not in done.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM live_sessions")).scalar_one() == 0
    engine.dispose()
