"""A local OpenAI-compatible HTTP server for tests: the real `openai` client talks to it.

It speaks the wire format of POST /v1/chat/completions and POST /v1/moderations on
127.0.0.1 only, from a background thread, so sync and async tests use it alike. Tests
script answers in order (`server.script_chat(...)`) or answer each request with a handler
(`server.on_chat = lambda request: ...`), can make it slow or fail (`error`, `garbage`,
`Reply(delay_s=...)`), and read what was asked in `server.requests`. What became of a
delayed answer (the client hung up first, or was still there to get it) is recorded too:
`server.delayed_outcomes(endpoint)`, how a test sees a budget at work without a clock.

A `structured(obj)` answer is checked against the JSON schema the client sent in
`response_format`, as the real API guarantees in strict mode; `content(text)` sends any
text as is, like a backend that does not enforce schemas.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CATEGORY_NAMES = (
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
)


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: a JSON-able body, or a str sent as is (to be malformed on purpose)."""

    status: int = 200
    body: Any = None
    delay_s: float = 0.0
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Structured:
    """An assistant answer that must fit the schema of the request's `response_format`."""

    obj: Any
    delay_s: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    """What the client sent: path, parsed JSON body, and headers (lower-case names)."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]


Answer = Reply | Structured

# What became of a delayed answer (FakeOpenAI.delayed_outcomes).
ABANDONED = "abandoned"  # the client hung up before the answer was due
ANSWERED = "answered"  # the client was still waiting when it was due; it was sent
CLOSING = "closing"  # the server shut down first
OUTCOME_LIMIT_S = 60.0  # longer than any delay a test scripts; only stops a hang
Handler = Callable[[RecordedRequest], Answer]


def chat_completion(content: str, model: str = "test-model") -> dict[str, Any]:
    """A chat completion in OpenAI's wire format, the assistant saying `content`."""
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


def moderation_result(flagged: Iterable[str] = ()) -> dict[str, Any]:
    """A moderation response (omni-moderation-latest) flagging the given categories."""
    hits = set(flagged)
    unknown = hits - set(CATEGORY_NAMES)
    if unknown:
        raise ValueError(f"not moderation categories: {sorted(unknown)}")
    return {
        "id": "modr-test",
        "model": "omni-moderation-latest",
        "results": [
            {
                "flagged": bool(hits),
                "categories": {c: c in hits for c in CATEGORY_NAMES},
                "category_scores": {c: 0.9 if c in hits else 0.001 for c in CATEGORY_NAMES},
                "category_applied_input_types": {c: ["text"] for c in CATEGORY_NAMES},
            }
        ],
    }


def structured(obj: Any, delay_s: float = 0.0) -> Structured:
    """The assistant answering `obj` as structured output (checked against the schema)."""
    return Structured(obj, delay_s)


def content(text: str, delay_s: float = 0.0) -> Reply:
    """The assistant answering any text, unchecked: how a lax backend breaks the schema."""
    return Reply(200, chat_completion(text), delay_s)


def error(
    status: int,
    message: str = "simulated failure",
    type_: str = "server_error",
    retry_after_s: int | None = None,
    delay_s: float = 0.0,
) -> Reply:
    """An API error in OpenAI's shape; 429s can carry a retry-after header."""
    headers = {"retry-after": str(retry_after_s)} if retry_after_s is not None else {}
    body = {"error": {"message": message, "type": type_, "param": None, "code": None}}
    return Reply(status, body, delay_s, headers)


def garbage(delay_s: float = 0.0) -> Reply:
    """A 200 whose body is not JSON at all."""
    return Reply(200, "<html>this is not json", delay_s)


def moderation(*flagged: str, delay_s: float = 0.0) -> Reply:
    """A moderation answer flagging the given categories (none: clean)."""
    return Reply(200, moderation_result(flagged), delay_s)


class SchemaMismatch(ValueError):
    """A scripted structured answer the real API could never have returned."""


def check_schema(value: Any, schema: Mapping[str, Any], defs: Mapping[str, Any], at: str) -> None:
    """Check `value` against the JSON Schema subset that strict structured outputs use."""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        check_schema(value, defs[name], defs, at)
        return
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            try:
                check_schema(value, option, defs, at)
                return
            except SchemaMismatch:
                continue
        raise SchemaMismatch(f"{at}: {value!r} fits none of anyOf")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaMismatch(f"{at}: {value!r} not in {schema['enum']}")
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        checks = {
            "object": lambda v: isinstance(v, dict),
            "array": lambda v: isinstance(v, list),
            "string": lambda v: isinstance(v, str),
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "boolean": lambda v: isinstance(v, bool),
            "null": lambda v: v is None,
        }
        if not any(checks[k](value) for k in kinds):
            raise SchemaMismatch(f"{at}: {value!r} is not {kinds}")
    if "minimum" in schema and isinstance(value, int | float) and value < schema["minimum"]:
        raise SchemaMismatch(f"{at}: {value!r} < minimum {schema['minimum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        missing = [k for k in schema.get("required", []) if k not in value]
        if missing:
            raise SchemaMismatch(f"{at}: missing {missing}")
        if schema.get("additionalProperties") is False:
            extra = [k for k in value if k not in properties]
            if extra:
                raise SchemaMismatch(f"{at}: unexpected {extra}")
        for key, item in value.items():
            if key in properties:
                check_schema(item, properties[key], defs, f"{at}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            check_schema(item, schema["items"], defs, f"{at}[{index}]")


def requested_schema(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a chat request asks for, when it asks for one."""
    response_format = body.get("response_format") or {}
    if response_format.get("type") != "json_schema":
        return None
    return dict(response_format.get("json_schema", {}).get("schema") or {})


def _nothing_scripted(request: RecordedRequest) -> Answer:
    return error(500, f"fake OpenAI: no answer scripted for {request.path}")


def _clean(request: RecordedRequest) -> Answer:
    return moderation()


class FakeOpenAI:
    """Start with `with FakeOpenAI() as server:`; `server.base_url` goes to the client."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        # Each delayed answer's fate, in the order decided: ABANDONED (the client hung up
        # before it was due), ANSWERED (the client was still there; it was sent) or CLOSING.
        self.delayed: list[tuple[RecordedRequest, str]] = []
        self.on_chat: Handler = _nothing_scripted
        self.on_moderation: Handler = _clean
        self._chat_script: deque[Answer] = deque()
        self._moderation_script: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._decided = threading.Condition(self._lock)
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_port}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )  # a short poll so shutdown() at teardown is quick

    # -- what tests use -------------------------------------------------------------------

    def script_chat(self, *answers: Answer) -> None:
        """Answer the next chat requests with these, in order, before `on_chat`."""
        with self._lock:
            self._chat_script.extend(answers)

    def script_moderation(self, *answers: Answer) -> None:
        """Answer the next moderation requests with these, in order, before `on_moderation`."""
        with self._lock:
            self._moderation_script.extend(answers)

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        """The requests whose path ends with `endpoint` ("chat/completions", "moderations")."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith(endpoint)]

    def delayed_outcomes(self, endpoint: str, count: int = 1) -> list[str]:
        """The outcomes of the delayed answers to `endpoint`, once `count` of them are known.

        Each is known by the end of its delay at the latest (the server watches the
        connection meanwhile), so this waits for a fact, not for a duration; the limit only
        stops a test that sent no such request from hanging."""

        def outcomes() -> list[str]:
            return [fate for request, fate in self.delayed if request.path.endswith(endpoint)]

        with self._decided:
            self._decided.wait_for(lambda: len(outcomes()) >= count, timeout=OUTCOME_LIMIT_S)
            return outcomes()

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()  # wakes delayed answers so no thread outlives the test long
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- serving --------------------------------------------------------------------------

    def _answer(self, request: RecordedRequest) -> Reply:
        if request.path.endswith("/chat/completions"):
            script, handler = self._chat_script, self.on_chat
        elif request.path.endswith("/moderations"):
            script, handler = self._moderation_script, self.on_moderation
        else:
            return error(404, f"fake OpenAI: no route {request.path}", "invalid_request_error")
        with self._lock:
            answer = script.popleft() if script else None
        if answer is None:
            answer = handler(request)
        if isinstance(answer, Reply):
            return answer
        schema = requested_schema(request.body)
        if schema is not None:
            try:
                check_schema(answer.obj, schema, schema.get("$defs", {}), "$")
            except SchemaMismatch as exc:
                # The test scripted what the real API cannot send; say so loudly.
                return error(400, f"fake OpenAI: answer does not fit the schema: {exc}")
        model = str(request.body.get("model", "test-model"))
        return Reply(200, chat_completion(json.dumps(answer.obj), model), answer.delay_s)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = RecordedRequest(self.path, body, headers)
                with fake._lock:
                    fake.requests.append(request)
                reply = fake._answer(request)
                if reply.delay_s:
                    fate = self._wait(reply.delay_s)
                    with fake._decided:
                        fake.delayed.append((request, fate))
                        fake._decided.notify_all()
                    if fate != ANSWERED:
                        return  # the client hung up, or the server is closing
                data = (
                    reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                ).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as it should

            def _wait(self, seconds: float) -> str:
                """Wait before answering, watching the connection: ANSWERED when the client
                is still there at the end, ABANDONED as soon as it hangs up."""
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    if fake._closing.is_set():
                        return CLOSING
                    readable, _, _ = select.select([self.connection], [], [], 0.02)
                    if readable and self._hung_up():
                        return ABANDONED
                return ANSWERED

            def _hung_up(self) -> bool:
                try:
                    return self.connection.recv(1, socket.MSG_PEEK) == b""
                except OSError:  # reset by the client
                    return True

        return Handler
