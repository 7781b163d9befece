"""Many rows in one INSERT ... ON CONFLICT DO NOTHING, the same statement text whatever their
number.

A multi-row VALUES list has one placeholder per value, so its text changes with the number of
rows and grows past what psycopg caches: every batch was parsed again on both sides of the
wire. On PostgreSQL the rows travel instead as one JSON document expanded by
`json_populate_recordset()`: a short statement that psycopg caches and the server prepares,
and one parameter serialised by the json module rather than one array per column escaped
value by value. SQLite, in process, keeps the multi-row VALUES.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import TextualSelect

from kernel.db import UtcDateTime

_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> Sequence[Row[Any]]:
    """Insert `rows` (all with the same keys), skipping those that conflict on the unique
    columns `conflict` (if any); the inserted rows' `returning` columns, in no particular
    order."""
    if not rows:
        return []
    dialect = session.get_bind().dialect
    columns = tuple(rows[0])
    key = (dialect.name, table.name, columns, tuple(conflict), tuple(returning))
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = _build(dialect, table, columns, conflict, returning)
    if dialect.name == "postgresql":
        params: Any = {"rows": _as_json(dialect, table, columns, rows)}
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
        statement = sqlite.insert(table)
        if conflict:
            statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
        if returning:
            return statement.returning(*(table.c[name] for name in returning))
        return statement
    return _recordset_insert(table, columns, conflict, returning)


def _recordset_insert(
    table: Table,
    columns: tuple[str, ...],
    conflict: Sequence[str],
    returning: Sequence[str],
) -> TextClause | TextualSelect:
    names = ", ".join(columns)
    sql = (
        f"INSERT INTO {table.name} ({names}) SELECT {names} "
        f"FROM json_populate_recordset(NULL::{table.name}, CAST(:rows AS json))"
    )
    if conflict:
        sql += f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    statement = text(sql)
    if returning:
        return statement.columns(*(table.c[name] for name in returning))
    return statement


def _as_json(
    dialect: Dialect, table: Table, columns: tuple[str, ...], rows: Sequence[Mapping[str, Any]]
) -> str:
    """The rows as one JSON array; times go through their column type (UTC, never naive)
    and are written in ISO 8601, JSON columns are nested as they are."""
    times = [
        (name, type_) for name in columns if isinstance(type_ := table.c[name].type, UtcDateTime)
    ]
    if not times:
        return json.dumps(list(rows), ensure_ascii=False)
    converted = []
    for row in rows:
        copy = dict(row)
        for name, type_ in times:
            value = type_.process_bind_param(copy[name], dialect)
            copy[name] = None if value is None else value.isoformat()
        converted.append(copy)
    return json.dumps(converted, ensure_ascii=False)
