"""Shared fixtures: every database test runs on real SQLite and on real PostgreSQL.

PostgreSQL comes from VITRINE_TEST_POSTGRES_URL (default: the local server, database
`test`). Each test gets a fresh database cloned from a migrated template. Where the server
is unreachable the PostgreSQL variants are skipped with the reason, unless CI=true or
VITRINE_REQUIRE_POSTGRES=1, where they fail: CI must never silently skip them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from vitrine import migrations

POSTGRES_URL = os.environ.get(
    "VITRINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = (
    os.environ.get("CI") == "true" or os.environ.get("VITRINE_REQUIRE_POSTGRES") == "1"
)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TEMPLATE = f"vitrine_tpl_{os.getpid()}"


# The suite's own knobs; every other VITRINE_* or OPENAI_* variable of the developer's shell
# (or CI's) must not reach a test.
SUITE_VARIABLES = {"VITRINE_TEST_POSTGRES_URL", "VITRINE_REQUIRE_POSTGRES"}


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test runs without the caller's VITRINE_*/OPENAI_* variables, in a directory of
    its own (so no `.env` and no `var/` of the checkout is read or written)."""
    for name in list(os.environ):
        if name.startswith(("VITRINE_", "OPENAI_")) and name not in SUITE_VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _admin_engine():
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database, cloned by each PostgreSQL test."""
    try:
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        message = f"PostgreSQL unreachable at {make_url(POSTGRES_URL).render_as_string()}: {exc}"
        if REQUIRE_POSTGRES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}"'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE}"'))
    template_url = make_url(POSTGRES_URL).set(database=TEMPLATE).render_as_string(False)
    migrations.upgrade(template_url)
    yield TEMPLATE
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test."""
    template = request.getfixturevalue("postgres_template")
    name = f"vitrine_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def restart_postgres() -> Callable[[str], None]:
    """Ends every session of one test database (given by its URL), as a server restart
    would: the connections pooled or held on it are dead on next use."""

    def restart(url: str) -> None:
        admin = _admin_engine()
        try:
            with admin.connect() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": make_url(url).database},
                )
        finally:
            admin.dispose()

    return restart


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database with no tables, for migration tests."""
    try:
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL unreachable: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    name = f"vitrine_e_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database URL: SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kernel.db'}"
        migrations.upgrade(url)
        return url
    return request.getfixturevalue("postgres_url")


# The shop the `database` fixture's message bus speaks for.
TEST_SHOP = {"brand_name": "Bijoux Test", "public_url": "http://127.0.0.1:8000"}


@pytest.fixture
def database(database_url: str):
    """An open `Database` (engine + unit of work factory) on each backend, wired with the
    message bus of the test shop (its units of work handle the events they publish)."""
    from vitrine.bootstrap import open_database, wire
    from vitrine.settings import Settings

    db = wire(open_database(database_url), Settings(_env_file=None, **TEST_SHOP))
    yield db
    db.dispose()


@pytest.fixture
def shared_dir() -> Path:
    """The steering repo's shared/ folder (spec, corpus, tools), beside the checkout."""
    if not SHARED.is_dir():
        pytest.skip(f"shared/ not found at {SHARED}")
    return SHARED
