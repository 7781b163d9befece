"""Run `vitrine.cli` (arguments as given) and tell a file each time it asks SQLite for the
write lock: `waiting` when a BEGIN IMMEDIATE is sent, `began` once SQLite granted it.

Test instrumentation, not a production hook: a SQLAlchemy event listener on every engine,
registered here before the CLI starts. While a test holds the database's write lock, a
last line `waiting` means the CLI sits in a BEGIN IMMEDIATE that cannot complete: a
known point, seen from the outside. Usage:

    BEGIN_PROBE_FILE=/tmp/probe.log python tests/e2e/begin_probe.py replay ...
"""

from __future__ import annotations

import os
import runpy
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

BEGIN = "BEGIN IMMEDIATE"  # what kernel.db sends at the start of every SQLite transaction

_fd = os.open(os.environ["BEGIN_PROBE_FILE"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)


@event.listens_for(Engine, "before_cursor_execute")
def _waiting(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    if statement == BEGIN:
        os.write(_fd, b"waiting\n")  # unbuffered: the test reads it while we block


@event.listens_for(Engine, "after_cursor_execute")
def _began(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    if statement == BEGIN:
        os.write(_fd, b"began\n")


if __name__ == "__main__":
    runpy.run_module("vitrine.cli", run_name="__main__", alter_sys=True)
