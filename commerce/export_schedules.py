"""Scheduled exports: what a schedule is, and running each of its runs once.

A run is claimed by inserting its key (`cron:<fire time>` or `live:<session id>`) under a
unique constraint before anything is written: two processes that both think a run is due
(a scheduler lease changing hands mid-run) cannot both run it. A run that failed stays
recorded with its error (`vitrine schedule list` shows it) and its orders go out with the
schedule's next run, whose window starts where the last run that did not fail ended.
When a schedule's cron fires, it exports the orders paid since its previous run.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commerce.models import ExportRun, ExportSchedule

FORMATS = ("csv", "json", "shopify-csv")
STALE = timedelta(minutes=15)  # a run `running` this long died with its process
RETRY = timedelta(minutes=5)  # a failed run of a live's end is tried again after this
EXTENSIONS = {"csv": "csv", "json": "json", "shopify-csv": "csv"}


class BadSchedule(ValueError):
    """A schedule that could not run: no trigger, a bad format or target."""


def is_url(target: str) -> bool:
    return urlsplit(target).scheme in ("http", "https")


def add_schedule(
    session: Session,
    *,
    name: str,
    cron: str | None,
    at_session_end: bool,
    format: str,
    target: str,
    now: datetime,
) -> ExportSchedule:
    """A new schedule; `cron` is checked by the caller (the scheduler owns cron syntax)."""
    if not cron and not at_session_end:
        raise BadSchedule("give a cron schedule, or run at session end, or both")
    if format not in FORMATS:
        raise BadSchedule(f"format is one of {', '.join(FORMATS)}, not {format!r}")
    if not target.strip():
        raise BadSchedule("give a folder or an http(s) URL to export to")
    if urlsplit(target).scheme and not is_url(target):
        raise BadSchedule(f"a target is a folder or an http(s) URL, not {target!r}")
    schedule = ExportSchedule(
        name=name.strip()[:100] or "export",
        cron=cron,
        at_session_end=at_session_end,
        format=format,
        target=target.strip(),
        secret=f"whsec_{secrets.token_urlsafe(32)}",
        created_at=now,
    )
    session.add(schedule)
    session.flush()
    return schedule


def active_schedules(session: Session) -> list[ExportSchedule]:
    return list(
        session.scalars(
            select(ExportSchedule)
            .where(ExportSchedule.removed_at.is_(None))
            .order_by(ExportSchedule.id)
        )
    )


def remove_schedule(session: Session, schedule_id: int, now: datetime) -> None:
    schedule = session.get(ExportSchedule, schedule_id)
    if schedule is None or schedule.removed_at is not None:
        raise LookupError(f"no export schedule {schedule_id}")
    schedule.removed_at = now


def claim_run(
    session: Session,
    schedule: ExportSchedule,
    run_key: str,
    now: datetime,
    *,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    session_id: int | None = None,
) -> ExportRun | None:
    """Claim a run by its key; None if it was claimed before (by anyone). A run still
    `running` after `STALE` (its process was killed) is taken over, and one that failed
    is tried again `RETRY` after: either writes the same file (or POSTs with the same
    idempotency key) again."""
    run = ExportRun(
        schedule_id=schedule.id,
        run_key=run_key,
        window_start=window_start,
        window_end=window_end,
        session_id=session_id,
        started_at=now,
    )
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        taken = session.execute(
            update(ExportRun)
            .where(
                ExportRun.schedule_id == schedule.id,
                ExportRun.run_key == run_key,
                or_(
                    (ExportRun.status == "running") & (ExportRun.started_at < now - STALE),
                    (ExportRun.status == "failed") & (ExportRun.finished_at < now - RETRY),
                ),
            )
            .values(status="running", started_at=now, error=None)
        )
        if not taken.rowcount:  # type: ignore[attr-defined]
            return None
        return session.scalar(
            select(ExportRun).where(
                ExportRun.schedule_id == schedule.id, ExportRun.run_key == run_key
            )
        )
    return run


def last_cron_run_end(session: Session, schedule: ExportSchedule) -> datetime | None:
    """Where the schedule's previous cron run that did not fail stopped: the next window
    starts there, so a failed run's orders go out with the next one."""
    return session.scalar(
        select(func.max(ExportRun.window_end)).where(
            ExportRun.schedule_id == schedule.id,
            ExportRun.run_key.like("cron:%"),
            ExportRun.status != "failed",
        )
    )


def runs(session: Session, schedule_id: int | None = None, limit: int = 50) -> list[ExportRun]:
    query = select(ExportRun).order_by(ExportRun.id.desc()).limit(limit)
    if schedule_id is not None:
        query = query.where(ExportRun.schedule_id == schedule_id)
    return list(session.scalars(query))
