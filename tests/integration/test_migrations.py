"""Migrations build exactly the models' schema, and go back down, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from kernel.db import make_engine
from vitrine import migrations
from vitrine.schema import metadata


def _check_roundtrip(url: str) -> None:
    migrations.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            drift = compare_metadata(context, metadata)
        assert drift == [], f"migrations and models disagree: {drift}"
        assert set(inspect(engine).get_table_names()) >= {t.name for t in metadata.sorted_tables}
        assert migrations.is_up_to_date(engine)
    finally:
        engine.dispose()
    migrations.downgrade(url, "base")
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_sqlite_upgrade_matches_models_and_downgrades(tmp_path: Path) -> None:
    _check_roundtrip(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_postgres_upgrade_matches_models_and_downgrades(empty_postgres_url: str) -> None:
    _check_roundtrip(empty_postgres_url)


def test_sqlite_database_is_upgraded_on_open(tmp_path: Path) -> None:
    from vitrine.bootstrap import open_database

    db = open_database(f"sqlite:///{tmp_path / 'auto.db'}")
    try:
        assert migrations.is_up_to_date(db.engine)
    finally:
        db.dispose()


@pytest.mark.postgres
def test_server_database_must_be_upgraded_explicitly(empty_postgres_url: str) -> None:
    from vitrine.bootstrap import DatabaseNotMigrated, open_database

    with pytest.raises(DatabaseNotMigrated, match="vitrine db upgrade"):
        open_database(empty_postgres_url)
