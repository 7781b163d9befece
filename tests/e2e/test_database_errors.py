"""A wrong, unreachable or never-upgraded database is one line, never a traceback; a
mistyped SQLite path creates nothing for a command that only reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_settings_and_logs import run


def _one_line(done, expected: str) -> None:
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and expected in errors[0], done.stderr


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:1/vitrine"  # nothing listens on port 1
    _one_line(run(tmp_path, "sessions", "--db", url), "cannot reach the database")


def test_a_url_that_is_not_one_is_one_line(tmp_path: Path) -> None:
    _one_line(run(tmp_path, "sessions", "--db", "bogus://x"), "database URL is not valid")


@pytest.mark.postgres
def test_a_server_database_never_upgraded_says_what_to_run(
    tmp_path: Path, empty_postgres_url: str
) -> None:
    done = run(tmp_path, "moderation", "log", "--session", "s", "--db", empty_postgres_url)
    _one_line(done, "run `vitrine db upgrade`")


@pytest.mark.parametrize(
    "command",
    [
        ["sessions"],
        ["export", "--session", "s", "--out", "o.csv"],
        ["moderation", "log", "--session", "s"],
        ["db", "current"],
    ],
)
def test_a_mistyped_sqlite_path_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo" / "vitrine.db"
    done = run(tmp_path, *command, "--db", f"sqlite:///{missing}")
    _one_line(done, f"no database at {missing}")
    assert not missing.parent.exists()
