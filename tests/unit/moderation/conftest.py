"""Fixtures for moderation tests: a brand of our own, an engine, a judge, an audit database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session

from moderation.engine import ModerationEngine
from moderation.policy import ModerationPolicy
from moderation.verdict import MessageToJudge, Verdict

SETTINGS = {
    "brand": "Nordlys Studio",
    "protected_names": ["Nordlys Studio", "Ingrid", "Tom"],
    "allowed_domains": ["nordlys-studio.com"],
    "blocked_words": ["Fastlook", "Shopzy"],
}

Judge = Callable[..., Verdict]


@pytest.fixture
def policy() -> ModerationPolicy:
    return ModerationPolicy.from_settings_json(SETTINGS)


@pytest.fixture
def engine(policy: ModerationPolicy) -> ModerationEngine:
    return ModerationEngine(policy)


def make_judge(engine: ModerationEngine) -> Judge:
    """A short way to ask the engine about one message."""
    counter = iter(range(10**9))

    def judge(
        text: str,
        *,
        author: str = "u1",
        name: str = "Viewer",
        role: str = "viewer",
        ts: float = 0.0,
    ) -> Verdict:
        return engine.decide(MessageToJudge(f"m{next(counter)}", ts, author, name, role, text))

    return judge


@pytest.fixture
def judge(engine: ModerationEngine) -> Judge:
    return make_judge(engine)


@pytest.fixture
def fresh_judge(policy: ModerationPolicy) -> Judge:
    """Each message judged by a new engine: content rules only, no history."""

    def judge(text: str, *, name: str = "Viewer", role: str = "viewer") -> Verdict:
        return ModerationEngine(policy).decide(MessageToJudge("m", 0.0, "u", name, role, text))

    return judge


@pytest.fixture
def db_session() -> Iterator[Session]:
    """An in-memory SQLite database with the whole schema."""
    from kernel.db import make_engine
    from vitrine.schema import metadata

    db = make_engine("sqlite://")
    metadata.create_all(db)
    with Session(db) as session:
        yield session
    db.dispose()
