"""What every `vitrine` command shares: the --db option, a one-line failure, an open
database that is always closed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from kernel.uow import Database

DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: VITRINE_DATABASE_URL or SQLite)")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `error: message` on stderr; raise what it returns."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def database_url(db: str | None) -> str:
    from vitrine.settings import Settings

    return db or Settings().resolved_database_url


@contextmanager
def existing_database(db: str | None, *, wired: bool = False) -> Iterator[Database]:
    """The database a command reads or changes (never created here), disposed after;
    `wired` for commands whose changes publish events (the message bus handles them)."""
    from vitrine.bootstrap import open_database, wire
    from vitrine.settings import load_settings

    database = open_database(database_url(db), must_exist=True)
    if wired:
        wire(database, load_settings())
    try:
        yield database
    finally:
        database.dispose()
