"""Many rows in one INSERT on both databases: conflicts skipped, types bound as usual."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import pytest
from sqlalchemy import Table, select

from kernel.bulk import insert_rows
from kernel.models import Comment, Viewer

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
COMMENTS = cast(Table, Comment.__table__)


def _row(viewer_id: int, message_id: str, **extra: object) -> dict[str, object]:
    return {
        "session_id": None,
        "viewer_id": viewer_id,
        "platform": "test",
        "chat_id": "c1",
        "message_id": message_id,
        "text": f"text of {message_id}",
        "sent_at": T0,
        "received_at": T0,
        "intent": None,
        "intent_items": None,
        "moderation_reasons": None,
        **extra,
    }


@pytest.fixture
def viewer_id(database) -> int:
    with database.unit_of_work() as uow:
        viewer = Viewer(platform="test", platform_user_id="u1", display_name="U", role="viewer")
        uow.session.add(viewer)
        uow.session.flush()
        uow.commit()
        return viewer.id


def test_rows_are_inserted_once_with_their_types(database, viewer_id: int) -> None:
    with database.unit_of_work() as uow:
        first = insert_rows(
            uow.session,
            COMMENTS,
            [
                _row(viewer_id, "m1", intent="buy", intent_items=[{"sku": "A", "quantity": 2}]),
                _row(viewer_id, "m2", moderation_reasons=["link", "scam"]),
            ],
            conflict=("platform", "chat_id", "message_id"),
            returning=("id", "message_id"),
        )
        again = insert_rows(
            uow.session,
            COMMENTS,
            [_row(viewer_id, "m2"), _row(viewer_id, "m3", text="l'été 😍 — ok")],
            conflict=("platform", "chat_id", "message_id"),
            returning=("id", "message_id"),
        )
        uow.commit()
    assert sorted(r.message_id for r in first) == ["m1", "m2"]
    assert [r.message_id for r in again] == ["m3"]  # m2 was already there
    with database.unit_of_work() as uow:
        stored = {c.message_id: c for c in uow.session.scalars(select(Comment))}
        assert stored["m1"].intent_items == [{"sku": "A", "quantity": 2}]
        assert stored["m2"].moderation_reasons == ["link", "scam"]
        assert stored["m2"].text == "text of m2"  # the duplicate changed nothing
        assert stored["m3"].text == "l'été 😍 — ok" and stored["m3"].intent_items is None
        assert stored["m3"].sent_at == T0


def test_a_naive_time_is_refused_as_by_the_orm(database, viewer_id: int) -> None:
    with database.unit_of_work() as uow, pytest.raises(Exception, match="naive datetime"):
        insert_rows(
            uow.session,
            COMMENTS,
            [_row(viewer_id, "m1", sent_at=datetime(2026, 11, 20, 20, 0))],
            conflict=("platform", "chat_id", "message_id"),
        )


def test_no_rows_inserts_nothing(database) -> None:
    with database.unit_of_work() as uow:
        assert insert_rows(uow.session, COMMENTS, [], conflict=("message_id",)) == []
        assert uow.session.scalar(select(Comment.id)) is None
