"""Writing to the outbox: one row per dedupe key, and deferred writes land only on success."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kernel.models import OutboxMessage
from kernel.outbox import deferred, enqueue

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def _add(session, key: str) -> None:
    enqueue(
        session,
        kind="public",
        channel="fake",
        destination="public:c1",
        payload={"text": key},
        dedupe_key=key,
        now=T0,
    )


def _keys(session) -> list[str]:
    return list(session.scalars(select(OutboxMessage.dedupe_key).order_by(OutboxMessage.id)))


def test_deferred_rows_are_written_together_in_order_when_the_block_ends(database) -> None:
    with database.unit_of_work() as uow:
        _add(uow.session, "before")
        with deferred(uow.session):
            for key in ("a", "b", "before", "c"):
                _add(uow.session, key)
            with deferred(uow.session):  # nested: the outer block writes everything
                _add(uow.session, "d")
            assert _keys(uow.session) == ["before"]
        assert _keys(uow.session) == ["before", "a", "b", "c", "d"]
        uow.commit()


def test_a_failed_deferred_block_writes_nothing(database) -> None:
    with database.unit_of_work() as uow:
        with pytest.raises(RuntimeError), deferred(uow.session):
            _add(uow.session, "lost")
            raise RuntimeError("the batch failed")
        assert _keys(uow.session) == []
        _add(uow.session, "after")  # and the session writes directly again
        assert _keys(uow.session) == ["after"]
