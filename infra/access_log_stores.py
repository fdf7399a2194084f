"""The access log (infra/access_log.py) in the events database: on SQLite (the
file's one writer orders the ids) and on PostgreSQL (an EXCLUSIVE lock does),
and the one a recorder writes beside."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Composed, Identifier

from infra.access_entries import access_record, moment_text, utc
from infra.access_log import AccessLog
from projections.lists import Counted, count_bound, counted

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import ApplicationRecorder
    from eventsourcing.sqlite import SQLiteDatastore

    from infra.access_entries import AccessEntry, AccessQuery, AccessRecord


# An entry's columns, as _values gives them.
COLUMNS = (
    "at, subject, role, organisation, record_kind, record_id, endpoint, request_id, "
    "categories"
)
MARKS = ", ".join("?" for _ in COLUMNS.split(","))


def _values(e: AccessEntry) -> tuple[Any, ...]:
    """The entry's values in COLUMNS order, as psycopg takes them (SQLite's through
    _sqlite_value)."""
    return (
        utc(e.at),
        e.subject,
        e.role,
        e.organisation,
        e.kind,
        e.record_id,
        e.endpoint,
        e.request_id,
        json.dumps(list(e.categories)),
    )


class SQLiteAccessLog(AccessLog):
    table = "access_log"

    def __init__(self, datastore: SQLiteDatastore) -> None:
        self.datastore = datastore

    seals = "access_log_seals"

    def q(self, text: str) -> str:
        return text.format(table=self.table, seals=self.seals)

    def _insert(self, entries: Sequence[AccessEntry]) -> None:
        # The first INSERT takes the file's write lock (SQLite has one writer):
        # the ids and the chain's head cannot move before the commit.
        with self.datastore.transaction(commit=True) as c:
            insert = f"INSERT INTO {self.table} ({COLUMNS}) VALUES ({MARKS})"
            ids = []
            for e in entries:
                c.execute(insert, [_sqlite_value(v) for v in _values(e)])
                ids.append(int(c.lastrowid))
            self._seal_range(c, ids[0], ids[-1])

    def _row_record(self, row: Any) -> AccessRecord:
        return access_record(
            row,
            at=datetime.fromisoformat(row["at"]),
            record_id=UUID(row["record_id"]),
            categories=json.loads(row["categories"]),
        )

    def select(self, query: AccessQuery) -> tuple[list[AccessRecord], Counted]:
        where, params = "", []
        conditions = query.conditions()
        if conditions:
            where = " WHERE " + " AND ".join(f"{c} ?" for c, _ in conditions)
            params = [_sqlite_value(v) for _, v in conditions]
        bound = count_bound(query)
        matching = f"SELECT 1 FROM {self.table}{where} LIMIT {bound + 1}"
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COUNT(*) FROM ({matching})", params)
            total = counted(int(c.fetchone()[0]), bound)
            c.execute(
                f"SELECT * FROM {self.table}{where} ORDER BY id DESC LIMIT ? OFFSET ?",
                [*params, query.limit, query.offset],
            )
            rows = c.fetchall()
        return [self._row_record(row) for row in rows], total


def _sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        return moment_text(value)
    if isinstance(value, UUID):
        return str(value)
    return value


class PostgresAccessLog(AccessLog):
    def __init__(self, datastore: PostgresDatastore, events_table_name: str) -> None:
        self.datastore = datastore
        self.table = f"{events_table_name.removesuffix('_events')}_access_log"
        self.seals = f"{self.table}_seals"

    def q(self, text: str) -> Composed:
        return self._sql(
            text.replace("?", "%s")
            .replace("{table}", "{schema}.{table}")
            .replace("{seals}", "{schema}.{seals}")
        )

    def _sql(self, text: str) -> Composed:
        return SQL(text).format(  # type: ignore[arg-type]
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.table),
            seals=Identifier(self.seals),
        )

    def _lock(self, curs: Any) -> None:
        # Concurrent readers log at once: EXCLUSIVE lets the log be read but
        # makes writers take their ids, and seal them, one transaction after
        # another, so the chain stays linear (the events' table does the same).
        curs.execute(self._sql("LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE"))

    def _insert(self, entries: Sequence[AccessEntry]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._lock(curs)
            insert = f"INSERT INTO {{table}} ({COLUMNS}) VALUES ({MARKS}) RETURNING id"
            ids = []
            for e in entries:
                curs.execute(self.q(insert), _values(e))
                ids.append(int(curs.fetchone()["id"]))
            self._seal_range(curs, ids[0], ids[-1])

    def _row_record(self, row: Any) -> AccessRecord:
        return access_record(
            row,
            at=utc(row["at"]),
            record_id=row["record_id"],
            categories=row["categories"],
        )

    def select(self, query: AccessQuery) -> tuple[list[AccessRecord], Counted]:
        where = SQL("")
        params: list[Any] = []
        conditions = query.conditions()
        if conditions:
            where = SQL(" WHERE ") + SQL(" AND ").join(
                SQL(f"{c} %s") for c, _ in conditions
            )
            params = [v for _, v in conditions]
        bound = count_bound(query)
        count = (
            self._sql("SELECT COUNT(*) AS n FROM (SELECT 1 FROM {schema}.{table}")
            + where
            + SQL(f" LIMIT {bound + 1}) AS m")
        )
        rows_sql = (
            self._sql("SELECT * FROM {schema}.{table}")
            + where
            + SQL(" ORDER BY id DESC LIMIT %s OFFSET %s")
        )
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(count, params)
            found = curs.fetchone()
            curs.execute(rows_sql, [*params, query.limit, query.offset])
            rows = curs.fetchall()
        total = counted(int(found["n"]) if found else 0, bound)
        return [self._row_record(row) for row in rows], total


def access_log_for(recorder: ApplicationRecorder) -> AccessLog:
    """The access log in the events database the application's recorder writes."""
    datastore = recorder.datastore  # type: ignore[attr-defined]
    if isinstance(datastore, PostgresDatastore):
        return PostgresAccessLog(datastore, recorder.events_table_name)  # type: ignore[attr-defined]
    return SQLiteAccessLog(datastore)
