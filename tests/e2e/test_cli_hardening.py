"""The operator's commands with hostile or mistaken input: viewer text printed literally,
destructive commands that ask first, bad options refused in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

from sqlalchemy import inspect

from kernel.models import Comment, Viewer
from live.sessions import open_session
from moderation.audit import record_verdict
from moderation.verdict import Action, Verdict
from tests.e2e.test_catalog_cli import vitrine

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
HOSTILE = ["[/]", "[link=https://evil.example]click[/link]", "\x1b]8;;https://evil\x07x", "\x1b[2J"]


def _logged_removals(database) -> None:
    """A live session whose moderation log holds removals of hostile names and texts."""
    with database.unit_of_work() as uow:
        s = uow.session
        live = open_session(s, key="hostile", platform="test", chat_id="c", now=T0)
        for n, name in enumerate(HOSTILE):
            viewer = Viewer(platform="test", platform_user_id=f"u{n}", display_name=name)
            s.add(viewer)
            s.flush()
            comment = Comment(
                session_id=live.id,
                viewer_id=viewer.id,
                platform="test",
                chat_id="c",
                message_id=f"m{n}",
                text=f"spam {name}",
                sent_at=T0,
            )
            s.add(comment)
            s.flush()
            verdict = Verdict(Action.DELETE, ("spam",))
            record_verdict(
                s, verdict=verdict, session_id=live.id, comment_id=comment.id, viewer_id=viewer.id
            )
        uow.commit()


def test_the_moderation_log_prints_viewer_text_literally(database, database_url) -> None:
    _logged_removals(database)
    command = [sys.executable, "-m", "vitrine.cli", "moderation", "log", "--session", "hostile"]
    done = subprocess.run(
        [*command, "--db", database_url],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "300"},  # wide enough that no cell wraps
    )
    assert done.returncode == 0, done.stderr
    assert "[/]" in done.stdout and "[link=https://evil.example]" in done.stdout
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "spam [/]" in done.stdout  # the removed text is shown too


def test_undo_needs_a_name(database, database_url) -> None:
    _logged_removals(database)
    done = vitrine("moderation", "undo", "1", "--by", " ", "--db", database_url)
    assert done.returncode == 1 and "--by needs" in done.stderr


def test_downgrade_asks_first(database, database_url) -> None:
    done = vitrine("db", "downgrade", "--db", database_url)
    assert done.returncode == 1 and "--yes" in done.stderr
    assert "live_sessions" in inspect(database.engine).get_table_names()
    done = vitrine("db", "downgrade", "--yes", "--db", database_url)
    assert done.returncode == 0, done.stderr
    assert "live_sessions" not in inspect(database.engine).get_table_names()


def test_export_refuses_an_unknown_status(database, database_url, tmp_path) -> None:
    _logged_removals(database)
    out = tmp_path / "o.csv"
    args = ("export", "--session", "hostile", "--out", str(out), "--db", database_url)
    done = vitrine(*args, "--status", "payed")
    assert done.returncode == 1 and "unknown --status payed" in done.stderr
    assert "paid" in done.stderr and not out.exists()
    assert vitrine(*args, "--status", "paid").returncode == 0


def test_sessions_lists_what_was_run(database, database_url) -> None:
    _logged_removals(database)
    done = vitrine("sessions", "--db", database_url, "--json")
    assert done.returncode == 0, done.stderr
    assert '"key": "hostile"' in done.stdout and '"comments": 4' in done.stdout
    table = vitrine("sessions", "--db", database_url)
    assert table.returncode == 0 and "hostile" in table.stdout
