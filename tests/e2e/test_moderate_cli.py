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
    assert [o["id"] for o in out] == ["a", None, "b", "c", "d", "e"]
    assert out[0] == {"id": "a", "action": "allow", "reasons": []}
    assert out[1]["action"] == "allow" and "error" in out[1]
    assert out[2] == {"id": "b", "action": "delete", "reasons": ["link"]}
    assert out[3]["action"] == "allow" and "author" in out[3]["error"]
    assert out[4]["action"] == "ban" and out[4]["reasons"] == ["impersonation"]
    assert out[5] == {"id": "e", "action": "timeout", "reasons": ["link"], "duration_s": 600}


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
