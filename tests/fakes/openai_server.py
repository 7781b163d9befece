"""A local OpenAI-compatible HTTP server for tests: the real `openai` client talks to it.

Tests script the answers (`server.chat = lambda request: ...`), can make it slow or fail,
and read what was asked in `server.requests`. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, Any]  # (HTTP status, JSON body or raw string)


def chat_completion(content: str, model: str = "test-model") -> dict[str, Any]:
    """A chat completion in OpenAI's wire format."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {"role": "assistant", "content": content, "refusal": None},
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


CATEGORY_NAMES = [
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
]


def moderation_result(flagged: set[str]) -> dict[str, Any]:
    """A moderation response (omni-moderation-latest) flagging the given categories."""
    return {
        "id": "modr-test",
        "model": "omni-moderation-latest",
        "results": [
            {
                "flagged": bool(flagged),
                "categories": {c: c in flagged for c in CATEGORY_NAMES},
                "category_scores": {c: 0.9 if c in flagged else 0.01 for c in CATEGORY_NAMES},
                "category_applied_input_types": {c: ["text"] for c in CATEGORY_NAMES},
            }
        ],
    }


class FakeOpenAI:
    """Start with `with FakeOpenAI() as server:`; `server.base_url` goes to the client."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.delay_s = 0.0
        self.chat: Callable[[dict[str, Any]], Answer] = lambda r: (200, chat_completion("{}"))
        self.moderation: Callable[[dict[str, Any]], Answer] = lambda r: (
            200,
            moderation_result(set()),
        )
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append((self.path, body))
                if fake.delay_s:
                    time.sleep(fake.delay_s)
                if self.path.endswith("/chat/completions"):
                    status, payload = fake.chat(body)
                elif self.path.endswith("/moderations"):
                    status, payload = fake.moderation(body)
                else:
                    status, payload = 404, {"error": {"message": "not found"}}
                data = payload if isinstance(payload, str) else json.dumps(payload)
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data.encode())))
                    self.end_headers()
                    self.wfile.write(data.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as it should

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_port}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
