"""Scheduled exports: a cron schedule exports the orders paid since its previous run, a
live's orders go out when it ends, to a folder or a signed POST; schedules live in the
database (a restart keeps them) and each run happens once, even when two processes both
find it due."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from commerce.export_schedules import BadSchedule, add_schedule
from commerce.models import ExportRun
from kernel.models import LiveSession
from live.payments import pay_with_local_checkout
from live.scheduled_exports import due_runs, run_export
from live.sessions import end_session
from tests.fakes.brand_receiver import BrandReceiver
from tests.integration.test_checkout_local import claim_for
from tests.integration.test_export_formats import _vitrine
from vitrine.scheduler import last_cron_fire

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def _pay(database, live, who: str, at: datetime) -> int:
    token = claim_for(database, live, who, "SERUM-ECLAT", at, options={"size": "30ml"})
    assert token is not None
    return pay_with_local_checkout(database, token, at).order_id


def _schedule(database, **fields):
    with database.unit_of_work() as uow:
        schedule = add_schedule(uow.session, now=T0, **fields)
        uow.commit()
        return schedule.id, schedule.secret


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_last_cron_fire_in_a_window() -> None:
    hourly = "0 * * * *"
    assert last_cron_fire(hourly, T0, T0 + timedelta(minutes=59)) is None
    assert last_cron_fire(hourly, T0, T0 + timedelta(hours=3, minutes=5)) == T0 + timedelta(hours=3)
    assert last_cron_fire(hourly, T0 - timedelta(minutes=1), T0) == T0


def test_an_hourly_export_takes_each_paid_order_once(database, live, tmp_path) -> None:
    folder = tmp_path / "drop"
    _schedule(
        database,
        name="hourly",
        cron="0 * * * *",
        at_session_end=False,
        format="csv",
        target=str(folder),
    )
    first = _pay(database, live, "ann", T0 + timedelta(minutes=10))
    assert due_runs(database, T0 + timedelta(minutes=30), last_cron_fire) == []
    [due] = due_runs(database, T0 + timedelta(hours=1, minutes=1), last_cron_fire)
    assert due.window_end == T0 + timedelta(hours=1)
    assert run_export(database, due, T0 + timedelta(hours=1, minutes=1))
    assert not run_export(database, due, T0 + timedelta(hours=1, minutes=2))  # once
    second = _pay(database, live, "bob", T0 + timedelta(hours=1, minutes=20))
    # the scheduler was down for two hours: the missed fires make one run
    [due] = due_runs(database, T0 + timedelta(hours=3, minutes=30), last_cron_fire)
    assert (due.window_start, due.window_end) == (T0 + timedelta(hours=1), T0 + timedelta(hours=3))
    assert run_export(database, due, T0 + timedelta(hours=3, minutes=30))
    files = sorted(folder.iterdir())
    assert [p.suffix for p in files] == [".csv", ".csv"]
    exported = [[int(r["order_id"]) for r in _rows(path)] for path in files]
    assert exported == [[first], [second]]
    assert due_runs(database, T0 + timedelta(hours=3, minutes=31), last_cron_fire) == []


def test_a_live_is_exported_when_it_ends_to_a_signed_endpoint(database, live) -> None:
    brand = BrandReceiver("unset")
    try:
        _, secret = _schedule(
            database, name="live", cron=None, at_session_end=True, format="json", target=brand.url
        )
        brand.secret = secret
        order = _pay(database, live, "ann", T0 + timedelta(minutes=5))
        assert due_runs(database, T0 + timedelta(minutes=10), last_cron_fire) == []
        with database.unit_of_work() as uow:
            end_session(uow.session, uow.session.get(LiveSession, live), T0 + timedelta(hours=1))
            uow.commit()
        [due] = due_runs(database, T0 + timedelta(hours=1, minutes=1), last_cron_fire)
        assert due.session_id == live and run_export(database, due)
        [got] = brand.received
        assert got.valid and got.idempotency_key.endswith(f"live:{live}")
        assert [o["order_id"] for o in got.event["orders"]] == [order]
        assert due_runs(database, T0 + timedelta(hours=2), last_cron_fire) == []
    finally:
        brand.close()


def test_a_failed_run_is_recorded_and_the_next_still_runs(database, live) -> None:
    brand = BrandReceiver("s")
    brand.default = 503
    try:
        _schedule(
            database,
            name="h",
            cron="0 * * * *",
            at_session_end=False,
            format="json",
            target=brand.url,
        )
        [due] = due_runs(database, T0 + timedelta(hours=1, minutes=1), last_cron_fire)
        assert run_export(database, due)
        with database.unit_of_work() as uow:
            run = uow.session.scalars(select(ExportRun)).one()
            assert (run.status, run.error) == ("failed", "export endpoint answered 503")
        brand.default = 200
        [due] = due_runs(database, T0 + timedelta(hours=2, minutes=1), last_cron_fire)
        # the failed hour goes out with the next run
        assert (due.window_start, due.window_end) == (T0, T0 + timedelta(hours=2))
        assert run_export(database, due)
    finally:
        brand.close()


def test_bad_schedules_are_refused(database) -> None:
    with database.unit_of_work() as uow:
        with pytest.raises(BadSchedule, match="cron schedule, or run at session end"):
            add_schedule(
                uow.session,
                name="x",
                cron=None,
                at_session_end=False,
                format="csv",
                target="/tmp/x",
                now=T0,
            )
        with pytest.raises(BadSchedule, match="format"):
            add_schedule(
                uow.session,
                name="x",
                cron="0 * * * *",
                at_session_end=False,
                format="xlsx",
                target="/tmp/x",
                now=T0,
            )
        with pytest.raises(BadSchedule, match="folder or an http"):
            add_schedule(
                uow.session,
                name="x",
                cron="0 * * * *",
                at_session_end=False,
                format="csv",
                target="ftp://x",
                now=T0,
            )


def test_schedules_from_the_command_line(database_url, tmp_path) -> None:
    bad = _vitrine(
        "schedule", "add", "--to", str(tmp_path), "--cron", "every hour", "--db", database_url
    )
    assert bad.returncode == 2 and "not a crontab line" in bad.stderr
    added = _vitrine(
        "schedule",
        "add",
        "--to",
        "https://shop.example/in",
        "--cron",
        "30 6 * * *",
        "--at-session-end",
        "--format",
        "shopify-csv",
        "--db",
        database_url,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip().startswith("whsec_")
    listed = _vitrine("schedule", "list", "--db", database_url).stdout
    assert "cron 30 6 * * *, at session end" in listed and "never run" in listed
    assert added.stdout.strip() not in listed
    assert _vitrine("schedule", "remove", "1", "--db", database_url).returncode == 0
    assert "no export schedule" in _vitrine("schedule", "list", "--db", database_url).stdout


def test_two_processes_finding_a_run_due_run_it_once(database, live, tmp_path) -> None:
    """Two schedulers (a lease handing over mid-run) race for the same run: one runs it;
    a run left `running` by a killed process is taken over once it is stale."""
    from concurrent.futures import ThreadPoolExecutor

    _schedule(
        database,
        name="race",
        cron="0 * * * *",
        at_session_end=False,
        format="csv",
        target=str(tmp_path / "out"),
    )
    _pay(database, live, "ann", T0 + timedelta(minutes=5))
    [due] = due_runs(database, T0 + timedelta(hours=1, minutes=1), last_cron_fire)
    with ThreadPoolExecutor(4) as pool:
        ran = list(pool.map(lambda _: run_export(database, due, T0 + timedelta(hours=1)), range(4)))
    assert sorted(ran) == [False, False, False, True]
    assert len(list((tmp_path / "out").iterdir())) == 1
    with database.unit_of_work() as uow:
        run = uow.session.scalars(select(ExportRun)).one()
        run.status = "running"  # as if its process died before finishing
        uow.commit()
    assert not run_export(database, due, T0 + timedelta(hours=1, minutes=10))  # not stale yet
    assert run_export(database, due, T0 + timedelta(hours=1, minutes=20))  # taken over


def test_a_failed_end_of_live_export_is_tried_again_later(database, live) -> None:
    brand = BrandReceiver("s")
    brand.default = 503
    try:
        _schedule(
            database, name="end", cron=None, at_session_end=True, format="json", target=brand.url
        )
        with database.unit_of_work() as uow:
            end_session(uow.session, uow.session.get(LiveSession, live), T0 + timedelta(hours=1))
            uow.commit()
        later = T0 + timedelta(hours=1, minutes=1)
        [due] = due_runs(database, later, last_cron_fire)
        assert run_export(database, due, later)  # fails: 503
        [again] = due_runs(database, later, last_cron_fire)
        assert not run_export(database, again, later + timedelta(minutes=1))  # too soon
        brand.default = 200
        assert run_export(database, again, utcnow_after(later))
        assert due_runs(database, later + timedelta(hours=1), last_cron_fire) == []
    finally:
        brand.close()


def utcnow_after(moment: datetime) -> datetime:
    """A moment past the retry delay of a run that failed at `moment` (or later)."""
    from datetime import UTC as _UTC
    from datetime import datetime as _dt

    return max(moment, _dt.now(_UTC)) + timedelta(minutes=10)
