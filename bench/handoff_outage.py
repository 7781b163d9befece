"""Brand hand-off through an outage, with a real clock: every paid order reaches the
brand's endpoint exactly once although the endpoint refuses connections, then answers
500, for the first part of the live, and `vitrine run` is SIGKILLed and restarted in the
middle of the recovery.

    python bench/handoff_outage.py [--orders 300] [--refused 10] [--errors 10]

The issue's scenario is ten minutes of outage; here it is shortened (20 s by default) and
the longest wait between tries and the scheduler lease scaled down with it
(VITRINE_WEBHOOK_MAX_WAIT_SECONDS=4, VITRINE_SCHEDULER_LEASE_SECONDS=6: after the kill,
the restarted process sends once the dead holder's lease has run out), so the ratio of the
figures is what carries over. The endpoint is a local HTTP server
that checks each signature and deduplicates by event id, as the README asks a brand to.
Printed: orders paid, requests received, accepted events, unique ids, duplicates
absorbed by the receiver, orders missing, and the time from recovery to the last delivery.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Brand:
    """The brand's endpoint: down (nothing listens) until `serve_at`, 500 until `ok_at`,
    then 200 for every validly signed event, processing each event id once."""

    def __init__(self, port: int, secret: str, serve_at: float, ok_at: float) -> None:
        self.port, self.secret, self.serve_at, self.ok_at = port, secret, serve_at, ok_at
        self.requests = 0
        self.invalid = 0
        self.accepted: dict[str, int] = {}
        self.last_new_at: float | None = None
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def start_when_due(self) -> None:
        def run() -> None:
            time.sleep(max(0.0, self.serve_at - time.time()))
            brand = self

            class Handler(BaseHTTPRequestHandler):
                def do_POST(self) -> None:
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    with brand._lock:
                        brand.requests += 1
                    if time.time() < brand.ok_at:
                        self.send_response(500)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    if not brand.valid(self.headers.get("Vitrine-Signature") or "", body):
                        with brand._lock:
                            brand.invalid += 1
                        self.send_response(400)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    event_id = json.loads(body)["id"]
                    with brand._lock:
                        seen = brand.accepted.get(event_id, 0)
                        brand.accepted[event_id] = seen + 1
                        if not seen:
                            brand.last_new_at = time.time()
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

                def log_message(self, *args: object) -> None:
                    pass

            self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
            self.server.daemon_threads = True
            self.server.serve_forever()

        threading.Thread(target=run, daemon=True).start()

    def valid(self, header: str, body: bytes) -> bool:
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        if not parts.get("t", "").isdigit() or abs(time.time() - int(parts["t"])) > 300:
            return False
        mac = hmac.new(self.secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256)
        return hmac.compare_digest(mac.hexdigest(), parts.get("v1", ""))


def vitrine(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vitrine.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def make_inputs(folder: Path, orders: int) -> tuple[Path, Path]:
    catalog = folder / "catalog.json"
    catalog.write_text(
        json.dumps(
            {
                "currency": "EUR",
                "products": [
                    {
                        "sku": "TOTE",
                        "code": "1",
                        "name": "Tote bag",
                        "price": "35.00",
                        "options": {},
                        "variants": [{"sku": "TOTE-1", "options": {}, "stock": orders * 2}],
                    }
                ],
            }
        )
    )
    lines = [{"ts": 0, "event": "feature", "sku": "TOTE"}]
    for n in range(orders):
        author = {"id": f"u{n}", "name": f"buyer {n}", "role": "viewer"}
        lines.append({"id": f"c{n}", "ts": 1 + n * 0.01, "author": author, "text": "SOLD"})
    for n in range(orders):
        lines.append({"ts": 10 + n * 0.01, "event": "pay", "author_id": f"u{n}"})
    transcript = folder / "live.jsonl"
    transcript.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return catalog, transcript


def start_run(env: dict[str, str], db: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "vitrine.cli", "run", "--db", db, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--refused", type=float, default=10.0, help="seconds refused")
    parser.add_argument("--errors", type=float, default=10.0, help="then seconds of 500s")
    parser.add_argument("--timeout", type=float, default=180.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("VITRINE_")},
            "VITRINE_ENVIRONMENT": "test",
            "VITRINE_WEBHOOK_MAX_WAIT_SECONDS": "4",
            # the brand hears from the scheduler lease holder: a killed holder's lease
            # must run out before the restarted process sends (30 s by default)
            "VITRINE_SCHEDULER_LEASE_SECONDS": "6",
            "VITRINE_HOLD_SECONDS": "3600",
            "VITRINE_MAX_HOLD_SECONDS": "3600",
        }
        db = f"sqlite:///{folder / 'live.db'}"
        catalog, transcript = make_inputs(folder, options.orders)
        port = free_port()
        vitrine("db", "upgrade", "--db", db, env=env)
        secret = vitrine(
            "webhook", "add", f"http://127.0.0.1:{port}/hooks", "--db", db, env=env
        ).stdout.strip()
        started = time.time()
        brand = Brand(
            port,
            secret,
            serve_at=started + options.refused,
            ok_at=started + options.refused + options.errors,
        )
        brand.start_when_due()
        replay = vitrine(
            "replay", str(transcript), "--catalog", str(catalog), "--db", db, "--json", env=env
        )
        paid = json.loads(replay.stdout)["paid_orders"]
        log = folder / "run.log"
        run = start_run(env, db, free_port(), log)
        time.sleep(max(0.0, brand.ok_at - time.time()))
        recovered = time.time()
        while brand.accepted == {} and time.time() - recovered < options.timeout:
            time.sleep(0.05)
        time.sleep(0.3)  # in the middle of the recovery
        before_kill = len(brand.accepted)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        run = start_run(env, db, free_port(), log)
        while len(brand.accepted) < paid and time.time() - recovered < options.timeout:
            time.sleep(0.1)
        time.sleep(2)  # anything sent twice would arrive now
        run.send_signal(signal.SIGTERM)
        run.wait(30)
        if brand.server is not None:
            brand.server.shutdown()
        accepted = sum(brand.accepted.values())
        unique = len(brand.accepted)
        outage = options.refused + options.errors
        drained = (brand.last_new_at or time.time()) - recovered
        print(f"orders paid                 {paid}")
        print(f"outage (refused + 500s)     {options.refused:.0f} s + {options.errors:.0f} s")
        print(f"requests received           {brand.requests} ({brand.invalid} badly signed)")
        print(f"delivered before the kill   {before_kill}")
        print(f"events accepted / unique    {accepted} / {unique}")
        print(f"redeliveries (deduplicated) {accepted - unique}")
        print(f"orders missing              {paid - unique}")
        print(f"delivered / paid            {unique / paid:.3f}")
        print(f"recovery to last delivery   {drained:.1f} s ({drained / outage:.2f} × the outage)")
        if unique != paid or brand.invalid:
            raise SystemExit("FAILED: an order was lost or a signature did not verify")


if __name__ == "__main__":
    main()
