"""A lease row: one holder at a time for a named duty, kept only by renewing it.

A lock held by a session or a file (what the scheduler used before) is kept by a process
that is frozen rather than dead, for ever. A row with an end time is not: the holder renews
it well before it runs out, and once it has run out anyone may take it. Every renewal is
one conditional UPDATE (or, for the very first holder, an INSERT), so two processes can
never both believe they hold it at the same moment of the database's order of writes.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Engine, Table, case, delete, insert, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from kernel.clock import utcnow
from kernel.models import JobLease

log = logging.getLogger(__name__)

_LEASES = cast(Table, JobLease.__table__)


def holder_name() -> str:
    """This process, as lease rows and logs name it: host, pid and a random tail (pids
    repeat across hosts and restarts)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Lease:
    """The lease `name`, as seen by one holder; `renew()` is the only question to ask."""

    def __init__(
        self,
        engine: Engine,
        name: str,
        seconds: float,
        *,
        holder: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.name = name
        self.seconds = seconds
        self.holder = holder or holder_name()
        self.clock = clock
        self.held = False

    def renew(self) -> bool:
        """Hold the lease for another `seconds` if this holder still has it or it is free;
        False when someone else holds it or the database cannot be reached (a holder that
        cannot renew must act as if it had lost it)."""
        now = self.clock()
        until = now + timedelta(seconds=self.seconds)
        try:
            got = self._take(now, until)
        except DBAPIError:
            log.warning("lease %s: database unreachable", self.name, exc_info=True)
            got = False
        if self.held and not got:
            log.warning("lease %s: lost; this process stops running its jobs", self.name)
        elif got and not self.held:
            log.info("lease %s: taken by %s", self.name, self.holder)
        self.held = got
        return got

    def _take(self, now: datetime, until: datetime) -> bool:
        table = _LEASES
        with self.engine.begin() as conn:
            renewed = conn.execute(
                update(table)
                .where(table.c.name == self.name)
                .where((table.c.holder == self.holder) | (table.c.expires_at <= now))
                .values(
                    holder=self.holder,
                    expires_at=until,
                    # a takeover starts a new tenure; a renewal keeps its start
                    acquired_at=case(
                        (table.c.holder == self.holder, table.c.acquired_at), else_=now
                    ),
                )
            ).rowcount
        if renewed:
            return True
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(table).values(
                        name=self.name, holder=self.holder, expires_at=until, acquired_at=now
                    )
                )
        except IntegrityError:  # the row exists and is someone else's, still running
            return False
        return True

    def release(self) -> None:
        """Give the lease up at once (a clean stop), so a standby need not wait for it to
        run out; never raises."""
        table = _LEASES
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    delete(table)
                    .where(table.c.name == self.name)
                    .where(table.c.holder == self.holder)
                )
        except DBAPIError:
            log.info("lease %s: database unreachable; it will run out by itself", self.name)
        self.held = False
