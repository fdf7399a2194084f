"""Row views on SQLite and PostgreSQL: a batch of row changes and its tracking
position in one transaction, and the registry of view generations.

Physical tables are named `<projection>_g<generation>__<table>`, so a rebuild
writes a new generation beside the one readers use, and the switch is one row
update in `projection_generations`. That registry, the tracking and failures
tables are fixed: a migration creates them (infra/migrations/sqlite_views/,
postgres/); a generation's tables are created here, as it starts.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import (
    IntegrityError,
    OperationalError,
    ProgrammingError,
    Tracking,
)
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from infra.sealed_columns import is_sealed
from infra.sql_dialects import PostgresDialect, SQLDialect
from projections.rows import (
    Batch,
    Between,
    Containing,
    Key,
    Row,
    RowView,
    Selection,
    Table,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from infra.sealed_columns import ColumnSealer


def physical(view: str, table: Table) -> str:
    return f"{view}__{table.name}"


class SQLRowView(RowView):
    """A RowView over any DB-API datastore of the library (SQLite or PostgreSQL)."""

    def __init__(
        self,
        datastore: SQLiteDatastore | PostgresDatastore,
        *,
        view: str,
        tables: tuple[Table, ...],
        sealer: ColumnSealer | None = None,
    ) -> None:
        self.datastore = datastore
        self.view = view
        self.tables = tables
        self.sealer = sealer  # None: personal columns stored as they are
        self.batch = None
        # Per table and columns: each column's conversion (None: as it is).
        self._converters: dict[
            tuple[str, tuple[str, ...]],
            tuple[tuple[str, Callable[[Any], Any] | None], ...],
        ] = {}
        self.dialect: SQLDialect = (
            PostgresDialect()
            if isinstance(datastore, PostgresDatastore)
            else SQLDialect()
        )

    # ---- schema ----------------------------------------------------------------

    def create_table(self) -> None:
        # Two processes starting at once may both create: PostgreSQL can then
        # refuse one "IF NOT EXISTS" with a duplicate type; the other made them.
        for attempt in range(3):
            try:
                self._create_tables()
            except (IntegrityError, ProgrammingError, OperationalError):
                if attempt == 2:
                    raise
                time.sleep(0.1 * (attempt + 1))
            else:
                return

    def _create_tables(self) -> None:
        types = self.dialect.types
        with self.datastore.transaction(commit=True) as c:
            for table in self.tables:
                name = physical(self.view, table)
                columns = ", ".join(
                    f"{col} {types[kind]}" for col, kind in table.columns.items()
                )
                c.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} ({columns}, "
                    f"PRIMARY KEY ({', '.join(table.key)}))"
                )
                for index in table.indexes:
                    c.execute(
                        f"CREATE INDEX IF NOT EXISTS {name}_{'_'.join(index)}_idx "
                        f"ON {name} ({', '.join(index)})"
                    )

    def drop_tables(self) -> None:
        sqlite = isinstance(self.datastore, SQLiteDatastore)
        with self.datastore.transaction(commit=True) as c:
            if sqlite:  # overwrite the freed pages rather than leave them
                c.execute("PRAGMA secure_delete = ON")
            for table in self.tables:
                c.execute(f"DROP TABLE IF EXISTS {physical(self.view, table)}")
            c.execute(
                f"DELETE FROM projection_tracking WHERE view = {self.dialect.mark}",
                (self.view,),
            )
        if sqlite:  # and let no copy linger in the write-ahead log
            with (
                contextlib.suppress(sqlite3.Error),
                self.datastore.transaction(commit=False) as c,
            ):
                c.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ---- tracking ---------------------------------------------------------------

    def max_tracking_id(self, application_name: str) -> int | None:
        m = self.dialect.mark
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT notification_id FROM projection_tracking "
                f"WHERE view = {m} AND application_name = {m}",
                (self.view, application_name),
            )
            row = c.fetchone()
        return None if row is None else int(_first(row))

    def _insert_tracking(
        self, c: Any, tracking: Tracking, after: int | None = None
    ) -> None:
        m = self.dialect.mark
        # Moves only forward, and only from `after`, the position the batch was
        # computed from: a replayed batch, or one read before another writer
        # committed (even if it reaches further), finds no row to update and is
        # rolled back whole, so no event is ever applied twice.
        condition = "projection_tracking.notification_id < excluded.notification_id"
        params: list[Any] = [
            self.view,
            tracking.application_name,
            tracking.notification_id,
        ]
        if after is not None:
            condition += f" AND projection_tracking.notification_id = {m}"
            params.append(after)
        c.execute(
            "INSERT INTO projection_tracking (view, application_name, notification_id) "
            f"VALUES ({m}, {m}, {m}) ON CONFLICT (view, application_name) DO UPDATE "
            f"SET notification_id = excluded.notification_id WHERE {condition} "
            "RETURNING notification_id",
            params,
        )
        if c.fetchone() is None:
            msg = (
                f"{self.view}: position {tracking.notification_id} of "
                f"{tracking.application_name} already applied"
            )
            raise IntegrityError(msg)

    # ---- writes -------------------------------------------------------------------

    def _write(self, batch: Batch) -> None:
        assert batch.tracking is not None
        with self.datastore.transaction(commit=True) as c:
            # Tracking first: a stale batch stops before writing anything, and on
            # PostgreSQL concurrent writers of a view queue on its tracking row.
            self._insert_tracking(c, batch.tracking, batch.after)
            for table in self.tables:
                pending = batch.rows.get(table.name)
                if pending:
                    for statement, params in self._statements(table, pending):
                        self.dialect.write_many(c, statement, params)

    def _statements(
        self, table: Table, pending: dict[Key, Any]
    ) -> Iterator[tuple[str, Sequence[Sequence[Any]]]]:
        m = self.dialect.mark
        name = physical(self.view, table)
        where = " AND ".join(f"{k} = {m}" for k in table.key)
        deletes = [key for key, p in pending.items() if p.kind in ("delete", "replace")]
        if deletes:
            yield (
                f"DELETE FROM {name} WHERE {where}",
                [self._key(table, k) for k in deletes],
            )
        inserts = [
            p.values for p in pending.values() if p.kind in ("insert", "replace")
        ]
        if inserts:
            columns = tuple(table.columns)
            yield (
                self.dialect.bulk_insert(name, columns),
                [self._values(table, columns, self._sealed(table, r)) for r in inserts],
            )
        tallies: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Sequence[Any]]] = {}
        for p in pending.values():
            if p.kind == "tally":
                columns, adds = tuple(sorted(p.values)), tuple(sorted(p.increments))
                tallies.setdefault((columns, adds), []).append(
                    self._values(table, columns, self._sealed(table, p.values))
                )
        for (columns, adds), params in tallies.items():
            sums = ", ".join(
                f"{c} = COALESCE({name}.{c}, 0) + excluded.{c}" for c in adds
            )
            yield (
                f"INSERT INTO {name} ({', '.join(columns)}) "
                f"VALUES ({', '.join(m for _ in columns)}) "
                f"ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {sums}",
                params,
            )
        groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Sequence[Any]]] = {}
        for key, p in pending.items():
            if p.kind != "update":
                continue
            sets, adds = tuple(sorted(p.values)), tuple(sorted(p.increments))
            params = [
                *self._values(table, sets, self._sealed(table, p.values, key)),
                *self._values(table, adds, p.increments),
                *self._key(table, key),
            ]
            groups.setdefault((sets, adds), []).append(params)
        for (sets, adds), params in groups.items():
            assignments = [f"{col} = {m}" for col in sets]
            assignments += [f"{col} = COALESCE({col}, 0) + {m}" for col in adds]
            yield f"UPDATE {name} SET {', '.join(assignments)} WHERE {where}", params

    def _sealed(self, table: Table, row: Row, key: Key | None = None) -> Row:
        """The row with its personal values sealed (infra/sealed_columns.py);
        `key`: the row's, when `row` holds only changes."""
        if self.sealer is None or not table.personal:
            return row
        keyed = dict(zip(table.key, key, strict=True)) if key is not None else row
        sealed = dict(row)
        for column, record in table.personal.items():
            if column in sealed:
                sealed[column] = self.sealer.seal(
                    keyed.get(record), column, sealed[column]
                )
        return sealed

    def _opened(self, table: Table, columns: Sequence[str], r: Any) -> Row:
        """A stored row as read: decoded, its personal values opened."""
        row = {}
        for i, col in enumerate(columns):
            raw = _get(r, i, col)
            # A sealed value is a string, even in a json column (jsonb hands
            # back the string itself).
            sealed = col in table.personal and is_sealed(raw)
            row[col] = raw if sealed else self.dialect.from_db(table.columns[col], raw)
        if self.sealer is not None:
            for column, record in table.personal.items():
                if column in row:
                    row[column] = self.sealer.open(row[record], column, row[column])
        return row

    def _values(self, table: Table, columns: tuple[str, ...], row: Row) -> list[Any]:
        converters = self._converters.get((table.name, columns))
        if converters is None:
            converters = tuple(
                (c, self.dialect.converter(table.columns[c])) for c in columns
            )
            self._converters[(table.name, columns)] = converters
        return [
            row.get(c) if convert is None else convert(row.get(c))
            for c, convert in converters
        ]

    def _key(self, table: Table, key: Key) -> list[Any]:
        return self._values(table, table.key, dict(zip(table.key, key, strict=True)))

    # ---- reads ---------------------------------------------------------------------

    def _read_many(self, table: Table, keys: list[Key]) -> dict[Key, Row]:
        if len(table.key) != 1:
            return super()._read_many(table, keys)
        (column,) = table.key
        m = self.dialect.mark
        name = physical(self.view, table)
        columns = tuple(table.columns)
        found: dict[Key, Row] = {}
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                params = [
                    self.dialect.to_db(table.columns[column], k[0]) for k in chunk
                ]
                c.execute(
                    f"SELECT {', '.join(columns)} FROM {name} "
                    f"WHERE {column} IN ({', '.join(m for _ in chunk)})",
                    params,
                )
                for r in c.fetchall():
                    row = self._opened(table, columns, r)
                    found[(row[column],)] = row
        return found

    def _read(self, table: Table, key: Key) -> Row | None:
        where = dict(zip(table.key, key, strict=True))
        rows, _ = self._select(Selection(table, where, limit=1), count=False)
        return rows[0] if rows else None

    def _select(
        self, selection: Selection, *, count: bool = True
    ) -> tuple[list[Row], int]:
        table, where, order_by = selection.table, selection.where, selection.order_by
        m = self.dialect.mark
        name = physical(self.view, table)
        clauses, params = [], []
        sealed = set(table.personal) & {*where, *(c.lstrip("-") for c in order_by)}
        if sealed:
            msg = f"{table.name}: {sorted(sealed)} are sealed, not for queries"
            raise ValueError(msg)
        for col, value in where.items():
            if isinstance(value, Containing):  # words without LIKE's wildcards
                clauses.extend(f"{col} LIKE {m}" for _ in value.words)
                params.extend(f"%{word}%" for word in value.words)
                continue
            bounds = (
                [(">=", value.first), ("<=", value.last)]
                if isinstance(value, Between)
                else [("=", value)]
            )
            for operator, bound in bounds:
                if bound is not None or operator == "=":
                    clauses.append(f"{col} {operator} {m}")
                    params.append(self.dialect.to_db(table.columns[col], bound))
        condition = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        ordering = ", ".join(
            f"{col.lstrip('-')} {'DESC' if col.startswith('-') else 'ASC'}"
            for col in (*order_by, *table.key)
        )
        columns = tuple(table.columns)
        with self.datastore.transaction(commit=False) as c:
            total = 0
            if count and selection.counted:
                matching = f"SELECT 1 FROM {name}{condition}"
                if selection.count_limit is not None:  # stops reading there
                    matching += f" LIMIT {int(selection.count_limit) + 1}"
                c.execute(f"SELECT COUNT(*) AS n FROM ({matching}) AS m", params)
                total = int(_first(c.fetchone()))
            statement = (
                f"SELECT {', '.join(columns)} FROM {name}{condition} "
                f"ORDER BY {ordering}"
            )
            if selection.limit is not None:
                statement += (
                    f" LIMIT {int(selection.limit)} OFFSET {int(selection.offset)}"
                )
            c.execute(statement, params)
            rows = [self._opened(table, columns, r) for r in c.fetchall()]
        return rows, total


def _first(row: Any) -> Any:
    return row[0] if not isinstance(row, dict) else next(iter(row.values()))


def _get(row: Any, index: int, column: str) -> Any:
    return row[column] if isinstance(row, dict) else row[index]
