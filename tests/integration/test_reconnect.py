"""A PostgreSQL server that drops Vitrine's connections (a restart, a network cut) costs no
comment: a pooled connection is checked before each use (`pool_pre_ping`), and a batch that
still fails runs again on a fresh connection."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from kernel.models import Comment
from live.messages import ChatMessage
from live.sessions import open_session
from vitrine.bootstrap import build_pipeline, open_database
from vitrine.settings import Settings

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def _pipeline(database):
    with database.unit_of_work() as uow:
        live = open_session(uow.session, key="reconnect", platform="test", chat_id="c", now=T0)
        uow.commit()
        return build_pipeline(Settings(), database, live.id)


def _comment(n: int) -> ChatMessage:
    return ChatMessage("test", "c", f"m{n}", f"u{n}", f"U{n}", "bonsoir tout le monde", T0)


def _stored(database) -> int:
    with database.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(Comment)) or 0


@pytest.mark.postgres
def test_a_connection_dropped_between_batches_loses_no_comment(
    postgres_url: str, restart_postgres
) -> None:
    database = open_database(postgres_url, pool_pre_ping=False)  # the worst case
    try:
        pipeline = _pipeline(database)
        assert pipeline.process(_comment(1), now=T0).error is None
        restart_postgres(postgres_url)
        result = pipeline.process(_comment(2), now=T0)
        assert result.error is None and result.comment_id is not None
        assert _stored(database) == 2
    finally:
        database.dispose()


@pytest.mark.postgres
def test_a_dead_pooled_connection_is_replaced_before_use(
    postgres_url: str, restart_postgres
) -> None:
    database = open_database(postgres_url)
    try:
        pipeline = _pipeline(database)
        assert pipeline.process(_comment(1), now=T0).error is None
        restart_postgres(postgres_url)
        failed_batches: list[str] = []

        @event.listens_for(database.engine, "handle_error")
        def _failed(context) -> None:
            if not context.is_pre_ping:  # the check itself finds the connection dead: fine
                failed_batches.append(str(context.original_exception))

        result = pipeline.process(_comment(2), now=T0)
        assert result.error is None and _stored(database) == 2
        assert failed_batches == []  # the dead connection was never handed out
    finally:
        database.dispose()
