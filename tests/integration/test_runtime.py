"""The runtime as `vitrine run` builds it: one consumer per live session, replies out
through the relay, and an event loop that never waits on the database."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text

from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_store import import_catalog
from kernel.models import Comment
from live.messages import ChatMessage
from live.platform import Inbox, PlatformLimits, PlatformPlugin
from live.sessions import feature_product, open_session
from vitrine import plugins
from vitrine.bootstrap import build_runtime
from vitrine.settings import Settings

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"
T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


class FakeChat:
    """A platform adapter for tests: plays the comments it is given, records what it sends."""

    name = "fake"
    limits = PlatformLimits()

    def __init__(self, comments: list[ChatMessage]) -> None:
        self.comments = comments
        self.public: list[tuple[str, str]] = []
        self.private: list[tuple[str, str]] = []
        self.results: list[object] = []

    async def send_public(self, chat_id: str, text_: str, reply_to: str | None = None) -> None:
        self.public.append((chat_id, text_))

    async def send_private(self, user_id: str, text_: str) -> None:
        self.private.append((user_id, text_))

    async def moderate(self, *args: object) -> None:
        pass

    async def run(self, inbox: Inbox, stop: asyncio.Event) -> None:
        # Two chats at once: each comment is submitted without waiting for the previous.
        self.results = await asyncio.gather(*(inbox.submit(c) for c in self.comments))
        await stop.wait()


def _two_lives(database_url: str) -> None:
    settings = Settings(_env_file=None)
    runtime = build_runtime(settings, database_url, plugins=False)
    with runtime.database.unit_of_work() as uow:
        import_catalog(uow.session, load_catalog_file(CATALOG))
        for chat in ("c1", "c2"):
            live = open_session(uow.session, key=chat, platform="fake", chat_id=chat, now=T0)
            feature_product(uow.session, live, "SERUM-ECLAT")
        uow.commit()
    runtime.close()


def _comment(chat: str, n: int, author: str, text_: str) -> ChatMessage:
    return ChatMessage("fake", chat, f"{chat}-{n}", author, author.title(), text_, T0)


def _wait_for(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_each_live_session_has_one_consumer_and_replies_go_out(database_url: str) -> None:
    _two_lives(database_url)
    comments = [
        _comment(chat, n, f"{chat}-viewer{n}", text_)
        for n, text_ in enumerate(["je prends le 30ml", "bonjour", "j'annule", "je prends le 50ml"])
        for chat in ("c1", "c2")
    ]
    chat = FakeChat(comments)
    runtime = build_runtime(Settings(_env_file=None), database_url, platforms={"fake": chat})

    async def main() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(runtime.run(stop))
        await asyncio.to_thread(_wait_for, lambda: len(chat.results) == len(comments))
        await asyncio.to_thread(_wait_for, lambda: len(chat.private) >= 4)
        stop.set()
        await running

    try:
        asyncio.run(main())
        with runtime.database.unit_of_work() as uow:
            stored = uow.session.scalars(select(Comment).order_by(Comment.id)).all()
            for chat_id in ("c1", "c2"):  # each session's comments in arrival order
                ids = [c.message_id for c in stored if c.chat_id == chat_id]
                assert ids == [f"{chat_id}-{n}" for n in range(4)]
    finally:
        runtime.close()
    assert all(result is not None for result in chat.results)
    assert {c for c, _ in chat.public} == {"c1", "c2"}
    assert sum("/checkout/" in text_ for _, text_ in chat.private) >= 4
    assert runtime.router.sessions() == []  # consumers stopped with the runtime


def test_the_loop_keeps_running_while_a_batch_waits_on_the_database(database_url: str) -> None:
    _two_lives(database_url)
    runtime = build_runtime(Settings(_env_file=None), database_url, plugins=False)
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with runtime.database.engine.begin() as conn:  # SQLite: BEGIN IMMEDIATE
            if conn.dialect.name == "postgresql":
                conn.execute(text("LOCK TABLE comments IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            release.wait(20)

    async def main() -> int:
        ticks = 0

        async def heartbeat() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        runtime.pipeline_for(1)  # built before the lock: only the batch waits
        holder = threading.Thread(target=hold_lock)
        holder.start()
        await asyncio.to_thread(locked.wait, 10)
        submitted = asyncio.create_task(runtime.router.submit(_comment("c1", 1, "ann", "hi")))
        beating = asyncio.create_task(heartbeat())
        await asyncio.to_thread(_wait_for, lambda: ticks >= 20, 10)
        seen, waiting = ticks, not submitted.done()
        release.set()
        result = await submitted
        beating.cancel()
        holder.join()
        await runtime.router.close()
        assert result is not None and result.comment_id is not None
        assert waiting  # the batch did wait on the lock, and the loop ran meanwhile
        return seen

    try:
        assert asyncio.run(main()) >= 20
    finally:
        runtime.close()


def test_a_platform_plugin_is_found_by_its_registration_line(monkeypatch) -> None:
    chat = FakeChat([])
    plugin = PlatformPlugin("fake", lambda s: s.brand_name == "On", lambda s: chat)
    monkeypatch.setattr(plugins, "known_plugins", lambda: [plugin])
    assert plugins.enabled_plugins(Settings(_env_file=None, brand_name="On")) == [plugin]
    assert plugins.enabled_plugins(Settings(_env_file=None, brand_name="Off")) == []
    assert [p.name for p in plugins.enabled_plugins(Settings(_env_file=None))] == []
