"""Unit of work: one database transaction around one business operation."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


class UnitOfWork:
    """Opens a session, commits only when told to, rolls back on error or when left open."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use it as a context manager")
        return self._session

    def __enter__(self) -> Self:
        self._session = self._session_factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class UnitOfWorkProvider(Protocol):
    """Anything that opens units of work (the app's `Database`, a test fake)."""

    def unit_of_work(self) -> UnitOfWork: ...


def read_in_own_unit(database: UnitOfWorkProvider, read: Callable[[Session], T]) -> T:
    """Run `read` in a unit of work of its own; once more on a fresh connection when the
    first turned out to be dead (the database server restarted since it was last used)."""
    try:
        with database.unit_of_work() as uow:
            return read(uow.session)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    with database.unit_of_work() as uow:
        return read(uow.session)
