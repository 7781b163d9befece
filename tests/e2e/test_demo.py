"""`vitrine demo` on embedded defaults: no token, no key, no network, a summary and an export."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path


def test_demo_runs_offline_and_writes_the_export(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VITRINE_", "OPENAI_"))}
    env["VITRINE_DATA_DIR"] = str(tmp_path / "var")
    env["COLUMNS"] = "160"
    done = subprocess.run(
        [sys.executable, "-m", "vitrine.cli", "demo", "--speed", "max"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "Live summary" in out
    for figure in (
        "comments",
        "claims",
        "units reserved",
        "waitlisted",
        "messages removed",
        "carts",
        "revenue",
    ):
        assert figure in out
    exports = list((tmp_path / "var" / "exports").glob("demo-orders-*.csv"))
    assert len(exports) == 1 and str(exports[0].name) in out.replace("\n", "")
    rows = list(csv.DictReader(exports[0].open(encoding="utf-8")))
    assert rows, "the demo sells something"
    assert {r["status"] for r in rows} & {"paid", "handed_off"}
    assert all(r["unit_price"].count(".") == 1 for r in rows)  # decimal strings, never floats
    assert "🛡" in out and "⏳ waitlist" in out and "✅ reserved" in out
