"""What every response of the web app goes through: a cap on request bodies (refused before
they are read), security headers, and an access log that never shows a checkout token.

Checkout links are bearer links: whoever has the token sees the cart and can pay it. So
they must not leak through a Referer header, a frame, or a log line.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("vitrine.access")

# Stripe's events are a few kilobytes; nothing we serve takes more than this.
MAX_BODY_BYTES = 1024 * 1024
SECURITY_HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_TOKEN_IN_PATH = re.compile(r"^/checkout/[^/?]+")


class _TooLarge(Exception):
    pass


def redact(path: str) -> str:
    """The path with any checkout token replaced, fit for a log line."""
    return _TOKEN_IN_PATH.sub("/checkout/<token>", path)


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class WebGuards:
    """ASGI middleware: body cap, security headers, redacted access log."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            if self._declared_too_large(scope):
                await _plain(guarded_send, 413, "request body too large")
                return
            await self.app(scope, self._capped(receive), guarded_send)
        except _TooLarge:
            if not status["code"]:
                await _plain(guarded_send, 413, "request body too large")
        finally:
            access_log.info(
                "%s %s %s %.1fms",
                scope.get("method"),
                redact(scope.get("path", "")),
                status["code"] or "-",
                (time.perf_counter() - started) * 1000,
            )

    def _declared_too_large(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                return not value.isdigit() or int(value) > self.max_body_bytes
        return False

    def _capped(self, receive: Receive) -> Receive:
        """Counts what a chunked body brings and stops it past the cap."""
        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _TooLarge
            return message

        return capped_receive
