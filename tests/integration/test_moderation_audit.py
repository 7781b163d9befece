"""Every moderation decision lands in the audit log and can be undone, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kernel.models import OutboxMessage
from live.messages import ChatMessage
from live.sessions import open_session
from moderation import audit
from moderation.models import ModerationAction
from vitrine.bootstrap import build_pipeline
from vitrine.settings import Settings

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def _pipeline(database, **overrides):
    with database.unit_of_work() as uow:
        live = open_session(uow.session, key="audit", platform="test", chat_id="c", now=T0)
        uow.commit()
    settings = Settings(brand_name="Atelier Test", protected_names=["Zélie"], **overrides)
    return build_pipeline(settings, database, live.id)


def _msg(n: int, text: str, name: str = "Lou") -> ChatMessage:
    return ChatMessage("test", "c", f"m{n}", "u1", name, text, T0)


def test_removal_is_logged_applied_and_undoable(database) -> None:
    pipeline = _pipeline(database)
    result = pipeline.process(_msg(1, "promo sur cheap-bags.shop"), now=T0)
    assert result.removed
    with database.unit_of_work() as uow:
        entry = uow.session.scalars(select(ModerationAction)).one()
        assert (entry.action, entry.reasons, entry.actor, entry.dry_run) == (
            "delete",
            ["link"],
            "auto",
            False,
        )
        actions = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "moderation")
        ).all()
        assert [a.payload["action"] for a in actions] == ["delete"]
        audit.undo(uow.session, entry.id, by="modo:Ines", now=T0)
        uow.commit()
    with database.unit_of_work() as uow:
        entry = uow.session.scalars(select(ModerationAction)).one()
        assert entry.undone_by == "modo:Ines" and entry.undone_at is not None
        with pytest.raises(audit.AuditError, match="already undone"):
            audit.undo(uow.session, entry.id, by="x", now=T0)


def test_dry_run_logs_but_acts_on_nothing(database) -> None:
    pipeline = _pipeline(database, moderation_dry_run=True)
    result = pipeline.process(_msg(1, "promo sur cheap-bags.shop"), now=T0)
    assert result.verdict is not None and result.verdict.dry_run
    with database.unit_of_work() as uow:
        entry = uow.session.scalars(select(ModerationAction)).one()
        assert entry.dry_run and entry.action == "delete"
        assert uow.session.scalars(select(OutboxMessage)).all() == []


def test_moderator_override_is_recorded(database) -> None:
    with database.unit_of_work() as uow:
        audit.record_override(
            uow.session, action="allow_domain", actor="modo:Ines", now=T0, argument="partner.fr"
        )
        uow.commit()
        with pytest.raises(audit.AuditError, match="unknown moderator action"):
            audit.record_override(uow.session, action="nuke", actor="x", now=T0)


def test_undo_lifts_a_ban_on_the_platform(database) -> None:
    from live.moderator_commands import undo_action

    pipeline = _pipeline(database)
    result = pipeline.process(_msg(1, "bonsoir", name="Zelie officiel"), now=T0)
    assert result.verdict is not None and result.verdict.action.value == "ban"
    with database.unit_of_work() as uow:
        entry_id = uow.session.scalars(select(ModerationAction.id)).one()
    undone = undo_action(database, entry_id, by="modo:Ines", now=T0)
    assert undone.undone_by == "modo:Ines"
    with database.unit_of_work() as uow:
        actions = [
            m.payload["action"]
            for m in uow.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "moderation")
                .order_by(OutboxMessage.id)
            )
        ]
        assert actions == ["ban", "unban"]
    with pytest.raises(audit.AuditError):
        undo_action(database, entry_id, by="modo:Ines", now=T0)


def test_moderator_commands_adjust_the_engine_log_and_reach_the_platform(database) -> None:
    from kernel.models import LiveSession
    from live.moderator_commands import UnknownCommand, apply_override

    pipeline = _pipeline(database)
    pipeline.process(_msg(1, "coucou"), now=T0)
    with database.unit_of_work() as uow:
        live = uow.session.get(LiveSession, pipeline.live_session_id)
        uow.session.expunge(live)
    engine = pipeline.moderator
    apply_override(
        database,
        engine,
        live=live,
        command="allow_domain",
        actor="modo:Ines",
        argument="partner-shop.com",
        now=T0,
    )
    assert pipeline.process(_msg(2, "voir partner-shop.com"), now=T0).removed is False
    apply_override(
        database,
        engine,
        live=live,
        command="block_word",
        actor="modo:Ines",
        argument="wesh",
        now=T0,
    )
    assert pipeline.process(_msg(3, "wesh"), now=T0).removed is True
    apply_override(
        database,
        engine,
        live=live,
        command="mute",
        actor="modo:Ines",
        target_user_id="u1",
        duration_s=300,
        now=T0,
    )
    with pytest.raises(UnknownCommand):
        apply_override(database, engine, live=live, command="nuke", actor="x", now=T0)
    with database.unit_of_work() as uow:
        logged = [
            (a.action, a.actor)
            for a in uow.session.scalars(
                select(ModerationAction).where(ModerationAction.actor == "modo:Ines")
            )
        ]
        assert logged == [
            ("allow_domain", "modo:Ines"),
            ("block_word", "modo:Ines"),
            ("mute", "modo:Ines"),
        ]
        platform = [
            (m.payload["action"], m.payload["duration_s"])
            for m in uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "moderation")
            )
        ]
        assert ("timeout", 300) in platform
