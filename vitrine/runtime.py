"""The runtime of a deployment: what the settings make, built once, and run on one loop.

`vitrine run` serves the web app, the enabled platform adapters, the outbox relay and the
moderation second opinion on one asyncio loop (blocking database work runs in worker
threads), with the scheduler's jobs in the lease holder; `vitrine demo` and `vitrine replay`
build the same runtime with the console and transcript platforms.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from commerce.checkout.port import CheckoutProvider
from kernel.clock import utcnow
from kernel.leases import Lease
from kernel.uow import Database
from live.late_moderation import apply_late_verdict
from live.messages import ChatMessage
from live.pipeline import LivePipeline, PipelineResult
from live.platform import ChatPlatform, PlatformAdapter, ReceiverStopped
from live.relay import Relay
from live.router import LiveRouter
from live.sessions import LiveInfo, live_info
from moderation.verdict import MessageToJudge, Verdict
from vitrine.receivers import receive
from vitrine.settings import Settings

log = logging.getLogger(__name__)

SHUTDOWN_S = 10.0
_CHECKS_REMEMBERED = 10_000


@dataclass
class Runtime:
    """Everything a live needs, built once by `bootstrap.build_runtime`."""

    settings: Settings
    database: Database
    provider: CheckoutProvider | None
    platforms: dict[str, ChatPlatform]
    relay: Relay
    router: LiveRouter = field(init=False)
    second_opinion: Any = None  # moderation.second_opinion.SecondOpinionQueue, with an LLM
    _pipelines: dict[int, LivePipeline] = field(default_factory=dict)
    _checking: OrderedDict[str, int] = field(default_factory=OrderedDict)

    def pipeline_for(self, live_session_id: int) -> LivePipeline:
        """The one pipeline of a live session (its consumer's)."""
        if live_session_id not in self._pipelines:
            from vitrine.bootstrap import build_pipeline

            self._pipelines[live_session_id] = build_pipeline(
                self.settings, self.database, live_session_id
            )
        return self._pipelines[live_session_id]

    def adapters(self) -> list[PlatformAdapter]:
        """The platforms that also receive (they have a `run`)."""
        return [p for p in self.platforms.values() if hasattr(p, "run")]  # type: ignore[misc]

    async def after_batch(self, live_id: int, done: list[tuple[ChatMessage, PipelineResult]]):
        """Comments the rules let through go to the second opinion, when there is one."""
        if self.second_opinion is None:
            return
        for message, result in done:
            if result.duplicate or result.removed or result.comment_id is None:
                continue
            judged = MessageToJudge(
                message.message_id,
                message.stream_ts or 0.0,
                message.author_id,
                message.author_name,
                message.role,
                message.text,
            )
            if self.second_opinion.submit(judged):
                self._checking[message.message_id] = live_id
                while len(self._checking) > _CHECKS_REMEMBERED:
                    self._checking.popitem(last=False)

    async def late_verdict(self, message: MessageToJudge, verdict: Verdict) -> None:
        """The second opinion removes a message after the fact."""
        live_id = self._checking.pop(message.message_id, None)
        if live_id is None:
            return
        live: LiveInfo = await asyncio.to_thread(live_info, self.database, live_id)
        await asyncio.to_thread(
            apply_late_verdict,
            self.database,
            live=live,
            message=message,
            verdict=verdict,
            now=utcnow(),
        )

    async def run(self, stop: asyncio.Event, *, web: Any = None) -> None:
        """Run the adapters, the relay, the second opinion and (given) the web server until
        `stop` is set; then stop them within SHUTDOWN_S seconds."""
        if self.second_opinion is not None:
            self.second_opinion.start()
        tasks = [asyncio.create_task(self.relay.run(stop), name="relay")]
        for adapter in self.adapters():
            lease = None
            if getattr(adapter, "single_receiver", False):
                seconds = self.settings.scheduler_lease_seconds
                lease = Lease(self.database.engine, f"receiver:{adapter.name}", seconds)
            log.info("platform %s: receiving", adapter.name)
            receiving = receive(adapter, self.router, stop, lease=lease)
            tasks.append(asyncio.create_task(receiving, name=adapter.name))
        if web is not None:
            tasks.append(asyncio.create_task(web.serve(), name="web"))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({stopped, *tasks}, return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        if web is not None:
            web.should_exit = True
        done, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_S)
        for task in pending:
            task.cancel()
        fatal: ReceiverStopped | None = None
        for task in done:
            error = None if task.cancelled() else task.exception()
            if isinstance(error, ReceiverStopped):
                fatal = error  # said in one line by whoever runs the runtime
            elif error is not None:
                log.error("%s stopped on an error", task.get_name(), exc_info=error)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.router.close(), timeout=SHUTDOWN_S)
        if self.second_opinion is not None:
            await self.second_opinion.stop()
        if fatal is not None:
            raise fatal

    def close(self) -> None:
        self.database.dispose()


def make_router(runtime: Runtime) -> LiveRouter:
    from live.chat_commands import ChatCommands, CommandSettings
    from live.sessions import live_session_on_chat
    from vitrine.bootstrap import new_session_hold, shop_voice

    def engine_for(live_session_id: int) -> Any:
        return runtime.pipeline_for(live_session_id).moderator

    commands = ChatCommands(
        runtime.database,
        CommandSettings(shop_voice(runtime.settings), new_session_hold(runtime.settings)),
        engine_for,
    )
    return LiveRouter(
        lambda platform, chat: live_session_on_chat(runtime.database, platform, chat),
        runtime.pipeline_for,
        after_batch=runtime.after_batch,
        commands=commands.handle,
    )


def serve(runtime: Runtime, app: Any, *, host: str, port: int) -> None:
    """`vitrine run`: the web app and the runtime on one loop until SIGTERM or SIGINT."""
    import signal

    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Any:
            yield  # the runtime stops every part on a signal, not only the web server

    from vitrine.http_protocol import DeadlineH11Protocol

    config = uvicorn.Config(
        app,
        http=DeadlineH11Protocol,
        host=host,
        port=port,
        lifespan="off",
        access_log=False,  # vitrine.web_guards logs requests, without checkout tokens
        log_level="warning",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=5,
        limit_concurrency=512,
        h11_max_incomplete_event_size=16 * 1024,
    )
    server = Server(config)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        log.info("serving on http://%s:%d", host, port)
        await runtime.run(stop, web=server)
        log.info("stopped")

    asyncio.run(main())
