"""`vitrine replay` as a user runs it: the summary contract, several workers on one
session, and a worker killed with SIGKILL then restarted — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from commerce.models import Reservation, Variant, WaitlistEntry
from kernel.models import Comment

PROBE = Path(__file__).with_name("begin_probe.py")
CLAIMS = ["SOLD", "je prends", "mine", "+1", "lo quiero", "ich nehme", "lo prendo", "I'll take it"]
SUMMARY_KEYS = {
    "comments",
    "removed",
    "claims",
    "reserved_units",
    "waitlisted",
    "oversold",
    "carts",
    "paid_orders",
    "replies",
    "p50_ms",
    "p99_ms",
    "comments_per_s",
}


def write_inputs(folder: Path, buyers: int, units: int) -> tuple[Path, Path]:
    catalog = {
        "currency": "EUR",
        "products": [
            {
                "sku": "TOTE",
                "code": "1",
                "name": "Tote bag",
                "price": "45.00",
                "options": {},
                "variants": [{"sku": "TOTE-1", "options": {}, "stock": units}],
            }
        ],
    }
    lines = [{"ts": 0.0, "event": "feature", "sku": "TOTE"}]
    for n in range(buyers):
        lines.append(
            {
                "id": f"k{n}",
                "ts": 1.0 + n / 1000,
                "text": CLAIMS[n % len(CLAIMS)],
                "author": {"id": f"b{n}", "name": f"Buyer{n}", "role": "viewer"},
            }
        )
    lines.append({"ts": 5.0, "event": "pay", "author_id": "b0"})
    (folder / "catalog.json").write_text(json.dumps(catalog))
    (folder / "chat.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return folder / "catalog.json", folder / "chat.jsonl"


def replay(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vitrine.cli", "replay", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )


def consistency(url: str) -> dict[str, int]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        lines_per_comment = conn.execute(
            text(
                "SELECT coalesce(max(n), 0) FROM (SELECT comment_id, count(*) AS n "
                "FROM order_lines GROUP BY comment_id) AS per_comment"
            )
        ).scalar()
        active = conn.execute(
            select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
                Reservation.status.in_(["active", "consumed"])
            )
        ).scalar()
        variant = conn.execute(select(Variant.stock, Variant.reserved)).one()
        figures = {
            "comments": conn.execute(select(func.count()).select_from(Comment)).scalar(),
            "max_lines_per_comment": lines_per_comment or 0,
            "held_or_sold": active,
            "waitlisted": conn.execute(select(func.count()).select_from(WaitlistEntry)).scalar(),
            "stock": variant.stock,
            "reserved_counter": variant.reserved,
            "open_carts_per_viewer": conn.execute(
                text(
                    "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM orders "
                    "WHERE status IN ('reserved', 'awaiting_payment') GROUP BY viewer_id) t"
                )
            ).scalar(),
        }
    engine.dispose()
    return figures


def test_summary_contract_and_workers_never_oversell(database_url: str, tmp_path: Path) -> None:
    catalog, chat = write_inputs(tmp_path, buyers=120, units=10)
    proc = replay(
        str(chat), "--catalog", str(catalog), "--db", database_url, "--workers", "3", "--json"
    )
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert set(summary) >= SUMMARY_KEYS
    assert summary["comments"] == 120 and summary["claims"] == 120
    assert summary["reserved_units"] == 10 and summary["oversold"] == 0
    assert summary["waitlisted"] == 110
    # Which buyers win is a race between the workers; whether b0 could pay depends on it.
    assert summary["paid_orders"] in (0, 1)
    figures = consistency(database_url)
    assert figures["held_or_sold"] == 10 and figures["max_lines_per_comment"] == 1
    sold = 10 - figures["stock"]
    assert sold == summary["paid_orders"] and figures["reserved_counter"] == 10 - sold
    out_csv = tmp_path / "orders.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "vitrine.cli",
            "export",
            "--session",
            summary["session"],
            "--db",
            database_url,
            "--out",
            str(out_csv),
            "--status",
            "paid",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = out_csv.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("order_id,status,session,platform,buyer,")
    assert len(rows) == 1 + summary["paid_orders"]
    assert all(",paid," in r and ",45.00,45.00,45.00,EUR," in r for r in rows[1:])


@contextmanager
def write_lock(url: str) -> Iterator[Callable[[], int]]:
    """Hold the lock every batch of comments needs (SQLite: the write lock; PostgreSQL: an
    EXCLUSIVE lock on comments). Taking it waits for the replay's open batch to commit;
    while it is held, no batch commits. Yields a reader of the comments stored so far."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("///", 1)[1], isolation_level=None, timeout=60)
        conn.execute("BEGIN IMMEDIATE")  # waits for the replay's open batch to commit
        try:
            yield lambda: conn.execute("SELECT count(*) FROM comments").fetchone()[0]
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn, conn.begin():
        conn.execute(text("LOCK TABLE comments IN EXCLUSIVE MODE"))  # after its open batch
        yield lambda: conn.execute(select(func.count()).select_from(Comment)).scalar_one()
    engine.dispose()


def blocked_on_our_lock(url: str, probe: Path) -> bool:
    """Whether the replay waits on the lock `write_lock` holds (ask only while holding it).

    PostgreSQL: the server says one of the database's sessions waits on a Lock. SQLite: the
    probe's last line is `waiting`, a BEGIN IMMEDIATE sent and not yet granted. Read while
    the test holds the write lock, that BEGIN cannot have been granted (the replay would
    hold the lock, and write `began` before letting it go), so it waits for the test's."""
    if url.startswith("sqlite"):
        lines = probe.read_text().split() if probe.exists() else []
        return bool(lines) and lines[-1] == "waiting"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    engine.dispose()
    return waiting > 0


def stored_comments(url: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Comment)).scalar() or 0
    except Exception:  # the replay has not created its tables yet
        return 0
    finally:
        engine.dispose()


def wait_until(condition: Callable[[], bool], limit_s: float) -> None:
    """Poll until `condition` holds; the limit only stops a hang, the caller asserts."""
    deadline = time.monotonic() + limit_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.mark.slow
def test_sigkilled_worker_restarts_without_loss_or_duplicates(
    database_url: str, tmp_path: Path
) -> None:
    """The worker is SIGKILLed at a known point: blocked on the database's write lock, which
    the test holds, with exactly the comments the test counts under that lock stored.

    1. The replay runs through tests/e2e/begin_probe.py (the real CLI, plus a SQLAlchemy
       listener that writes `waiting` before each BEGIN IMMEDIATE and `began` after it).
    2. Once it has stored some comments, the test takes the write lock: SQLite `BEGIN
       IMMEDIATE` on its own connection, PostgreSQL `LOCK TABLE comments IN EXCLUSIVE MODE`.
       Either waits for the replay's open batch to commit; from then on no batch commits.
    3. The test waits for a fact, not for time to pass: PostgreSQL's pg_stat_activity shows
       the replay's session waiting on a Lock; on SQLite the probe's last line is `waiting`
       (a BEGIN IMMEDIATE not granted, which cannot be granted while the test holds it).
    4. It counts the stored comments under the lock, SIGKILLs the worker, releases the lock,
       then checks the count did not move and that a plain `vitrine replay` of the same
       session stores every comment once, applies every claim once and opens one cart per
       buyer at most.
    How many comments are stored when the lock is taken varies from run to run (so the test
    reads the count rather than assuming it); the point where the worker dies does not."""
    buyers = 6_000  # enough that the lock is taken long before the end, even on a busy machine
    catalog, chat = write_inputs(tmp_path, buyers=buyers, units=40)
    args = [
        str(chat),
        "--catalog",
        str(catalog),
        "--db",
        database_url,
        "--session",
        "kill-test",
        "--json",
    ]
    probe = tmp_path / "begin-probe.log"
    worker_err = tmp_path / "worker.err"
    with worker_err.open("w") as err_file:
        proc = subprocess.Popen(
            [sys.executable, str(PROBE), "replay", *args],
            stdout=subprocess.DEVNULL,
            stderr=err_file,
            env={**os.environ, "BEGIN_PROBE_FILE": str(probe)},
        )
    try:
        # When to take the lock (once it got going); the kill point is the lock itself.
        wait_until(lambda: proc.poll() is not None or stored_comments(database_url) >= 200, 120)
        with write_lock(database_url) as stored:
            wait_until(
                lambda: proc.poll() is not None or blocked_on_our_lock(database_url, probe), 60
            )
            assert proc.poll() is None, f"the replay ended first: {worker_err.read_text()}"
            assert blocked_on_our_lock(database_url, probe), "the replay never reached the lock"
            seen = stored()
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert 200 <= seen < buyers
    assert consistency(database_url)["comments"] == seen  # the kill lost no committed batch
    again = replay(*args)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    summary = json.loads(out)
    assert summary["reserved_units"] == 40 and summary["oversold"] == 0
    figures = consistency(database_url)
    assert figures["comments"] == buyers  # nothing lost
    assert figures["max_lines_per_comment"] == 1  # no claim applied twice
    assert figures["held_or_sold"] == 40 and figures["waitlisted"] == buyers - 40
    assert figures["reserved_counter"] + (40 - figures["stock"]) == 40
    assert figures["open_carts_per_viewer"] <= 1


def test_progress_is_reported_in_order_up_to_the_whole_transcript(tmp_path: Path) -> None:
    from vitrine.commands.replay import ReplayOptions, replay_in_process
    from vitrine.settings import Settings

    catalog, transcript = write_inputs(tmp_path, buyers=450, units=20)
    reports: list[tuple[int, int]] = []
    options = ReplayOptions(
        transcript=transcript,
        database_url=f"sqlite:///{tmp_path / 'progress.db'}",
        catalog=catalog,
        progress=lambda done, total: reports.append((done, total)),
    )
    summary = replay_in_process(Settings(), options)
    lines = 450 + 2  # the buyers, a feature event and a pay event
    assert summary["comments"] == 450
    assert len(reports) >= 50  # about every 1%: a bar that moves
    assert all(total == lines for _, total in reports)
    done = [d for d, _ in reports]
    assert done == sorted(done) and done[-1] == lines and max(done) <= lines


def test_the_summary_on_a_terminal_separates_this_run_from_the_session(tmp_path: Path) -> None:
    """Replayed twice on one session: the run figures count each run, the session figures
    the whole session (both runs), in a table with the revenue and next steps; `--help`
    warns that several workers change who gets scarce stock."""
    catalog, chat = write_inputs(tmp_path, buyers=4, units=10)
    url = f"sqlite:///{tmp_path / 'v.db'}"
    first = replay(str(chat), "--catalog", str(catalog), "--db", url, "--json")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    key = json.loads(out)["session"]
    again = chat.with_name("again.jsonl")
    again.write_text(chat.read_text().replace('"id": "k', '"id": "again-k'))
    second = replay(str(again), "--db", url, "--session", key)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    lines = [" ".join(line.replace("│", " ").split()) for line in out.splitlines()]
    assert "this run" in lines and "the whole session (database)" in lines
    assert "comments 4" in lines and "comments stored 8" in lines
    assert any(line.startswith("revenue (paid) ") and "EUR" in line for line in lines)
    assert f"vitrine export --session {key} --db {url} --out orders.csv" in lines
    done = subprocess.run(
        [sys.executable, "-m", "vitrine.cli", "replay", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=60,
    )
    help_text = " ".join(done.stdout.replace("│", " ").split())
    assert "scarce stock goes to the first worker to reach it" in help_text
    assert "the whole live session's, read from the database" in help_text
