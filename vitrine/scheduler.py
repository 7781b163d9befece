"""The one scheduler of a deployment: hold expiry (and later the run of show).

APScheduler 3 must not share a job store between processes, so exactly one process runs
it: on PostgreSQL the one holding an advisory lock, on SQLite the one holding a file lock
beside the database. Jobs are declared at start-up, so the memory job store suffices and
APScheduler's own table is not needed.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Connection, text

from bots.jobs import expire_holds_and_notify
from bots.notify import ShopVoice
from commerce.checkout.port import CheckoutProvider
from commerce.checkout_service import end_closed_checkouts
from commerce.orders import HOLD_CHECK_EVERY_S
from vitrine.bootstrap import Database, commerce_policy
from vitrine.db import utcnow
from vitrine.settings import Settings

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x56495452  # "VITR"


class SchedulerLease:
    """Held by the one process that runs the scheduler; released when it stops."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        if self.database.engine.dialect.name == "postgresql":
            conn = self.database.engine.connect()
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            if got.scalar():
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

    def release(self) -> None:
        if self._connection is not None:
            self._connection.execute(
                text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY}
            )
            self._connection.close()
            self._connection = None
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def run_hold_expiry(
    settings: Settings, database: Database, provider: CheckoutProvider | None = None
) -> None:
    """Scheduler job: release ended holds, promote waitlists, notify viewers, and end the
    payment sessions of the released carts (Stripe's own expiry can be 24 h away)."""
    outcomes = expire_holds_and_notify(
        database,
        shop=ShopVoice(settings.brand_name, settings.public_url, settings.default_language),
        policy=commerce_policy(settings),
        now=utcnow(),
    )
    if outcomes:
        log.info("hold expiry: %d outcome(s)", len(outcomes))
    if provider is not None:
        end_closed_checkouts(database, provider)


def start_scheduler(
    settings: Settings, database: Database, provider: CheckoutProvider | None = None
) -> tuple[BackgroundScheduler, SchedulerLease] | None:
    """Start the scheduler if this process wins the lease; None when another process runs it."""
    lease = SchedulerLease(database)
    if not lease.acquire():
        log.info("another process runs the scheduler; this one only processes comments")
        return None
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        run_hold_expiry,
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
