"""`vitrine outbox list` and `vitrine outbox retry`: an operator sees what waits and what
failed for good, and sends failed rows again once the cause is fixed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

from sqlalchemy import select, update

from kernel.models import OutboxMessage, OutboxStatus
from kernel.outbox import enqueue

T0 = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def _vitrine(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vitrine.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "250"},
    )


def test_list_and_retry_failed_rows(database, database_url) -> None:
    with database.unit_of_work() as uow:
        for n in range(3):
            enqueue(
                uow.session,
                kind="private",
                channel="telegram",
                destination=f"dm:telegram:{n}",
                payload={"user_id": str(n), "text": "hi"},
                dedupe_key=f"k{n}",
                now=T0,
            )
        uow.session.flush()
        uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedupe_key.in_(["k1", "k2"]))
            .values(status=OutboxStatus.FAILED, attempts=8, last_error="telegram refused: [/]")
        )
        uow.commit()
        ids = dict(uow.session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.id)).all())
    waiting = _vitrine("outbox", "list", "--db", database_url)
    assert waiting.returncode == 0, waiting.stderr
    assert "dm:telegram:0" in waiting.stdout and "dm:telegram:1" not in waiting.stdout
    dead = _vitrine("outbox", "list", "--dead", "--db", database_url)
    assert "dm:telegram:1" in dead.stdout and "telegram refused: [/]" in dead.stdout
    refused = _vitrine("outbox", "retry", str(ids["k0"]), "--db", database_url)
    assert refused.returncode == 1 and "not failed for good" in refused.stderr
    one = _vitrine("outbox", "retry", str(ids["k1"]), "--db", database_url)
    assert one.returncode == 0 and "1 row(s)" in one.stdout
    rest = _vitrine("outbox", "retry", "--all-dead", "--db", database_url)
    assert rest.returncode == 0 and "1 row(s)" in rest.stdout
    with database.unit_of_work() as uow:
        rows = uow.session.scalars(select(OutboxMessage)).all()
        assert {(r.status, r.attempts) for r in rows} == {("pending", 0)}
