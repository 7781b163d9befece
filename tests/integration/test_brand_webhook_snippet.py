"""The README's ten-line verification snippet, run as a brand would run it, against a real
signed delivery of the relay's brand transport, and against forged, tampered and stale ones."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from live.deliveries import BrandEvent
from live.transports import SIGNATURE_HEADER, BrandWebhookTransport, Due

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET = "whsec_brand_test"


def _snippet_verify():
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- brand-webhook-verification -->\s*```python\n(.*?)```", text, re.S)
    assert found, "the README lost its verification snippet"
    code = found.group(1)
    assert len(code.strip().splitlines()) <= 12
    namespace: dict = {}
    exec(code, namespace)  # the brand's code, as the README gives it
    return namespace["verify"]


class _Capture(BaseHTTPRequestHandler):
    deliveries: ClassVar[list[tuple[bytes, str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _Capture.deliveries.append((body, self.headers.get(SIGNATURE_HEADER) or ""))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


async def _deliver(url: str, clock) -> tuple[bytes, str]:
    _Capture.deliveries.clear()
    transport = BrandWebhookTransport.single(url, SECRET, clock=clock)
    row = Due(
        1,
        "order_paid",
        "brand",
        "brand",
        "order_paid:7",
        BrandEvent("order_paid", {"order_id": 7, "total": "49.90", "currency": "EUR"}),
        0,
        datetime(2026, 12, 5, tzinfo=UTC),
    )
    async for _ in transport.deliver([row]):
        pass
    return _Capture.deliveries[-1]


async def test_the_readme_snippet_accepts_a_real_delivery_and_nothing_else() -> None:
    verify = _snippet_verify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks/vitrine"
    try:
        body, header = await _deliver(url, time.time)
        stale_body, stale_header = await _deliver(url, lambda: time.time() - 600)
    finally:
        server.shutdown()
        server.server_close()
    assert verify(body, header, SECRET)
    assert not verify(body.replace(b"49.90", b"0.01"), header, SECRET)  # tampered
    assert not verify(body, header, "someone else's secret")  # forged
    assert not verify(stale_body, stale_header, SECRET)  # replayed ten minutes later
    assert not verify(body, "", SECRET) and not verify(body, "t=x,v1=y", SECRET)
