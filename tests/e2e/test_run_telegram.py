"""`vitrine run` as a process with a Telegram bot, against a fake Bot API on 127.0.0.1: a
refused token is one line; a live runs; SIGTERM stops it; a restart sends nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.test_run_cli import _free_port, _healthy
from tests.fakes.telegram_server import FakeTelegram

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"
GROUP, HOST, ANN, BOB, SPAM = -100_777, 1, 21, 22, 23


def _env(tmp_path: Path, telegram: FakeTelegram, port: int, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VITRINE_", "OPENAI_"))}
    return {
        **clean,
        "VITRINE_DATA_DIR": str(tmp_path),
        "VITRINE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "VITRINE_TELEGRAM_TOKEN": telegram.token,
        "VITRINE_TELEGRAM_BASE_URL": telegram.base_url,
        **extra,
    }


def _vitrine(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vitrine.cli", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_a_refused_token_stops_run_in_one_line(tmp_path: Path) -> None:
    with FakeTelegram() as telegram:
        env = _env(tmp_path, telegram, _free_port())
        env["VITRINE_TELEGRAM_TOKEN"] = "999:refused"
        run = _vitrine(tmp_path, env, "run", "--port", env["VITRINE_PUBLIC_URL"].rsplit(":", 1)[1])
        _, err = run.communicate(timeout=60)
    assert run.returncode == 1
    assert err.strip().splitlines()[-1].startswith("error: Telegram refused VITRINE_TELEGRAM_TOKEN")
    assert "Traceback" not in err


def test_run_sells_in_a_group_stops_on_sigterm_and_sends_nothing_twice(tmp_path: Path) -> None:
    with FakeTelegram(admins={GROUP: {HOST}}) as telegram:
        telegram.started.add(ANN)
        port = _free_port()
        env = _env(tmp_path, telegram, port)
        done = subprocess.run(
            [sys.executable, "-m", "vitrine.cli", "catalog", "import", str(CATALOG)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        run = _vitrine(tmp_path, env, "run", "--port", str(port))
        try:
            assert _healthy(port)
            telegram.group_message(GROUP, HOST, "/live start", name="Host")
            assert _wait(lambda: any("🔴" in s.text for s in telegram.sent_to(GROUP)))
            telegram.group_message(GROUP, HOST, "/feature 3", name="Host")
            telegram.group_message(GROUP, ANN, "je prends le 30ml", name="Ann")
            telegram.group_message(GROUP, BOB, "I'll take the 50ml", name="Bob")
            spam = telegram.group_message(
                GROUP, SPAM, "gagnez 5000€ en bitcoin, écrivez-moi sur whatsapp", name="S"
            )
            assert _wait(lambda: any("/checkout/" in s.text for s in telegram.sent_to(ANN)))
            assert _wait(lambda: any("?start=" in s.text for s in telegram.sent_to(GROUP)))
            assert _wait(lambda: (GROUP, spam) in telegram.deleted)
        finally:
            run.send_signal(signal.SIGTERM)
            _, err = run.communicate(timeout=30)
        assert run.returncode == 0, err
        assert "platform telegram: this process receives its updates" in err
        sent_before = len(telegram.sent)
        # Restarted: it reads on from where it stopped, and sends nothing again.
        run = _vitrine(tmp_path, env, "run", "--port", str(port))
        try:
            assert _healthy(port)
            telegram.group_message(GROUP, BOB, "bonjour", name="Bob")
            assert _wait(lambda: telegram.pending_updates() == 0)
            time.sleep(2)  # a relay pass or two
        finally:
            run.send_signal(signal.SIGTERM)
            _, err = run.communicate(timeout=30)
        assert run.returncode == 0, err
        texts = [(s.chat_id, s.text) for s in telegram.sent]
        assert len(telegram.sent) == sent_before  # "bonjour" needs no answer; nothing resent
        assert len(texts) == len(set(texts))


@pytest.mark.postgres
def test_two_processes_on_one_database_poll_once_and_take_over(
    tmp_path: Path, postgres_url: str
) -> None:
    """One polls, the other stands by; comments are handled and answered once; when the
    poller stops, the standby takes over and goes on from where it stopped."""
    with FakeTelegram(admins={GROUP: {HOST}}) as telegram:
        telegram.started.update({ANN, BOB})
        ports = [_free_port(), _free_port()]
        envs = [
            _env(
                tmp_path / str(n),
                telegram,
                port,
                VITRINE_DATABASE_URL=postgres_url,
                VITRINE_SCHEDULER_LEASE_SECONDS="3",
            )
            for n, port in enumerate(ports)
        ]
        for n in (0, 1):
            (tmp_path / str(n)).mkdir()
        done = subprocess.run(
            [sys.executable, "-m", "vitrine.cli", "catalog", "import", str(CATALOG)],
            cwd=tmp_path / "0",
            env=envs[0],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        runs = [
            _vitrine(tmp_path / str(n), envs[n], "run", "--port", str(ports[n])) for n in (0, 1)
        ]
        errs: list[str] = []
        try:
            assert all(_healthy(port) for port in ports)
            telegram.group_message(GROUP, HOST, "/live start", name="Host")
            telegram.group_message(GROUP, HOST, "/feature 3", name="Host")
            telegram.group_message(GROUP, ANN, "je prends le 30ml", name="Ann")
            assert _wait(lambda: any("/checkout/" in s.text for s in telegram.sent_to(ANN)))
            poller = next(run for run in runs if run.pid == _receiver_pid(postgres_url))
            poller.send_signal(signal.SIGTERM)  # the poller stops: the standby takes over
            errs.append(poller.communicate(timeout=30)[1])
            telegram.group_message(GROUP, BOB, "I'll take the 50ml", name="Bob")
            assert _wait(lambda: any("/checkout/" in s.text for s in telegram.sent_to(BOB)), 30)
        finally:
            for run in runs:
                if run.poll() is None:
                    run.send_signal(signal.SIGTERM)
                    errs.append(run.communicate(timeout=30)[1])
        assert [run.returncode for run in runs] == [0, 0], errs
        receiving = [err.count("this process receives its updates") for err in errs]
        assert receiving == [1, 1]  # one at a time: the standby only after the poller stopped
        texts = [(s.chat_id, s.text) for s in telegram.sent]
        assert len(texts) == len(set(texts))  # nothing sent twice
        assert sum("🔴" in s.text for s in telegram.sent) == 1
        assert "Conflict" not in "".join(errs)


def _receiver_pid(url: str) -> int:
    """The pid in the Telegram receiver lease's holder ("host:pid:tail")."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            holder = conn.execute(
                text("SELECT holder FROM job_leases WHERE name = 'receiver:telegram'")
            ).scalar_one()
    finally:
        engine.dispose()
    return int(holder.split(":")[1])
