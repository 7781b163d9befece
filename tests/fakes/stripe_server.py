"""A local server speaking Stripe's REST format for Checkout Sessions, and signed webhooks.

The real `stripe` client talks to it through `StripeClient(base_addresses={"api": url})`.
Like Stripe it reads form-encoded nested keys (`line_items[0][price_data][unit_amount]`),
replays the first response for a repeated Idempotency-Key (and refuses the key with other
parameters), checks `expires_at` is 30 minutes to 24 hours ahead, and answers errors as
`{"error": {"type": "invalid_request_error", ...}}`. It records every request, listens on
127.0.0.1 only, and builds webhook events signed like Stripe's.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

import stripe

_KEY = re.compile(r"([^\[\]]+)|\[([^\[\]]*)\]")
_SESSION = re.compile(r"/v1/checkout/sessions/(cs_\w+)")
_EXPIRE = re.compile(r"/v1/checkout/sessions/(cs_\w+)/expire")


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


def _error(message: str, code: str, param: str | None = None, kind: str = "") -> dict[str, Any]:
    error: dict[str, Any] = {
        "type": kind or "invalid_request_error",
        "message": message,
        "code": code,
    }
    if param:
        error["param"] = param
    return {"error": error}


class RecordedRequest(NamedTuple):
    method: str
    path: str
    form: dict[str, Any]
    headers: dict[str, str]


class FakeStripe:
    """`with FakeStripe() as stripe_api:` then `stripe_api.url` as the client's api base."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.sessions: dict[str, dict[str, Any]] = {}
        self.requests: list[RecordedRequest] = []
        self.fail_next: list[int] = []  # HTTP statuses to answer next, e.g. [500]
        self._idempotent: dict[str, tuple[dict[str, Any], int, dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header("request-id", f"req_{next(fake._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                path = urlsplit(self.path).path
                form = parse_form(body)
                with fake._lock:
                    fake.requests.append(RecordedRequest(method, path, form, dict(self.headers)))
                    if fake.fail_next:
                        status = fake.fail_next.pop(0)
                        self._send(status, _error("Injected failure", "fake", kind="api_error"))
                        return
                    if not (self.headers.get("Authorization") or "").startswith("Bearer sk_"):
                        self._send(401, _error("Invalid API Key provided", "api_key_invalid"))
                        return
                    self._send(
                        *fake._route(method, path, form, self.headers.get("Idempotency-Key"))
                    )

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- REST ---------------------------------------------------------------------------

    def _route(
        self, method: str, path: str, form: dict[str, Any], idempotency_key: str | None
    ) -> tuple[int, dict[str, Any]]:
        if method == "POST" and path == "/v1/checkout/sessions":
            if idempotency_key and idempotency_key in self._idempotent:
                first_form, status, payload = self._idempotent[idempotency_key]
                if first_form != form:
                    return 400, _error(
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                        "idempotency_key_in_use",
                        kind="idempotency_error",
                    )
                return status, payload
            status, payload = self._create(form)
            if idempotency_key:
                self._idempotent[idempotency_key] = (form, status, payload)
            return status, payload
        if method == "POST" and (match := _EXPIRE.fullmatch(path)):
            return self._expire(match.group(1))
        if method == "GET" and (match := _SESSION.fullmatch(path)):
            session = self.sessions.get(match.group(1))
            if session is None:
                return 404, _error(
                    f"No such checkout.session: '{match.group(1)}'", "resource_missing"
                )
            return 200, session
        return 404, _error(f"Unrecognized request URL ({method}: {path}).", "url_invalid")

    def _create(self, form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        now = int(self.clock())
        expires_at = form.get("expires_at")
        if expires_at is not None:
            ahead = int(expires_at) - now
            if not 1800 <= ahead <= 86400:
                return 400, _error(
                    "The `expires_at` timestamp must be between 30 minutes and 24 hours "
                    "from Checkout Session creation.",
                    "parameter_invalid_integer",
                    param="expires_at",
                )
        items = form.get("line_items") or []
        if form.get("mode") != "payment" or not items:
            return 400, _error("Missing required param: line_items.", "parameter_missing")
        for item in items:
            amount = item.get("price_data", {}).get("unit_amount", "")
            if not amount.isdigit():
                return 400, _error("Invalid integer: unit_amount", "parameter_invalid_integer")
        session_id = f"cs_test_{next(self._ids):06d}"
        total = sum(int(i["quantity"]) * int(i["price_data"]["unit_amount"]) for i in items)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": form["mode"],
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "amount_total": total,
            "currency": items[0]["price_data"]["currency"],
            "client_reference_id": form.get("client_reference_id"),
            "metadata": form.get("metadata", {}),
            "created": now,
            "expires_at": int(expires_at) if expires_at else now + 86400,
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "livemode": False,
            "customer_email": form.get("customer_email"),
            "shipping_address_collection": form.get("shipping_address_collection"),
            "customer_details": None,
            "collected_information": None,
        }
        self.sessions[session_id] = session
        return 200, session

    def _expire(self, session_id: str) -> tuple[int, dict[str, Any]]:
        session = self.sessions.get(session_id)
        if session is None:
            return 404, _error(f"No such checkout.session: '{session_id}'", "resource_missing")
        if session["status"] != "open":
            return 400, _error(
                'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f"Checkout Session has a status of {session['status']}.",
                "checkout_session_not_open",
            )
        session["status"] = "expired"
        return 200, session

    # -- what the tests read and do -----------------------------------------------------

    def creates(self) -> list[RecordedRequest]:
        """The session-create requests, in order (idempotent repeats included)."""
        return [
            r for r in self.requests if r.method == "POST" and r.path == "/v1/checkout/sessions"
        ]

    def expires(self) -> list[str]:
        """Ids of the sessions our code asked to expire, in order."""
        return [m.group(1) for r in self.requests if (m := _EXPIRE.fullmatch(r.path))]

    def pay(self, session_id: str, *, payment_status: str = "paid") -> dict[str, Any]:
        """The customer completes the session (as on Stripe's hosted page)."""
        with self._lock:
            session = self.sessions[session_id]
            session.update(
                status="complete",
                payment_status=payment_status,
                payment_intent=f"pi_test_{session_id[8:]}",
            )
            # What the customer typed on Stripe's page (an address only where one is asked).
            address = {
                "line1": "Via Roma 5",
                "line2": None,
                "postal_code": "20121",
                "city": "Milano",
                "state": "MI",
                "country": "IT",
            }
            session["customer_details"] = {
                "email": session.get("customer_email") or "giulia@example.org",
                "name": "Giulia Bianchi",
                "phone": "+39 02 1234 5678",
                "address": address,
            }
            if session.get("shipping_address_collection"):
                session["collected_information"] = {
                    "shipping_details": {"name": "Giulia Bianchi", "address": address}
                }
            return dict(session)

    def refund_event(self, session_id: str, *, full: bool = True) -> dict[str, Any]:
        """`charge.refunded` for the session's payment, as Stripe sends it after a refund
        made in the dashboard (a charge object, linked by its payment intent)."""
        session = self.sessions[session_id]
        amount = int(session["amount_total"])
        charge = {
            "id": f"ch_test_{session_id[8:]}",
            "object": "charge",
            "amount": amount,
            "amount_refunded": amount if full else amount // 2,
            "currency": session["currency"],
            "payment_intent": session["payment_intent"],
            "refunded": full,
        }
        return {
            "id": f"evt_test_{next(self._ids):06d}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "type": "charge.refunded",
            "created": int(self.clock()),
            "livemode": False,
            "data": {"object": charge},
        }

    def event(
        self,
        kind: str,
        session_id: str,
        *,
        event_id: str | None = None,
        payment_status: str = "paid",
        **changes: Any,
    ) -> dict[str, Any]:
        """A Stripe event about one of our sessions, as its webhook would carry it."""
        if kind == "checkout.session.completed":
            self.pay(session_id, payment_status=payment_status)
        elif kind == "checkout.session.async_payment_succeeded":
            self.pay(session_id, payment_status="paid")
        elif kind == "checkout.session.expired":
            self.sessions[session_id]["status"] = "expired"
        session = {**self.sessions[session_id], **changes}
        return {
            "id": event_id or f"evt_test_{next(self._ids):06d}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "type": kind,
            "created": int(self.clock()),
            "livemode": False,
            "data": {"object": session},
        }

    @staticmethod
    def sign(event: dict[str, Any], secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
        """The body and Stripe-Signature header Stripe would send for this event."""
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
