"""The scheduled jobs of a deployment: hold expiry (and later the run of show).

APScheduler 3 must not share a job store between processes. Every `vitrine run` process
starts its own scheduler with a memory job store (jobs are declared at start-up, so
APScheduler's own table is not needed), and a job only runs in the process holding the
lease: on PostgreSQL an advisory lock, on SQLite a file lock beside the database. Each run
checks the lease first and takes it if it is free, so a standby process takes over when the
holder stops, and the holder takes it back after a database restart freed it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from commerce.checkout.port import CheckoutProvider
from commerce.checkout_service import end_closed_checkouts
from kernel.clock import utcnow
from live.jobs import HOLD_CHECK_EVERY_S, expire_holds_and_notify
from vitrine.bootstrap import Database, wire
from vitrine.settings import Settings

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x56495452  # "VITR"


class SchedulerLease:
    """Held by the one process whose scheduler runs the jobs; released when it stops."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lease if it is free (False when another process holds it, or when the
        database cannot be reached)."""
        if self.database.engine.dialect.name == "postgresql":
            try:
                conn = self.database.engine.connect()
            except DBAPIError:
                log.warning("scheduler lease: database unreachable", exc_info=True)
                return False
            try:
                got = conn.execute(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}
                ).scalar()
            except DBAPIError:
                log.warning("scheduler lease: could not ask for the lock", exc_info=True)
                got = False
            if got:
                conn.commit()  # the lock belongs to the session, not to this transaction
                self._connection = conn  # the lock lives as long as this session
                return True
            conn.close()
            return False
        path = Path(self.database.url.split("///", 1)[-1] + ".scheduler.lock")
        handle = path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return True

    def holds(self) -> bool:
        """Whether this process holds the lease now, taking it if it is free. A database
        restart ends the session that held the advisory lock: the lease is then taken
        again, unless another process was quicker."""
        if self._file is not None:
            return True
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                self._connection.commit()
                return True
            except DBAPIError:
                log.warning("scheduler lease: its connection was lost; taking the lease again")
                self._drop_connection()
        return self.acquire()

    def release(self) -> None:
        """Give the lease up; never raises (a lost connection has released it already)."""
        if self._connection is not None:
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY}
                )
                self._connection.commit()
            except DBAPIError:
                log.info("scheduler lease: connection already lost, nothing to release")
            self._drop_connection()
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(DBAPIError):  # already dead
                self._connection.close()
            self._connection = None


def leased(lease: SchedulerLease, job: Callable[..., None]) -> Callable[..., None]:
    """`job`, run only while this process holds the lease."""

    def run_if_leased(*args: Any, **kwargs: Any) -> None:
        if lease.holds():
            job(*args, **kwargs)

    run_if_leased.__name__ = getattr(job, "__name__", "job")
    return run_if_leased


def run_hold_expiry(
    settings: Settings, database: Database, provider: CheckoutProvider | None = None
) -> None:
    """Scheduler job: release ended holds, promote waitlists, notify viewers, and end the
    payment sessions of the released carts (Stripe's own expiry can be 24 h away)."""
    outcomes = expire_holds_and_notify(database, now=utcnow())
    if outcomes:
        log.info("hold expiry: %d outcome(s)", len(outcomes))
    if provider is not None:
        end_closed_checkouts(database, provider)


def start_scheduler(
    settings: Settings, database: Database, provider: CheckoutProvider | None = None
) -> tuple[BackgroundScheduler, SchedulerLease]:
    """Start this process's scheduler; its jobs run only while it holds the lease."""
    wire(database, settings)
    lease = SchedulerLease(database)
    if lease.acquire():
        log.info("this process runs the scheduled jobs")
    else:
        log.info("another process runs the scheduled jobs; this one takes over if it stops")
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        leased(lease, run_hold_expiry),
        "interval",
        seconds=HOLD_CHECK_EVERY_S,
        args=[settings, database, provider],
        id="hold_expiry",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    scheduler.start()
    return scheduler, lease
