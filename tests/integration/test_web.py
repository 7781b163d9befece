"""The web app as `vitrine run` serves it: built from settings, over real HTTP on 127.0.0.1,
on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.fakes.buyer import BUYER_FORM
from tests.fakes.stripe_server import FakeStripe
from tests.integration.test_checkout_local import (
    WEBHOOK_SECRET,
    Clock,
    claim_for,
    make_settings,
    order_by_token,
    units,
)
from vitrine.web import create_app


@pytest.fixture
def clock() -> Clock:
    return Clock()


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run the app under uvicorn on a free loopback port; its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def stripe_api(clock: Clock) -> Iterator[FakeStripe]:
    with FakeStripe(clock=lambda: clock.now.timestamp()) as fake:
        yield fake


def test_local_checkout_over_http(database, live, clock) -> None:
    app = create_app(make_settings(), database, clock=clock)
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    with serve(app) as base, httpx.Client(base_url=base) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        page = http.get(f"/checkout/{token}")
        assert page.status_code == 200 and "PAIEMENT DE TEST" in page.text
        assert "15 min 00 s" in page.text
        paid = http.post(f"/checkout/{token}/pay", data=BUYER_FORM, follow_redirects=True)
        assert paid.status_code == 200 and "est payée" in paid.text
        # Webhooks are not configured with the local checkout.
        assert http.post("/webhooks/stripe", content=b"{}").status_code == 404
        assert http.get("/docs").status_code == 404  # nothing else is exposed
    assert order_by_token(database, token).status == "paid"


def test_stripe_checkout_and_webhook_over_http(database, live, clock, stripe_api) -> None:
    settings = make_settings(
        "stripe",
        stripe_api_key="sk_test_vitrine",
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stripe_api.url,
    )
    app = create_app(settings, database, clock=clock)  # the real factory, real client
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now, hold_seconds=3600)
    with serve(app) as base, httpx.Client(base_url=base) as http:
        # Opening the link (as a chat's link preview does) shows the cart and calls no one.
        page = http.get(f"/checkout/{token}")
        assert page.status_code == 200 and "PAIEMENT DE TEST" not in page.text
        assert f'action="/checkout/{token}/pay"' in page.text
        assert stripe_api.creates() == []
        redirect = http.post(f"/checkout/{token}/pay", data=BUYER_FORM)  # the Pay button
        assert redirect.status_code == 303
        session_id = order_by_token(database, token).checkout_ref
        assert session_id is not None
        assert redirect.headers["location"] == stripe_api.sessions[session_id]["url"]
        form = stripe_api.creates()[0].form
        assert int(form["expires_at"]) == int((clock.now + timedelta(hours=1)).timestamp())
        payload, header = FakeStripe.sign(
            stripe_api.event("checkout.session.completed", session_id), WEBHOOK_SECRET
        )
        for _ in range(2):  # Stripe delivers at least once
            done = http.post(
                "/webhooks/stripe", content=payload, headers={"Stripe-Signature": header}
            )
            assert done.status_code == 200
        assert done.json()["outcome"] == "duplicate"
        page = http.get(f"/checkout/{token}?paid=1")
        assert page.status_code == 200 and "est payée" in page.text
    assert units(database, "ISA") == (1, 0)
