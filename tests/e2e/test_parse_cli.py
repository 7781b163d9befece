"""`vitrine parse` keeps the contract of spec/intents.md, bad lines included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "data" / "catalog-atelier.json"


def test_parse_contract(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "je prends le 4", "featured": "BAGUE-ASTRE", "lang": "fr"}),
        "this is not json",
        json.dumps({"id": "b"}),
        "",
        json.dumps({"id": "c", "text": "c'est combien ?", "featured": "SAC-OPALE"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "d", "text": "annulez le sac"}),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "vitrine.cli", "parse", "--catalog", str(DEMO)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b", "c", None, "d"]
    assert out[0]["intent"] == "buy"
    assert out[0]["items"] == [{"sku": "SAC-OPALE", "quantity": 1, "options": {}}]
    assert out[1]["intent"] == "other" and "not valid JSON" in out[1]["error"]
    assert out[2]["intent"] == "other" and "text" in out[2]["error"]
    assert out[3]["intent"] == "question" and out[3]["items"] == []
    assert "error" in out[4]
    assert out[5] == {
        **out[5],
        "intent": "cancel",
        "items": [{"sku": "SAC-OPALE", "quantity": 1, "options": {}}],
    }


def test_files_in_and_out(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": 1, "text": "+1", "featured": "SAC-OPALE"}) + "\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "vitrine.cli",
            "parse",
            "--catalog",
            str(DEMO),
            "--in",
            str(src),
            "--out",
            str(dst),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout == ""
    assert json.loads(dst.read_text())["intent"] == "buy"


def test_bad_catalog_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "cat.json"
    bad.write_text('{"currency": "EUR", "products": [{"sku": "X"}]}')
    done = subprocess.run(
        [sys.executable, "-m", "vitrine.cli", "parse", "--catalog", str(bad)],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "missing field 'name'" in done.stderr
