"""`vitrine run` as an operator starts it: says what it runs, serves, stops on SIGTERM
with exit 0, and leaves the scheduler lease to the next process; a frozen holder loses
the lease to a standby."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(tmp_path: Path, port: int, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VITRINE_", "OPENAI_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "vitrine.cli", "run", "--port", str(port)],
        cwd=tmp_path,
        env={
            **clean,
            "VITRINE_DATA_DIR": str(tmp_path),
            "VITRINE_PUBLIC_URL": f"http://127.0.0.1:{port}",
            **env,
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


def _lines(process: subprocess.Popen[str]) -> Queue[str]:
    """The process's log lines as they come (read by a thread: a pipe left unread fills)."""
    lines: Queue[str] = Queue()

    def pump() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: Queue[str], needle: str, seconds: float) -> float | None:
    """Seconds until a line holding `needle` came, or None if none did in time."""
    start = time.monotonic()
    while (left := seconds - (time.monotonic() - start)) > 0:
        try:
            if needle in lines.get(timeout=left):
                return time.monotonic() - start
        except Empty:
            return None
    return None


def test_a_frozen_holder_loses_the_lease_to_the_standby(tmp_path: Path) -> None:
    """SIGSTOP freezes the holder: it keeps no lock, so the standby takes the lease once it
    runs out (3 s here), and the holder, thawed, says it lost it and runs no more jobs."""
    processes = []
    try:
        holder = _start(tmp_path, _free_port(), VITRINE_SCHEDULER_LEASE_SECONDS="3")
        processes.append(holder)
        holder_lines = _lines(holder)
        assert _wait_for(holder_lines, "this process runs the scheduled jobs", 30) is not None
        standby = _start(tmp_path, _free_port(), VITRINE_SCHEDULER_LEASE_SECONDS="3")
        processes.append(standby)
        standby_lines = _lines(standby)
        assert _wait_for(standby_lines, "another process runs the scheduled jobs", 30) is not None
        holder.send_signal(signal.SIGSTOP)
        took = _wait_for(standby_lines, "lease scheduler: taken by", 15)
        assert took is not None and took <= 3 + 1 + 2  # run out, one renewal tick, margin
        holder.send_signal(signal.SIGCONT)
        assert _wait_for(holder_lines, "lease scheduler: lost", 10) is not None
    finally:
        for process in processes:
            process.send_signal(signal.SIGCONT)
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    assert [p.returncode for p in processes] == [0, 0]
