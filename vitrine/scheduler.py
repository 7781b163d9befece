"""The scheduled jobs of a deployment: hold expiry, and the brand's scheduled exports.

APScheduler 3 must not share a job store between processes. Every `vitrine run` process
starts its own scheduler with a memory job store (jobs are declared at start-up, so
APScheduler's own table is not needed), and a job only runs in the process holding the
lease row `scheduler` (`kernel.leases`): the holder renews it every third of its length,
and a standby takes it once it has run out, so a holder that is dead *or frozen* is
replaced within `VITRINE_SCHEDULER_LEASE_SECONDS` and a third, and a holder that finds
it lost the lease stops running jobs. Schedules (`vitrine schedule add`) live in the
database, so they survive restarts, and each export run is claimed by key before it
runs, so a lease changing hands mid-run never runs it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from commerce.checkout.port import CheckoutProvider
from commerce.checkout_service import end_closed_checkouts
from kernel.clock import utcnow
from kernel.leases import Lease
from live.jobs import HOLD_CHECK_EVERY_S, expire_holds_and_notify
from vitrine.bootstrap import Database, wire
from vitrine.settings import Settings

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
EXPORT_CHECK_EVERY_S = 30  # a cron fires at most a minute apart: checked twice a minute


class SchedulerLease:
    """This process's view of the scheduler lease: held while it keeps renewing it."""

    def __init__(
        self,
        database: Database,
        seconds: float = 30.0,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.lease = Lease(database.engine, LEASE_NAME, seconds, clock=clock)

    @property
    def seconds(self) -> float:
        return self.lease.seconds

    def acquire(self) -> bool:
        """Take the lease if it is free or has run out (False when another process holds
        it, or when the database cannot be reached)."""
        return self.lease.renew()

    def holds(self) -> bool:
        """Whether this process holds the lease now: renews it, or takes it if it ran out."""
        return self.lease.renew()

    def release(self) -> None:
        """Give the lease up (a clean stop) so a standby takes over at its next check."""
        self.lease.release()


def leased(lease: SchedulerLease, job: Callable[..., None]) -> Callable[..., None]:
    """`job`, run only while this process holds the lease (checked, and renewed, first)."""

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


def last_cron_fire(expression: str, after: datetime, until: datetime) -> datetime | None:
    """The latest time a crontab expression ("0 * * * *", UTC) fires in (after, until]."""
    trigger = CronTrigger.from_crontab(expression, timezone="UTC")
    fired: datetime | None = None
    moment = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    for _ in range(10_000):  # a minute-by-minute cron down for a week: coalesced anyway
        if moment is None or moment > until:
            break
        fired = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(microseconds=1))
    return fired


def check_cron(expression: str) -> str:
    """The expression if APScheduler reads it as a crontab line; ValueError otherwise."""
    CronTrigger.from_crontab(expression, timezone="UTC")
    return expression


def run_scheduled_exports(database: Database) -> None:
    """Scheduler job: every export run due now (a cron fired, a live ended), each once."""
    from live.scheduled_exports import due_runs, run_export

    for due in due_runs(database, utcnow(), last_cron_fire):
        run_export(database, due)


def start_scheduler(
    settings: Settings, database: Database, provider: CheckoutProvider | None = None
) -> tuple[BackgroundScheduler, SchedulerLease]:
    """Start this process's scheduler; its jobs run only while it holds the lease."""
    wire(database, settings)
    lease = SchedulerLease(database, settings.scheduler_lease_seconds)
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
    scheduler.add_job(
        leased(lease, run_scheduled_exports),
        "interval",
        seconds=EXPORT_CHECK_EVERY_S,
        args=[database],
        id="scheduled_exports",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    # The renewal runs on its own, so a long job never lets the lease run out under it,
    # and a standby's renewal is how it takes over.
    scheduler.add_job(
        lease.holds,
        "interval",
        seconds=lease.seconds / 3,
        id="lease_renewal",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    scheduler.start()
    return scheduler, lease
