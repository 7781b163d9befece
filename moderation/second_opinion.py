"""Optional second opinion from OpenAI's moderation endpoint on messages the rules let through.

It runs beside the live, never in its way: messages are queued without waiting, checked
asynchronously within a time budget, and a flagged message is removed after the fact through
a callback. A full queue drops checks rather than slowing the chat; errors and timeouts mean
"no opinion". The endpoint has no spam, scam, link or impersonation category: those stay with
the rules. Escalation (timeouts, bans) stays with the engine: a late removal only deletes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType

from openai import APIStatusError, AsyncOpenAI, OpenAIError

from moderation.verdict import Action, MessageToJudge, Verdict

log = logging.getLogger(__name__)

MODEL = "omni-moderation-latest"
DETAIL = "second_opinion"
# The endpoint's categories mapped to the engine's reasons. Vitrine has no violence reason:
# threats and violent talk aimed at people are abuse, which the rules call insult.
REMOVE_AS = {
    "hate": "hate",
    "hate/threatening": "hate",
    "sexual": "sexual",
    "sexual/minors": "sexual",
    "harassment": "insult",
    "harassment/threatening": "insult",
    "violence": "insult",
}
# Categories a human should look at, not a machine remove: self-harm calls for care, and
# "illicit" in a shop chat is too often a product question (knives, CBD, fireworks).
FLAG_ONLY = frozenset(
    {
        "self-harm",
        "self-harm/intent",
        "self-harm/instructions",
        "illicit",
        "illicit/violent",
        "violence/graphic",
    }
)
_ORDER = ("hate", "sexual", "insult")  # the engine's priority among these reasons
EXEMPT_ROLES = frozenset({"moderator", "host"})  # as the engine's default policy


def verdict_for(categories: Mapping[str, bool]) -> Verdict | None:
    """Our verdict for the endpoint's flagged categories (None when nothing applies to us)."""
    flagged = {name for name, hit in categories.items() if hit}
    ours = {REMOVE_AS[c] for c in flagged if c in REMOVE_AS}
    if ours:
        reasons = tuple(r for r in _ORDER if r in ours)
        return Verdict(Action.DELETE, reasons, details=(DETAIL,))
    review = sorted(flagged & FLAG_ONLY)
    if review:
        return Verdict(Action.FLAG, tuple(review), details=(DETAIL,))
    return None


class SecondOpinion:
    """Asks the moderation endpoint about one message, within a time budget."""

    def __init__(
        self,
        client: AsyncOpenAI,
        budget_s: float = 2.0,
        model: str = MODEL,
        exempt_roles: Iterable[str] = EXEMPT_ROLES,
    ) -> None:
        self.client = client
        self.budget_s = budget_s
        self.model = model
        self.exempt_roles = frozenset(exempt_roles)

    async def check(self, message: MessageToJudge) -> Verdict | None:
        """A verdict when the endpoint flags the message; None otherwise, never raising."""
        if message.role in self.exempt_roles or not message.text.strip():
            return None
        try:
            # A lax server's body is not validated by the client: gaps surface as errors here.
            response = await asyncio.wait_for(
                self.client.moderations.create(
                    model=self.model, input=message.text, timeout=self.budget_s
                ),
                timeout=self.budget_s,
            )
            result = response.results[0]
            if not result.flagged:
                return None
            categories = result.categories.model_dump(by_alias=True)
        except (
            TimeoutError,
            OpenAIError,
            ValueError,
            TypeError,
            IndexError,
            AttributeError,
        ) as exc:
            status = exc.status_code if isinstance(exc, APIStatusError) else None
            log.debug(
                "no second opinion on %s (%s%s)",
                message.message_id,
                type(exc).__name__,
                f" HTTP {status}" if status else "",
            )
            return None
        verdict = verdict_for({str(k): bool(v) for k, v in categories.items()})
        if verdict is not None:
            log.debug(
                "second opinion on %s: %s %s",
                message.message_id,
                verdict.action.value,
                ",".join(verdict.reasons),
            )
        return verdict


LateVerdict = Callable[[MessageToJudge, Verdict], Awaitable[None]]


class SecondOpinionQueue:
    """Checks messages in the background and reports late verdicts through `on_verdict`.

    Use inside the running loop: `async with SecondOpinionQueue(opinion, on_verdict) as q:`
    then `q.submit(message)` for each message the rules allowed.
    """

    def __init__(
        self,
        opinion: SecondOpinion,
        on_verdict: LateVerdict,
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
        if message.role in self.opinion.exempt_roles:
            return False
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.dropped += 1
            log.debug("second opinion queue full; %s goes unchecked", message.message_id)
            return False
        return True

    def start(self) -> None:
        """Start the workers (once); call from the running event loop."""
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._work()) for _ in range(self.workers)]

    async def drain(self) -> None:
        """Wait until every queued message has been checked and reported."""
        await self.queue.join()

    async def stop(self) -> None:
        """Stop the workers; checks still queued are abandoned."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def __aenter__(self) -> SecondOpinionQueue:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

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
