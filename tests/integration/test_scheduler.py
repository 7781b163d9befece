"""Exactly one process holds the scheduler lease, on SQLite and on PostgreSQL."""

from __future__ import annotations

from vitrine.bootstrap import open_database
from vitrine.scheduler import SchedulerLease


def test_only_one_lease_at_a_time(database_url: str) -> None:
    first_db, second_db = open_database(database_url), open_database(database_url)
    try:
        first, second = SchedulerLease(first_db), SchedulerLease(second_db)
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
        second.release()
    finally:
        first_db.dispose()
        second_db.dispose()
