"""The live router: each live session gets exactly one consumer.

The pipeline keeps per-session state in memory (open questions, moderation history), so a
session's comments must be handled by one consumer, in arrival order. The router keeps a
queue per chat (a live session runs on one chat) and one task draining it: what has
arrived together is handled as one batch (one transaction) by the pipeline of the live
session running on that chat, in a worker thread, so the event loop never waits on the
database. Adapters only `await router.submit(message)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from kernel.clock import utcnow
from live.chat_commands import ChatCommand
from live.messages import ChatMessage
from live.pipeline import LivePipeline, PipelineResult

log = logging.getLogger(__name__)

MAX_BATCH = 16
AfterBatch = Callable[[int, list[tuple[ChatMessage, PipelineResult]]], Awaitable[None]]
_Item = tuple[ChatMessage, datetime, "asyncio.Future[PipelineResult | None]"]
_Chat = tuple[str, str]  # (platform, chat id)


class LiveRouter:
    """Routes chat messages to their live session's one consumer."""

    def __init__(
        self,
        find_session: Callable[[str, str], int | None],
        pipeline_for: Callable[[int], LivePipeline],
        *,
        after_batch: AfterBatch | None = None,
        batch_size: int = MAX_BATCH,
        clock: Callable[[], datetime] = utcnow,
        commands: Callable[[ChatCommand], object] | None = None,
    ) -> None:
        self._commands = commands
        self._find_session = find_session
        self._pipeline_for = pipeline_for
        self._after_batch = after_batch
        self._batch_size = batch_size
        self._clock = clock
        self._queues: dict[_Chat, asyncio.Queue[_Item]] = {}
        self._consumers: dict[_Chat, asyncio.Task[None]] = {}
        self._live: dict[int, LivePipeline] = {}

    async def submit(self, message: ChatMessage) -> PipelineResult | None:
        """Handle one comment through its chat's consumer, after those that came before it;
        None when no live session runs on that chat (the comment is not stored)."""
        future: asyncio.Future[PipelineResult | None] = asyncio.get_running_loop().create_future()
        self._queue((message.platform, message.chat_id)).put_nowait(
            (message, self._clock(), future)
        )
        return await future

    async def command(self, command: ChatCommand) -> object:
        """Carry out a chat command in a worker thread (its answer goes to the outbox)."""
        if self._commands is None:
            log.info("chat command /%s ignored: no command handler", command.name)
            return None
        return await asyncio.to_thread(self._commands, command)

    def sessions(self) -> list[int]:
        """The live sessions whose pipeline a consumer holds."""
        return list(self._live)

    async def close(self) -> None:
        """Let each consumer finish what it has, then stop it."""
        for chat, queue in self._queues.items():
            await queue.join()
            self._consumers[chat].cancel()
        for task in self._consumers.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._queues.clear()
        self._consumers.clear()
        self._live.clear()

    def _queue(self, chat: _Chat) -> asyncio.Queue[_Item]:
        if chat not in self._queues:
            self._queues[chat] = asyncio.Queue()
            self._consumers[chat] = asyncio.create_task(
                self._consume(chat), name=f"chat-{chat[0]}-{chat[1]}"
            )
        return self._queues[chat]

    async def _consume(self, chat: _Chat) -> None:
        queue = self._queues[chat]
        while True:
            batch = [await queue.get()]
            while len(batch) < self._batch_size and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                pipeline = await self._pipeline(chat)
                if pipeline is None:
                    log.debug("no live session on %s chat %s", *chat)
                    for _, _, future in batch:
                        if not future.done():
                            future.set_result(None)
                else:
                    await self._handle(pipeline, pipeline.live_session_id, batch)
            except Exception as exc:
                log.exception("chat %s/%s: a batch failed", *chat)
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            finally:
                for _ in batch:
                    queue.task_done()

    async def _pipeline(self, chat: _Chat) -> LivePipeline | None:
        """The pipeline of the live session running on the chat now (read for each batch:
        a session may start or stop during the stream)."""
        live_id = await asyncio.to_thread(self._find_session, *chat)
        if live_id is None:
            return None
        if live_id not in self._live:
            self._live[live_id] = await asyncio.to_thread(self._pipeline_for, live_id)
        return self._live[live_id]

    async def _handle(self, pipeline: LivePipeline, live_id: int, batch: list[_Item]) -> None:
        work: list[tuple[ChatMessage, datetime, str | None]] = [
            (message, now, None) for message, now, _ in batch
        ]
        try:
            results = await asyncio.to_thread(pipeline.process_batch, work)
        except Exception as exc:  # the database is failing: the platform delivers again
            log.exception("live session %s: a batch of %d comments failed", live_id, len(batch))
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, _, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
        if self._after_batch is not None:
            pairs = [
                (message, result) for (message, _, _), result in zip(batch, results, strict=True)
            ]
            try:
                await self._after_batch(live_id, pairs)
            except Exception:
                log.exception("live session %s: after-batch hook failed", live_id)
