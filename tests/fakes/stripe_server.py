"""A local server speaking Stripe's REST format for Checkout Sessions, and signed webhooks.

The real `stripe` client talks to it through `StripeClient(base_addresses={"api": url})`.
It honours Idempotency-Key, checks `expires_at` like Stripe (30 minutes to 24 hours ahead),
and records every request. 127.0.0.1 only.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import stripe

_KEY = re.compile(r"([^\[\]]+)|\[([^\[\]]*)\]")


def parse_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding (`line_items[0][price_data][unit_amount]=5900`) to nested data."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = [a or b for a, b in _KEY.findall(key)]
        node: Any = root
        for part, following in itertools.zip_longest(parts, parts[1:]):
            if following is None:
                node[part] = value
                break
            node = node.setdefault(part, {})
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class FakeStripe:
    """`with FakeStripe() as stripe_api:` then `stripe_api.url` as the client's api base."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, Any], dict[str, str]]] = []
        self._idempotent: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                fake.requests.append(("GET", self.path, {}, dict(self.headers)))
                match = re.fullmatch(r"/v1/checkout/sessions/([\w]+)", self.path)
                if match and match.group(1) in fake.sessions:
                    self._send(200, fake.sessions[match.group(1)])
                else:
                    self._send(404, _error("No such checkout.session", "resource_missing"))

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                form = parse_form(self.rfile.read(length).decode())
                fake.requests.append(("POST", self.path, form, dict(self.headers)))
                if self.path == "/v1/checkout/sessions":
                    key = self.headers.get("Idempotency-Key")
                    if key and key in fake._idempotent:
                        self._send(200, fake._idempotent[key])
                        return
                    status, payload = fake._create(form)
                    if key and status == 200:
                        fake._idempotent[key] = payload
                    self._send(status, payload)
                    return
                match = re.fullmatch(r"/v1/checkout/sessions/([\w]+)/expire", self.path)
                if match:
                    self._send(*fake._expire(match.group(1)))
                    return
                self._send(404, _error("Unrecognized request URL", "invalid_request_error"))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _create(self, form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        now = int(time.time())
        expires_at = form.get("expires_at")
        if expires_at is not None:
            ahead = int(expires_at) - now
            if not 1800 <= ahead <= 86400:
                return 400, _error(
                    "The `expires_at` timestamp must be between 30 minutes and "
                    "24 hours from Checkout Session creation.",
                    "invalid_request_error",
                    param="expires_at",
                )
        session_id = f"cs_test_{next(self._ids):06d}"
        items = form.get("line_items", [])
        total = sum(int(i["quantity"]) * int(i["price_data"]["unit_amount"]) for i in items)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": form.get("mode"),
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": total,
            "currency": items[0]["price_data"]["currency"] if items else None,
            "client_reference_id": form.get("client_reference_id"),
            "metadata": form.get("metadata", {}),
            "expires_at": int(expires_at) if expires_at else now + 86400,
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "line_items_sent": items,
        }
        self.sessions[session_id] = session
        return 200, session

    def _expire(self, session_id: str) -> tuple[int, dict[str, Any]]:
        session = self.sessions.get(session_id)
        if session is None:
            return 404, _error("No such checkout.session", "resource_missing")
        if session["status"] != "open":
            return 400, _error(
                f"This Checkout Session is {session['status']}.", "invalid_request_error"
            )
        session["status"] = "expired"
        return 200, session

    def event(
        self,
        kind: str,
        session_id: str,
        *,
        event_id: str | None = None,
        payment_status: str = "paid",
    ) -> dict[str, Any]:
        """A Stripe event about one of our sessions, as its webhook would carry it."""
        session = dict(self.sessions[session_id])
        if kind == "checkout.session.completed":
            session.update(status="complete", payment_status=payment_status)
        elif kind == "checkout.session.expired":
            session.update(status="expired")
        return {
            "id": event_id or f"evt_{next(self._ids):06d}",
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "data": {"object": session},
        }

    @staticmethod
    def sign(event: dict[str, Any], secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(
            payload, secret, timestamp=timestamp
        )
        return payload.encode(), header

    def __enter__(self) -> FakeStripe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _error(message: str, kind: str, param: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "invalid_request_error", "code": kind}
    if param:
        error["param"] = param
    return {"error": error}
