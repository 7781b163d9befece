"""A brand's webhook endpoint on 127.0.0.1: it checks Vitrine's signature (HMAC-SHA256 over
"timestamp.body", sent as `Vitrine-Signature: t=<unix>,v1=<hex>`), records what it got and
answers as the test tells it (a status, a Retry-After, or no answer until it is closed)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    """What the endpoint answers to one request."""

    status: int = 200
    retry_after: str | None = None
    hang: bool = False  # no answer until the endpoint closes (the sender's timeout fires)


@dataclass
class Received:
    """One request, as the brand sees it."""

    valid: bool
    timestamp: int
    idempotency_key: str | None
    event: dict[str, Any] = field(default_factory=dict)
    answered: int | None = None  # the status sent back (None: no answer)


def signature_is_valid(secret: str, header: str | None, body: bytes) -> tuple[bool, int]:
    """Check a `t=<unix>,v1=<hex>` header the way a brand would."""
    parts = dict(part.split("=", 1) for part in (header or "").split(",") if "=" in part)
    stamp, mac = parts.get("t", ""), parts.get("v1", "")
    if not stamp.isdigit() or not mac:
        return False, 0
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(mac, expected.hexdigest()), int(stamp)


class BrandReceiver:
    """The endpoint; `answers` are used in order, then every request gets a 200."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.answers: list[Answer | int] = []
        self.default: Answer | int = Answer()  # once `answers` run out (500: an outage)
        self.received: list[Received] = []
        self._closing = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                valid, stamp = signature_is_valid(
                    receiver.secret, self.headers.get("Vitrine-Signature"), body
                )
                got = Received(valid, stamp, self.headers.get("Idempotency-Key"), json.loads(body))
                receiver.received.append(got)
                answer = receiver.answers.pop(0) if receiver.answers else receiver.default
                if isinstance(answer, int):
                    answer = Answer(answer)
                got.answered = None if answer.hang else answer.status
                if answer.hang:
                    receiver._closing.wait(30)
                    return
                self.send_response(answer.status)
                if answer.retry_after is not None:
                    self.send_header("Retry-After", answer.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/vitrine"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def accepted(self) -> dict[str, int]:
        """Event id -> how many times it was accepted (answered 2xx) with a valid signature:
        a receiver that deduplicates by event id processes each once."""
        counts: dict[str, int] = {}
        for got in self.received:
            if got.valid and got.answered is not None and 200 <= got.answered < 300:
                counts[got.event["id"]] = counts.get(got.event["id"], 0) + 1
        return counts

    def close(self) -> None:
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()
