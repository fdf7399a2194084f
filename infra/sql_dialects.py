"""What differs between SQLite and PostgreSQL for a row view
(infra/rowviews.py): each column kind's type, parameter mark, and how a value
goes into and comes out of the database. And what the tables kept beside the
events (ledger, household keys, consumer model) share: statements written with
SQLite's `?` marks, turned into psycopg's, and reads in a transaction of their
own."""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from psycopg.sql import SQL
from psycopg.types.json import Jsonb

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

T = TypeVar("T")

SQLITE_TYPES = {
    "text": "TEXT", "int": "INTEGER", "bool": "INTEGER", "date": "TEXT",
    "datetime": "TEXT", "uuid": "TEXT", "decimal": "TEXT", "json": "TEXT",
}  # fmt: skip
POSTGRES_TYPES = {
    "text": "text", "int": "bigint", "bool": "boolean", "date": "date",
    "datetime": "timestamptz", "uuid": "uuid", "decimal": "numeric", "json": "jsonb",
}  # fmt: skip


class SQLDialect:
    """What differs between SQLite and PostgreSQL, and nothing else."""

    mark = "?"
    types = SQLITE_TYPES

    def to_db(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "json":
            return json.dumps(value, default=str, ensure_ascii=False)
        if kind in ("date", "datetime"):
            return value.isoformat()
        if kind in ("uuid", "decimal"):
            return str(value)
        if kind == "bool":
            return int(value)
        return value

    def converter(self, kind: str) -> Callable[[Any], Any] | None:
        """`to_db` of one kind as a function; None where values go in as they
        are (a row view's hot path: most columns need no conversion)."""
        return None if kind in ("text", "int") else functools.partial(self.to_db, kind)

    def bulk_insert(self, table: str, columns: Sequence[str]) -> str:
        """The statement inserting rows of `columns` into `table`, for
        `write_many`."""
        marks = ", ".join(self.mark for _ in columns)
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    def write_many(
        self, cursor: Any, statement: str, rows: Sequence[Sequence[Any]]
    ) -> None:
        """Run `statement` once per row of parameters."""
        cursor.executemany(statement, rows)

    def from_db(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "json":
            return json.loads(value) if isinstance(value, str) else value
        if kind == "date" and not isinstance(value, date):
            return date.fromisoformat(value)
        if kind == "datetime" and not isinstance(value, datetime):
            return datetime.fromisoformat(value)
        if kind == "uuid" and not isinstance(value, UUID):
            return UUID(value)
        if kind == "decimal" and not isinstance(value, Decimal):
            return Decimal(str(value))
        if kind == "bool":
            return bool(value)
        return value


class PostgresDialect(SQLDialect):
    mark = "%s"
    types = POSTGRES_TYPES

    def to_db(self, kind: str, value: Any) -> Any:
        """psycopg adapts every value itself but JSON's (None is NULL)."""
        return Jsonb(value) if kind == "json" and value is not None else value

    def converter(self, kind: str) -> Callable[[Any], Any] | None:
        return functools.partial(self.to_db, kind) if kind == "json" else None

    def bulk_insert(self, table: str, columns: Sequence[str]) -> str:
        """A COPY: the rows go in one stream, not one statement each in the
        pipeline (an audit trail's rebuild writes a row an event)."""
        return f"COPY {table} ({', '.join(columns)}) FROM STDIN"

    def write_many(
        self, cursor: Any, statement: str, rows: Sequence[Sequence[Any]]
    ) -> None:
        if not statement.startswith("COPY "):
            cursor.executemany(statement, rows)
            return
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def psycopg_query(text: str) -> SQL:
    """A statement written with `?` marks (SQLite's), for psycopg."""
    return SQL(text.replace("?", "%s"))  # type: ignore[arg-type]


def quoted(schema: str, table: str) -> str:
    """`schema.table`, each name quoted for PostgreSQL."""
    return ".".join('"' + name.replace('"', '""') + '"' for name in (schema, table))


def fetch(datastore: Any, statement: Any, params: Sequence[Any] = ()) -> list[Any]:
    """The rows a statement reads, in a read transaction of its own."""
    with datastore.transaction(commit=False) as c:
        c.execute(statement, params)
        return list(c.fetchall())


def fetch_one(datastore: Any, statement: Any, params: Sequence[Any] = ()) -> Any:
    """The first row a statement reads (None: none), as `fetch`."""
    rows = fetch(datastore, statement, params)
    return rows[0] if rows else None


def recorder_part(app: Any, name: str, kind: type[T], missing: str) -> T:
    """What a Logis application's recorder (infra/store.py) holds as `name`;
    TypeError(`missing`) from a recorder that holds none."""
    part = getattr(app.recorder, name, None)
    if not isinstance(part, kind):
        raise TypeError(missing)
    return part
