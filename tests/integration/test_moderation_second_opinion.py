"""The moderation endpoint's second opinion, through the real openai client, locally."""

from __future__ import annotations

import asyncio
import time

import pytest
from openai import AsyncOpenAI

from moderation.second_opinion import SecondOpinion, SecondOpinionQueue
from moderation.verdict import Action, MessageToJudge, Verdict
from tests.fakes.openai_server import FakeOpenAI, moderation_result


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def opinion(server: FakeOpenAI, budget_s: float = 2.0) -> SecondOpinion:
    client = AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0)
    return SecondOpinion(client, budget_s=budget_s)


def message(n: int, text: str) -> MessageToJudge:
    return MessageToJudge(f"m{n}", float(n), "u1", "Lou", "viewer", text)


async def test_flagged_message_is_removed_with_our_category(server: FakeOpenAI) -> None:
    server.moderation = lambda request: (200, moderation_result({"harassment", "hate"}))
    verdict = await opinion(server).check(message(1, "something nasty the rules missed"))
    assert verdict is not None and verdict.action is Action.DELETE
    assert verdict.reasons == ("hate", "insult")
    path, body = server.requests[0]
    assert path == "/v1/moderations" and body["model"] == "omni-moderation-latest"


async def test_clean_and_self_harm(server: FakeOpenAI) -> None:
    assert await opinion(server).check(message(1, "trop belle")) is None
    server.moderation = lambda request: (200, moderation_result({"self-harm"}))
    verdict = await opinion(server).check(message(2, "..."))
    assert verdict is not None and verdict.action is Action.FLAG


async def test_timeouts_and_errors_are_no_opinion(server: FakeOpenAI) -> None:
    server.moderation = lambda request: (500, {"error": {"message": "down"}})
    assert await opinion(server).check(message(1, "x")) is None
    server.delay_s = 5.0
    started = time.monotonic()
    assert await opinion(server, budget_s=0.2).check(message(2, "y")) is None
    assert time.monotonic() - started < 3.0


async def test_queue_reports_late_removals_and_never_blocks(server: FakeOpenAI) -> None:
    server.moderation = lambda request: (
        200,
        moderation_result({"sexual"} if "bad" in request["input"] else set()),
    )
    removed: list[tuple[str, Verdict]] = []

    async def on_verdict(msg: MessageToJudge, verdict: Verdict) -> None:
        removed.append((msg.message_id, verdict))

    queue = SecondOpinionQueue(opinion(server), on_verdict, max_pending=3, workers=2)
    queue.start()
    accepted = [queue.submit(message(n, "bad" if n == 2 else "fine")) for n in range(5)]
    assert accepted.count(False) == queue.dropped >= 1  # a full queue drops, never waits
    await asyncio.wait_for(queue.drain(), timeout=10)
    await queue.stop()
    assert [(mid, v.reasons) for mid, v in removed] == [("m2", ("sexual",))]
