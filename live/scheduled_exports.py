"""Running the brand's scheduled exports (`commerce.export_schedules`): which runs are due
now, and a run itself: its orders streamed to a temporary file, then moved into the folder
or POSTed to the URL (signed like the webhooks, the run as idempotency key)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import select

from commerce.export import csv_to, iter_orders, json_to, shopify_csv_to
from commerce.export_schedules import (
    EXTENSIONS,
    active_schedules,
    claim_run,
    is_url,
    last_cron_run_end,
)
from commerce.models import ExportRun, ExportSchedule, OrderStatus
from kernel.clock import utcnow
from kernel.models import LiveSession
from kernel.uow import UnitOfWorkProvider

log = logging.getLogger(__name__)

WRITERS = {"csv": csv_to, "json": json_to, "shopify-csv": shopify_csv_to}
SOLD = [
    s.value
    for s in (OrderStatus.PAID, OrderStatus.HANDED_OFF, OrderStatus.CANCELLED, OrderStatus.REFUNDED)
]
# The last fire time of a cron expression at or before a moment, after another (None:
# it did not fire in between). The shell supplies it (APScheduler's cron syntax).
LastFire = Callable[[str, datetime, datetime], datetime | None]


@dataclass(frozen=True, slots=True)
class DueRun:
    schedule_id: int
    run_key: str
    window_start: datetime | None = None
    window_end: datetime | None = None
    session_id: int | None = None


def due_runs(database: UnitOfWorkProvider, now: datetime, last_fire: LastFire) -> list[DueRun]:
    """The runs due now: a cron that fired since the previous run (missed fires while
    nothing ran coalesce into one run up to the latest), and lives ended since the
    schedule was made that it has not exported."""
    due: list[DueRun] = []
    with database.unit_of_work() as uow:
        session = uow.session
        for schedule in active_schedules(session):
            if schedule.cron:
                start = last_cron_run_end(session, schedule) or schedule.created_at
                fired = last_fire(schedule.cron, start, now)
                if fired is not None and fired > start:
                    key = f"cron:{fired.isoformat()}"
                    due.append(DueRun(schedule.id, key, start, fired))
            if schedule.at_session_end:
                done = set(  # a failed one is due again (its claim waits out a delay)
                    session.scalars(
                        select(ExportRun.session_id).where(
                            ExportRun.schedule_id == schedule.id,
                            ExportRun.session_id.is_not(None),
                            ExportRun.status != "failed",
                        )
                    )
                )
                ended = session.scalars(
                    select(LiveSession.id).where(
                        LiveSession.ended_at.is_not(None),
                        LiveSession.ended_at >= schedule.created_at,
                        LiveSession.ended_at <= now,
                    )
                )
                due += [
                    DueRun(schedule.id, f"live:{live}", session_id=live)
                    for live in ended
                    if live not in done
                ]
    return due


def run_export(database: UnitOfWorkProvider, due: DueRun, now: datetime | None = None) -> bool:
    """Run one due export if no one has; whether this call ran it. The claim is committed
    before the export starts, so another process sees it at once."""
    now = now or utcnow()
    with database.unit_of_work() as uow:
        schedule = uow.session.get(ExportSchedule, due.schedule_id)
        if schedule is None:
            return False
        run = claim_run(
            uow.session,
            schedule,
            due.run_key,
            now,
            window_start=due.window_start,
            window_end=due.window_end,
            session_id=due.session_id,
        )
        if run is None:
            return False
        uow.commit()
        run_id = run.id
        name, fmt, target, secret = schedule.name, schedule.format, schedule.target, schedule.secret
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{_file_name(name, due)}.{EXTENSIONS[fmt]}"
            with database.unit_of_work() as uow, path.open("w", encoding="utf-8", newline="") as fh:
                orders = iter_orders(
                    uow.session,
                    session_id=due.session_id,
                    since=due.window_start,
                    until=due.window_end,
                    by_payment=True,
                    statuses=SOLD,
                )
                count = WRITERS[fmt](orders, fh)
            _deliver(path, target, secret, f"{due.schedule_id}:{due.run_key}")
        _finish(database, run_id, "done", count, None)
        log.info("scheduled export %s (%s): %d order(s)", name, due.run_key, count)
    except Exception as exc:  # recorded with the run; the next run is not held back
        log.warning("scheduled export %s (%s) failed: %s", name, due.run_key, exc)
        _finish(database, run_id, "failed", None, str(exc)[:500])
    return True


def _file_name(name: str, due: DueRun) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "export"
    key = re.sub(r"[^A-Za-z0-9]+", "", due.run_key)
    return f"{safe}-{key}"


def _deliver(path: Path, target: str, secret: str, idempotency_key: str) -> None:
    if not is_url(target):
        folder = Path(target).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{path.name}.part"
        with path.open("rb") as src, tmp.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        tmp.replace(folder / path.name)  # a reader never sees half a file
        return
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode(), hashlib.sha256)
    with path.open("rb") as fh:  # signed and sent a chunk at a time, never all in memory
        while chunk := fh.read(1 << 20):
            mac.update(chunk)
    kind = "application/json" if path.suffix == ".json" else "text/csv"
    with path.open("rb") as fh:
        answer = httpx.post(
            target,
            content=fh,
            headers={
                "Content-Type": kind,
                "Content-Length": str(path.stat().st_size),
                "Vitrine-Signature": f"t={stamp},v1={mac.hexdigest()}",
                "Idempotency-Key": idempotency_key,
                "Content-Disposition": f'attachment; filename="{path.name}"',
            },
            timeout=60,
        )
    if not 200 <= answer.status_code < 300:
        raise RuntimeError(f"export endpoint answered {answer.status_code}")


def _finish(
    database: UnitOfWorkProvider, run_id: int, status: str, orders: int | None, error: str | None
) -> None:
    with database.unit_of_work() as uow:
        run = uow.session.get(ExportRun, run_id)
        if run is not None:
            run.status, run.orders, run.error, run.finished_at = status, orders, error, utcnow()
            uow.commit()
