"""`vitrine moderate` keeps the contract of spec/moderation.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_moderate_contract(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(
        json.dumps(
            {
                "brand": "Atelier Test",
                "protected_names": ["Zélie"],
                "allowed_domains": ["atelier-test.fr"],
                "blocked_words": [],
            }
        )
    )
    author = {"id": "u1", "name": "Lou", "role": "viewer"}
    lines = [
        json.dumps({"id": "a", "ts": 1.0, "author": author, "text": "JE PRENDS LE 3 !!!"}),
        "{broken",
        json.dumps({"id": "b", "ts": 2.0, "author": author, "text": "promo sur cheap-bags.shop"}),
        json.dumps({"id": "c", "ts": 3.0, "text": "no author"}),
        json.dumps(
            {
                "id": "d",
                "ts": 4.0,
                "author": {"id": "u2", "name": "Zelie officiel"},
                "text": "bonsoir",
            }
        ),
        json.dumps({"id": "e", "ts": 5.0, "author": author, "text": "et sur cheap-bags.shop"}),
        "",
        json.dumps({"id": "f", "ts": float("nan"), "author": author, "text": "x"}),
        json.dumps({"id": "g", "ts": 7.0, "author": author, "text": "😍😍😍 je prends"}),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "vitrine.cli", "moderate", "--settings", str(settings)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b", "c", "d", "e", None, "f", "g"]
    assert out[0] == {"id": "a", "action": "allow", "reasons": []}
    assert out[1]["action"] == "allow" and "error" in out[1]
    assert out[2] == {"id": "b", "action": "delete", "reasons": ["link"]}
    assert out[3]["action"] == "allow" and "author" in out[3]["error"]
    assert out[4]["action"] == "ban" and out[4]["reasons"] == ["impersonation"]
    assert out[5] == {"id": "e", "action": "timeout", "reasons": ["link"], "duration_s": 600}
    assert out[6]["action"] == "allow" and "error" in out[6]
    assert out[7]["action"] == "allow" and "ts" in out[7]["error"]
    assert out[8] == {"id": "g", "action": "allow", "reasons": []}


def test_moderate_reads_and_writes_files(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"brand": "Atelier Test", "protected_names": ["Zélie"]}))
    messages = tmp_path / "in.jsonl"
    author = {"id": "u1", "name": "Lou", "role": "viewer"}
    messages.write_text(
        "\n".join(
            json.dumps({"id": f"m{i}", "ts": i * 1.0, "author": author, "text": f"le {i} en M"})
            for i in range(8)
        )
        + "\n",
        encoding="utf-8",
    )
    results = tmp_path / "out.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "vitrine.cli",
            "moderate",
            "--settings",
            str(settings),
            "--in",
            str(messages),
            "--out",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout == "", done.stderr
    out = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == [f"m{i}" for i in range(8)]
    assert [o["reasons"] for o in out][5:] == [["flood"]] * 3


def test_bad_settings_are_a_clear_error(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text('{"protected_names": "not a list"}')
    done = subprocess.run(
        [sys.executable, "-m", "vitrine.cli", "moderate", "--settings", str(settings)],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "settings rejected" in done.stderr
