"""Settings read once at start, in one line per problem that never shows a value, and the
app's own log lines, with timestamps, in text or JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"
REAL_SECRET = "sk_live_4eC39HqLyjWDarjtT1zdp7dcREALTAIL"


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VITRINE_", "OPENAI_"))}
    return subprocess.run(
        [sys.executable, "-m", "vitrine.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**clean, "VITRINE_DATA_DIR": str(tmp_path), **env},
    )


def test_an_invalid_setting_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    done = run(tmp_path, "sessions", VITRINE_HOLD_SECONDS="abc")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: VITRINE_HOLD_SECONDS: Input should be a valid integer, unable to parse string "
        "as an integer"
    ]


def test_a_placeholder_secret_never_prints_another_secret(tmp_path: Path) -> None:
    done = run(
        tmp_path,
        "sessions",
        VITRINE_ENVIRONMENT="production",
        VITRINE_STRIPE_API_KEY=REAL_SECRET,
        VITRINE_STRIPE_WEBHOOK_SECRET="changeme",
    )
    assert done.returncode == 2
    assert "VITRINE_STRIPE_WEBHOOK_SECRET is a placeholder" in done.stderr
    assert "REALTAIL" not in done.stderr and "sk_live" not in done.stderr
    assert "changeme" not in done.stderr


def test_the_apps_own_info_lines_appear_with_timestamps(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    done = run(tmp_path, "catalog", "import", str(CATALOG), "--db", url)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if "upgrading the database schema" in x)
    assert line[:4].isdigit() and "INFO vitrine.bootstrap" in line


def test_json_log_lines_on_request(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    done = run(tmp_path, "catalog", "import", str(CATALOG), "--db", url, VITRINE_LOG_FORMAT="json")
    assert done.returncode == 0, done.stderr
    entries = [json.loads(x) for x in done.stderr.splitlines() if x.startswith("{")]
    assert any(e["message"] == "upgrading the database schema" for e in entries)
    assert all({"ts", "level", "logger", "message"} <= e.keys() for e in entries)
