"""The moderation endpoint's second opinion, through the real openai client, locally."""

from __future__ import annotations

import asyncio

import pytest
from openai import AsyncOpenAI

from moderation.second_opinion import SecondOpinion, SecondOpinionQueue, verdict_for
from moderation.verdict import Action, MessageToJudge, Verdict
from tests.fakes.openai_server import (
    ABANDONED,
    CATEGORY_NAMES,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    error,
    garbage,
    moderation,
)

pytest_plugins = ("tests.fakes.openai_fixtures",)


def message(n: int, text: str, role: str = "viewer") -> MessageToJudge:
    return MessageToJudge(f"m{n}", float(n), "u1", "Lou", role, text)


async def test_flagged_message_is_removed_with_our_categories(
    openai_server: FakeOpenAI, async_openai_client: AsyncOpenAI
) -> None:
    openai_server.script_moderation(moderation("harassment", "hate"))
    opinion = SecondOpinion(async_openai_client)
    verdict = await opinion.check(message(1, "something nasty the rules missed"))
    assert verdict == Verdict(Action.DELETE, ("hate", "insult"), details=("second_opinion",))
    (request,) = openai_server.requests
    assert request.path == "/v1/moderations"
    assert request.body == {
        "model": "omni-moderation-latest",
        "input": "something nasty the rules missed",
    }


@pytest.mark.parametrize(
    ("flagged", "expected"),
    [
        ({"sexual/minors"}, Verdict(Action.DELETE, ("sexual",), details=("second_opinion",))),
        ({"violence"}, Verdict(Action.DELETE, ("insult",), details=("second_opinion",))),
        (
            {"self-harm/intent"},
            Verdict(Action.FLAG, ("self-harm/intent",), details=("second_opinion",)),
        ),
        ({"illicit"}, Verdict(Action.FLAG, ("illicit",), details=("second_opinion",))),
        (set(), None),
    ],
)
def test_category_mapping(flagged: set[str], expected: Verdict | None) -> None:
    assert verdict_for({c: c in flagged for c in CATEGORY_NAMES}) == expected


async def test_clean_messages_and_exempt_roles_get_no_verdict(
    openai_server: FakeOpenAI, async_openai_client: AsyncOpenAI
) -> None:
    opinion = SecondOpinion(async_openai_client)
    assert await opinion.check(message(1, "trop belle")) is None
    openai_server.on_moderation = lambda request: moderation("harassment")
    assert await opinion.check(message(2, "rude but a moderator", role="moderator")) is None
    assert await opinion.check(message(3, "   ")) is None
    assert len(openai_server.requests) == 1  # exempt and empty messages are not sent


@pytest.mark.parametrize(
    "failure",
    [error(500, "down"), error(429, "slow down", retry_after_s=1), garbage(), Reply(200, {})],
    ids=["500", "429", "garbage", "no-results"],
)
async def test_errors_are_no_opinion(
    openai_server: FakeOpenAI, async_openai_client: AsyncOpenAI, failure: Reply
) -> None:
    openai_server.script_moderation(failure)
    assert await SecondOpinion(async_openai_client).check(message(1, "x")) is None


async def test_timeout_is_no_opinion_within_the_budget(
    openai_server: FakeOpenAI, async_openai_client: AsyncOpenAI
) -> None:
    openai_server.script_moderation(moderation("hate", delay_s=5.0))
    # The client's own timeout is the default (minutes): only SecondOpinion's budget can
    # cut the call short. Without it the 5 s late "hate" arrives and becomes a verdict.
    assert await SecondOpinion(async_openai_client, budget_s=0.2).check(message(1, "y")) is None
    # Off the event loop: an async client's socket closes on the loop's next turns.
    outcomes = await asyncio.to_thread(openai_server.delayed_outcomes, "moderations")
    assert outcomes == [ABANDONED]  # the client hung up before the answer was due
    assert len(openai_server.requests_to("moderations")) == 1


async def test_queue_reports_late_removals_and_never_blocks(
    openai_server: FakeOpenAI, async_openai_client: AsyncOpenAI
) -> None:
    def answer(request: RecordedRequest) -> Reply:
        return moderation("sexual") if "bad" in request.body["input"] else moderation()

    openai_server.on_moderation = answer
    removed: list[tuple[str, Verdict]] = []

    async def on_verdict(msg: MessageToJudge, verdict: Verdict) -> None:
        removed.append((msg.message_id, verdict))

    opinion = SecondOpinion(async_openai_client)
    async with SecondOpinionQueue(opinion, on_verdict, max_pending=3, workers=2) as queue:
        accepted = [queue.submit(message(n, "bad" if n == 2 else "fine")) for n in range(5)]
        assert accepted == [True, True, True, False, False] and queue.dropped == 2
        assert not queue.submit(message(9, "bad", role="host"))  # exempt: not even queued
        await asyncio.wait_for(queue.drain(), timeout=10)
    assert [(mid, v.reasons) for mid, v in removed] == [("m2", ("sexual",))]


async def test_a_failing_callback_does_not_stop_the_queue(
    openai_server: FakeOpenAI, async_openai_client: AsyncOpenAI
) -> None:
    openai_server.on_moderation = lambda request: moderation("hate")
    seen: list[str] = []

    async def on_verdict(msg: MessageToJudge, verdict: Verdict) -> None:
        seen.append(msg.message_id)
        if msg.message_id == "m1":
            raise RuntimeError("the platform refused the delete")

    opinion = SecondOpinion(async_openai_client)
    async with SecondOpinionQueue(opinion, on_verdict, workers=1) as queue:
        queue.submit(message(1, "a"))
        queue.submit(message(2, "b"))
        await asyncio.wait_for(queue.drain(), timeout=10)
    assert seen == ["m1", "m2"]
