"""`vitrine run` as an operator starts it: says what it runs, serves, stops on SIGTERM
with exit 0, and leaves the scheduler lease to the next process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VITRINE_", "OPENAI_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "vitrine.cli", "run", "--port", str(port)],
        cwd=tmp_path,
        env={
            **clean,
            "VITRINE_DATA_DIR": str(tmp_path),
            "VITRINE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _healthy(port: int) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.1)
    return False


def test_run_serves_stops_on_sigterm_and_hands_over_the_lease(tmp_path: Path) -> None:
    port = _free_port()
    first = _start(tmp_path, port)
    try:
        assert _healthy(port)
        # A request whose head never finishes, and a connection that says nothing, are
        # closed by the server (no reply: the socket reads end-of-file) rather than kept.
        for opening in (b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b""):
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(opening)
                assert sock.recv(100) == b""
    finally:
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
    assert "this process runs the scheduled jobs" in err
    assert "chat platforms: none" in err and "brand webhook: not configured" in err
    assert "Traceback" not in err and "does not point at this server" not in err
    second_port = _free_port()
    second = _start(tmp_path, second_port)
    try:
        assert _healthy(second_port)
    finally:
        second.send_signal(signal.SIGINT)
        _, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    assert "this process runs the scheduled jobs" in err  # the lease was released
