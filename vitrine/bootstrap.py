"""Wiring: turns settings into an engine, a migrated database and the app's services."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from vitrine import migrations
from vitrine.db import make_engine, make_session_factory
from vitrine.uow import UnitOfWork

log = logging.getLogger(__name__)


class DatabaseNotMigrated(RuntimeError):
    """The database schema is older than this version of Vitrine."""

    def __init__(self, current: str | None, head: str | None) -> None:
        self.current, self.head = current, head
        super().__init__(
            f"database schema is at {current or 'nothing'}, this Vitrine needs {head}: "
            "run `vitrine db upgrade`"
        )


@dataclass
class Database:
    url: str
    engine: Engine
    session_factory: sessionmaker[Session]

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    url: str, *, auto_upgrade: bool | None = None, **engine_kwargs: object
) -> Database:
    """Open the database; an embedded SQLite database is upgraded on the spot, a server
    database must have been upgraded with `vitrine db upgrade`."""
    engine = make_engine(url, **engine_kwargs)
    if auto_upgrade is None:
        auto_upgrade = engine.dialect.name == "sqlite"
    if not migrations.is_up_to_date(engine):
        if not auto_upgrade:
            head = migrations.head_revision()
            current = migrations.current_revision(engine)
            engine.dispose()
            raise DatabaseNotMigrated(current, head)
        log.info("upgrading the database schema")
        migrations.upgrade(url)
    return Database(url=url, engine=engine, session_factory=make_session_factory(engine))
