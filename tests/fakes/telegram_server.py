"""A local server speaking the Telegram Bot API, as python-telegram-bot calls it.

Requests are POSTs to `/bot<token>/<method>`, form-encoded or JSON (nested objects such as
`reply_markup` arrive as JSON strings); answers are `{"ok": true, "result": ...}` or
`{"ok": false, "error_code": ..., "description": ..., "parameters": {"retry_after": n}}`.
Like Telegram it refuses a message over 4,096 characters (400), a private message to a user
who has not started the bot (403), and answers 429 with `retry_after` past 30 messages a
second overall or 20 a minute in one group. Tests queue updates for `getUpdates` and read
what the bot sent, deleted and restricted. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 999000
BOT_USERNAME = "vitrine_test_bot"
MAX_CHARS = 4096
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20


@dataclass
class Sent:
    """A message the bot sent."""

    chat_id: int
    text: str
    at: float
    message_id: int
    thread_id: int | None = None
    reply_to: int | None = None
    reply_markup: dict[str, Any] | None = None


@dataclass
class FakeTelegram:
    """The fake Bot API; `with FakeTelegram() as tg:` serves it on a free port."""

    token: str = "123456:TEST-token"
    admins: dict[int, set[int]] = field(default_factory=dict)  # chat -> admin user ids
    clock: Callable[[], float] = time.monotonic
    enforce_limits: bool = True

    def __post_init__(self) -> None:
        self.sent: list[Sent] = []
        self.deleted: list[tuple[int, int]] = []
        self.restricted: list[tuple[int, int, dict[str, Any], int | None]] = []
        self.banned: list[tuple[int, int]] = []
        self.unbanned: list[tuple[int, int]] = []
        self.answered_callbacks: list[str] = []
        self.calls: list[str] = []
        self.timeline: list[tuple[float, str, str]] = []  # (when, method, chat) per call
        self.too_many: int = 0
        self.started: set[int] = set()  # users who have started the bot
        self.webhook: dict[str, Any] | None = None
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(10_000)
        self._edits = itertools.count(1)  # each edit a second later than the last
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- what tests use ------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """python-telegram-bot's `base_url`: the token is appended to it."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for the next getUpdates; its update_id."""
        with self._lock:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            return update_id

    def group_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        name: str = "",
        message_id: int | None = None,
        thread_id: int | None = None,
        **extra: Any,
    ) -> int:
        """A viewer's comment in a group; its message id."""
        mid = message_id if message_id is not None else next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": mid,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup", "title": "Live"},
            "from": {"id": user_id, "is_bot": False, "first_name": name or f"user{user_id}"},
            "text": text,
            **extra,
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        self.push({"message": message})
        return mid

    def edit(
        self, chat_id: int, user_id: int, message_id: int, text: str, *, name: str = ""
    ) -> None:
        """The viewer edits an earlier message of theirs."""
        now = int(time.time())
        self.push(
            {
                "edited_message": {
                    "message_id": message_id,
                    "date": now - 5,
                    "edit_date": now + next(self._edits),
                    "chat": {"id": chat_id, "type": "supergroup", "title": "Live"},
                    "from": {"id": user_id, "is_bot": False, "first_name": name or "u"},
                    "text": text,
                }
            }
        )

    def press(self, user_id: int, data: str, message_id: int) -> str:
        """The user presses an inline button under a message the bot sent them; the
        callback query's id."""
        query_id = f"q{next(self._message_ids)}"
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": {"id": user_id, "is_bot": False, "first_name": "u"},
                    "chat_instance": "ci",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": {"id": user_id, "type": "private", "first_name": "u"},
                        "text": "",
                    },
                }
            }
        )
        return query_id

    def private_message(self, user_id: int, text: str, *, name: str = "") -> int:
        mid = next(self._message_ids)
        command = text.split()[0] if text.startswith("/") else ""
        entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self.push(
            {
                "message": {
                    "message_id": mid,
                    "date": int(time.time()),
                    "chat": {"id": user_id, "type": "private", "first_name": name or "u"},
                    "from": {"id": user_id, "is_bot": False, "first_name": name or "u"},
                    "text": text,
                    **({"entities": entities} if command else {}),
                }
            }
        )
        return mid

    def sent_to(self, chat_id: int) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.chat_id == chat_id]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    def __enter__(self) -> FakeTelegram:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the API ---------------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.calls.append(method)
            self.timeline.append((self.clock(), method, str(params.get("chat_id", ""))))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, _error(404, f"Not Found: method {method} not found")
        return handler(params)

    def _api_getMe(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, _ok(
            {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Vitrine",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )

    def _api_getUpdates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(timeout, 2.0)
        while True:
            with self._lock:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()  # confirmed by the offset
                batch = list(itertools.islice(self._updates, limit))
            if batch or time.monotonic() >= deadline:
                return 200, _ok(batch)
            time.sleep(0.02)

    def _api_deleteWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.webhook = None
        return 200, _ok(True)

    def _api_setWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.webhook = dict(params)
        return 200, _ok(True)

    def _api_setMyCommands(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, _ok(True)

    def _api_sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        text = str(params.get("text") or "")
        if not text.strip():
            return 400, _error(400, "Bad Request: message text is empty")
        if len(text) > MAX_CHARS:
            return 400, _error(400, "Bad Request: message is too long")
        if chat_id > 0 and chat_id not in self.started:
            return 403, _error(403, "Forbidden: bot can't initiate conversation with a user")
        now = self.clock()
        with self._lock:
            if self.enforce_limits:
                recent = [s for s in self.sent if now - s.at < 1.0]
                in_group = [s for s in self.sent if s.chat_id == chat_id and now - s.at < 60.0]
                if len(recent) >= OVERALL_PER_SECOND:
                    self.too_many += 1
                    return 429, _error(429, "Too Many Requests: retry after 1", retry_after=1)
                if chat_id < 0 and len(in_group) >= GROUP_PER_MINUTE:
                    self.too_many += 1
                    wait = int(60 - (now - in_group[0].at)) + 1
                    return 429, _error(429, f"Too Many Requests: retry after {wait}", wait)
            message_id = next(self._message_ids)
            reply = params.get("reply_parameters")
            reply_to = int(json.loads(reply)["message_id"]) if reply else None
            markup = params.get("reply_markup")
            thread = params.get("message_thread_id")
            sent = Sent(
                chat_id,
                text,
                now,
                message_id,
                int(thread) if thread else None,
                reply_to,
                json.loads(markup) if markup else None,
            )
            self.sent.append(sent)
        return 200, _ok(
            {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Vitrine"},
                "text": text,
            }
        )

    def _api_deleteMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.deleted.append((int(params["chat_id"]), int(params["message_id"])))
        return 200, _ok(True)

    def _api_restrictChatMember(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        until = params.get("until_date")
        with self._lock:
            self.restricted.append(
                (
                    int(params["chat_id"]),
                    int(params["user_id"]),
                    json.loads(params["permissions"]),
                    int(until) if until else None,
                )
            )
        return 200, _ok(True)

    def _api_banChatMember(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.banned.append((int(params["chat_id"]), int(params["user_id"])))
        return 200, _ok(True)

    def _api_unbanChatMember(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.unbanned.append((int(params["chat_id"]), int(params["user_id"])))
        return 200, _ok(True)

    def _api_getChatAdministrators(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        admins = [
            {
                "status": "administrator",
                "user": {"id": user_id, "is_bot": False, "first_name": f"admin{user_id}"},
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": False,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
            for user_id in sorted(self.admins.get(chat_id, set()))
        ]
        return 200, _ok(admins)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.answered_callbacks.append(str(params["callback_query_id"]))
        return 200, _ok(True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                prefix = f"/bot{fake.token}/"
                if not self.path.startswith(prefix):
                    self._answer(401, _error(401, "Unauthorized"))
                    return
                method = self.path[len(prefix) :]
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if (self.headers.get("Content-Type") or "").startswith("application/json"):
                    params = json.loads(body or "{}")
                else:
                    params = dict(parse_qsl(body, keep_blank_values=True))
                status, answer = fake.call(method, params)
                self._answer(status, answer)

            do_GET = do_POST

            def _answer(self, status: int, answer: dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # the client may have given up (a poll cancelled at shutdown)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _error(code: int, description: str, retry_after: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        error["parameters"] = {"retry_after": retry_after}
    return error
