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
