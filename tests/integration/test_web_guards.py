"""The web app's guards over real HTTP: oversized bodies refused before they are read,
security headers on every response, and no checkout token in the access log."""

from __future__ import annotations

import logging
import socket
from urllib.parse import urlparse

import httpx
import pytest

from tests.integration.test_checkout_local import WEBHOOK_SECRET, Clock, claim_for, make_settings
from tests.integration.test_web import serve
from vitrine.web import create_app
from vitrine.web_guards import MAX_BODY_BYTES


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database, clock):
    settings = make_settings(
        "stripe",
        stripe_api_key="sk_test_vitrine",
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base="http://127.0.0.1:9",  # never called by these tests
    )
    return create_app(settings, database, clock=clock)


def _raw(base: str, request: bytes) -> bytes:
    """Send raw bytes, read the status line and headers the server answers with."""
    url = urlparse(base)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_declared_huge_body_is_refused_before_it_is_sent(app) -> None:
    with serve(app) as base:
        # 500 MB announced, none of it sent: the answer comes without reading a byte.
        answer = _raw(
            base,
            b"POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 500000000\r\nStripe-Signature: t=1,v1=x\r\n\r\n",
        )
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_streamed_body_past_the_cap_is_cut_off(app) -> None:
    def chunks():
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    with serve(app) as base, httpx.Client(base_url=base) as http:
        refused = http.post(
            "/webhooks/stripe", content=chunks(), headers={"Stripe-Signature": "t=1,v1=x"}
        )
        assert refused.status_code == 413
        small = http.post("/webhooks/stripe", content=b"{}", headers={"Stripe-Signature": "x"})
        assert small.status_code == 400  # under the cap: read, then refused as forged


def test_every_response_carries_the_security_headers(app, database, live, clock) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    with serve(app) as base, httpx.Client(base_url=base) as http:
        responses = [
            http.get("/healthz"),
            http.get("/checkout/unknown-token"),
            http.get(f"/checkout/{token}"),
            http.post("/webhooks/stripe", content=b"{}"),
            http.get("/nothing-here"),
        ]
    for response in responses:
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_the_access_log_never_shows_a_checkout_token(app, database, live, clock, caplog):
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    assert token is not None
    caplog.set_level(logging.INFO, logger="vitrine.access")
    with serve(app) as base, httpx.Client(base_url=base) as http:
        http.get(f"/checkout/{token}")
        http.get(f"/checkout/{token}?paid=1")
    lines = [r.getMessage() for r in caplog.records if r.name == "vitrine.access"]
    assert len(lines) == 2 and all("/checkout/<token>" in line for line in lines)
    assert not any(token in line for line in lines)


def test_unauthenticated_junk_gets_a_clear_answer_not_a_500(app) -> None:
    with serve(app) as base, httpx.Client(base_url=base) as http:
        assert http.get("/checkout/abc%00defghijklmnopqrstu").status_code == 404
        assert http.post("/checkout/abc%00defghijklmnopqrstu/pay").status_code == 404
        assert http.get("/checkout/" + "é" * 20).status_code == 404
        answer = _raw(
            base,
            b"POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            b"Stripe-Signature: t=1,v1=\xff\xfe\r\n\r\n{}",
        )
    assert answer.startswith(b"HTTP/1.1 400")
