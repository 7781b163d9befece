"""uvicorn's HTTP/1.1 protocol with a deadline on each request's head.

uvicorn closes a keep-alive connection that stays quiet after a response, but waits for
ever on a request whose headers never finish, or on a connection that never sends a byte:
enough of those exhaust the server. Here a request's head must arrive within
HEAD_TIMEOUT_S of the connection opening (or of the previous response), or the connection
is closed.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD_TIMEOUT_S = 10.0


class DeadlineH11Protocol(H11Protocol):
    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not None and self.cycle is not before:
            self._disarm()  # the head arrived: the request is the app's now

    def on_response_complete(self) -> None:
        self._arm()  # before the next pipelined request, which disarms it again
        super().on_response_complete()

    def _arm(self) -> None:
        self._disarm()
        self._head_deadline = self.loop.call_later(HEAD_TIMEOUT_S, self._too_slow)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _too_slow(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
