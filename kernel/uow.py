"""Unit of work: one database transaction around one business operation.

State changes yield past-tense events; the unit of work collects them and, before it
commits, hands each to the message bus the application wired in. Handlers (promote a
waitlist, announce, hand off to the brand) write in the same transaction and may publish
further events, so the state change and everything it causes commit together or not at all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
P = TypeVar("P")


class MessageBus(Protocol):
    """Runs the handlers of one event, inside the unit of work that published it."""

    def handle(self, uow: UnitOfWork, event: object, cause: object) -> None: ...


class NoBusWired(RuntimeError):
    """Events were published in a unit of work whose database has no message bus."""


class UnitOfWork:
    """Opens a session, commits only when told to, rolls back on error or when left open."""

    def __init__(
        self, session_factory: sessionmaker[Session], bus: MessageBus | None = None
    ) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None
        self._bus = bus
        self._events: deque[tuple[object, object]] = deque()
        self._ports: dict[object, object] = {}

    def port(self, opener: Callable[[Session], P]) -> P:
        """The port `opener` opens on this unit's transaction (the commerce ports, the
        open questions, the outbox), opened once per unit; a test's fake unit of work
        hands out its in-memory fakes for the same openers."""
        if opener not in self._ports:
            self._ports[opener] = opener(self.session)
        return self._ports[opener]  # type: ignore[return-value]  # keyed by its opener

    def publish(self, events: Iterable[object], cause: object = None) -> None:
        """Queue events for the bus; `cause` is what the handlers need to know of where
        they came from (which comment, webhook or job), opaque to the kernel."""
        self._events.extend((event, cause) for event in events)

    def drop_events(self) -> None:
        """Forget queued events (their state change was rolled back to a savepoint)."""
        self._events.clear()

    def dispatch(self) -> None:
        """Handle every queued event, and the events its handlers publish, in order."""
        while self._events:
            if self._bus is None:
                raise NoBusWired("events were published but no message bus is wired")
            event, cause = self._events.popleft()
            self._bus.handle(self, event, cause)

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
        self._events.clear()
        self._ports.clear()
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None

    def commit(self) -> None:
        """Handle what was published, then commit it all in one transaction."""
        self.dispatch()
        self.session.commit()

    def rollback(self) -> None:
        self._events.clear()
        self.session.rollback()


@dataclass
class Database:
    """An opened database: its engine, sessions, and the message bus its units of work
    hand their events to (wired once by the application's bootstrap)."""

    url: str
    engine: Engine
    session_factory: sessionmaker[Session]
    bus: MessageBus | None = None

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.bus)

    def dispose(self) -> None:
        self.engine.dispose()


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
