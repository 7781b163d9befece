"""Many rows in one INSERT ... ON CONFLICT DO NOTHING, the same statement text whatever their
number.

A multi-row VALUES list has one placeholder per value, so its text changes with the number of
rows and grows past what psycopg caches: every batch was parsed again on both sides of the
wire. On PostgreSQL the rows travel instead as one array per column through `unnest()`: a
short statement that psycopg caches and the server prepares once. SQLite, in process, keeps
the multi-row VALUES.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Row, Table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import TextualSelect

_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: Sequence[str],
    returning: Sequence[str] = (),
) -> Sequence[Row[Any]]:
    """Insert `rows` (all with the same keys), skipping those that conflict on the unique
    columns `conflict`; the inserted rows' `returning` columns, in no particular order."""
    if not rows:
        return []
    dialect = session.get_bind().dialect
    columns = tuple(rows[0])
    key = (dialect.name, table.name, columns, tuple(conflict), tuple(returning))
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = _build(dialect, table, columns, conflict, returning)
    if dialect.name == "postgresql":
        params: Any = {
            name: _column_values(dialect, table.c[name], [row[name] for row in rows])
            for name in columns
        }
    else:
        params = list(rows)
    result = session.execute(statement, params)
    return result.all() if returning else []


def _build(
    dialect: Dialect,
    table: Table,
    columns: tuple[str, ...],
    conflict: Sequence[str],
    returning: Sequence[str],
) -> Any:
    if dialect.name != "postgresql":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
        if returning:
            return statement.returning(*(table.c[name] for name in returning))
        return statement
    return _unnest_insert(dialect, table, columns, conflict, returning)


def _unnest_insert(
    dialect: Dialect,
    table: Table,
    columns: tuple[str, ...],
    conflict: Sequence[str],
    returning: Sequence[str],
) -> TextClause | TextualSelect:
    typed: list[Column[Any]] = [table.c[name] for name in columns]
    arrays = ", ".join(
        f"CAST(:{column.name} AS {column.type.compile(dialect=dialect)}[])" for column in typed
    )
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
    )
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    statement = text(sql)
    if returning:
        return statement.columns(*(table.c[name] for name in returning))
    return statement


def _column_values(dialect: Dialect, column: Column[Any], values: list[Any]) -> list[Any]:
    """One column's values as its type binds them (JSON serialised, UTC times checked),
    sent as one array parameter."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return values
    return [process(value) for value in values]
