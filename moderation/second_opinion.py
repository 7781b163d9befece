"""Optional second opinion from OpenAI's moderation endpoint on messages the rules let through.

It runs beside the live, never in its way: messages are queued without waiting, checked
asynchronously within a time budget, and a flagged message is removed after the fact through
the callback. A full queue drops checks rather than slowing the chat; errors and timeouts
mean "no opinion". The endpoint has no spam or scam category: those stay with the rules.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from openai import AsyncOpenAI, OpenAIError

from moderation.verdict import Action, MessageToJudge, Verdict

log = logging.getLogger(__name__)

MODEL = "omni-moderation-latest"
# The endpoint's categories, mapped to ours; self-harm is flagged for a human, not removed.
CATEGORY_MAP = {
    "harassment": "insult",
    "harassment/threatening": "insult",
    "violence": "insult",
    "hate": "hate",
    "hate/threatening": "hate",
    "sexual": "sexual",
    "sexual/minors": "sexual",
}
FLAG_ONLY = {
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "illicit",
    "illicit/violent",
    "violence/graphic",
}


class SecondOpinion:
    """Asks the moderation endpoint about one message."""

    def __init__(self, client: AsyncOpenAI, budget_s: float = 2.0, model: str = MODEL) -> None:
        self.client = client
        self.budget_s = budget_s
        self.model = model

    async def check(self, message: MessageToJudge) -> Verdict | None:
        """A verdict when the endpoint flags the message, None otherwise or on any failure."""
        try:
            response = await asyncio.wait_for(
                self.client.moderations.create(model=self.model, input=message.text),
                timeout=self.budget_s,
            )
        except (TimeoutError, OpenAIError) as exc:
            log.debug("no second opinion for %s (%s)", message.message_id, type(exc).__name__)
            return None
        if not response.results or not response.results[0].flagged:
            return None
        flagged = {
            name
            for name, hit in response.results[0].categories.model_dump(by_alias=True).items()
            if hit
        }
        ours = sorted({CATEGORY_MAP[c] for c in flagged if c in CATEGORY_MAP})
        if ours:
            return Verdict(Action.DELETE, tuple(ours), details=("second_opinion",))
        if flagged & FLAG_ONLY:
            return Verdict(
                Action.FLAG, tuple(sorted(flagged & FLAG_ONLY)), details=("second_opinion",)
            )
        return None


class SecondOpinionQueue:
    """Checks messages in the background and reports late removals through `on_verdict`."""

    def __init__(
        self,
        opinion: SecondOpinion,
        on_verdict: Callable[[MessageToJudge, Verdict], Awaitable[None]],
        max_pending: int = 1000,
        workers: int = 4,
    ) -> None:
        self.opinion = opinion
        self.on_verdict = on_verdict
        self.queue: asyncio.Queue[MessageToJudge] = asyncio.Queue(max_pending)
        self.workers = workers
        self.dropped = 0
        self._tasks: list[asyncio.Task[None]] = []

    def submit(self, message: MessageToJudge) -> bool:
        """Queue a message without waiting; False (and counted) when the queue is full."""
        try:
            self.queue.put_nowait(message)
            return True
        except asyncio.QueueFull:
            self.dropped += 1
            return False

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self.workers)]

    async def drain(self) -> None:
        await self.queue.join()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _work(self) -> None:
        while True:
            message = await self.queue.get()
            try:
                verdict = await self.opinion.check(message)
                if verdict is not None:
                    await self.on_verdict(message, verdict)
            except Exception:  # a failing callback must not kill the worker
                log.exception("second opinion callback failed for %s", message.message_id)
            finally:
                self.queue.task_done()
