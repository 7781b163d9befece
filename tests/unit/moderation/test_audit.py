"""The audit log records verdicts and moderator overrides, and any entry can be undone once."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from moderation import audit
from moderation.verdict import Action, Verdict


def test_a_verdict_is_recorded_with_its_reasons(db_session: Session) -> None:
    verdict = Verdict(Action.TIMEOUT, ("insult", "contact"), 600)
    entry = audit.record_verdict(
        db_session, verdict=verdict, session_id=None, comment_id=None, viewer_id=None
    )
    db_session.flush()
    assert (entry.action, entry.reasons, entry.duration_s, entry.actor, entry.dry_run) == (
        "timeout",
        ["insult", "contact"],
        600,
        "auto",
        False,
    )


def test_dry_run_and_late_verdicts_are_recorded_as_such(db_session: Session) -> None:
    dry = audit.record_verdict(
        db_session,
        verdict=Verdict(Action.DELETE, ("link",), dry_run=True),
        session_id=None,
        comment_id=None,
        viewer_id=None,
    )
    late = audit.record_verdict(
        db_session,
        verdict=Verdict(Action.DELETE, ("sexual",)),
        session_id=None,
        comment_id=None,
        viewer_id=None,
        actor="second_opinion",
    )
    db_session.flush()
    assert dry.dry_run and late.actor == "second_opinion"


def test_overrides_are_recorded(db_session: Session) -> None:
    entry = audit.record_override(
        db_session, action="allow_domain", actor="mod:ana", argument="x.fr"
    )
    db_session.flush()
    assert (entry.action, entry.argument, entry.actor) == ("allow_domain", "x.fr", "mod:ana")
    with pytest.raises(audit.AuditError):
        audit.record_override(db_session, action="explode", actor="mod:ana")


def test_every_action_is_undoable_once(db_session: Session) -> None:
    entry = audit.record_verdict(
        db_session,
        verdict=Verdict(Action.BAN, ("scam",)),
        session_id=None,
        comment_id=None,
        viewer_id=None,
    )
    db_session.flush()
    undone = audit.undo(db_session, entry.id, "mod:ana")
    assert undone.undone_by == "mod:ana" and undone.undone_at is not None
    with pytest.raises(audit.AuditError, match="already undone"):
        audit.undo(db_session, entry.id, "mod:bob")
    with pytest.raises(audit.AuditError, match="no moderation action"):
        audit.undo(db_session, 9999, "mod:ana")
